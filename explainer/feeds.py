from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from cases.models import CourtCase
from explainer.models import FAQItem, Topic

FEED_LENGTH = 50


class UpdatesFeed(Feed):
    """Topics, answers and cases, as they are published or changed, the latest first."""

    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME}: updates"
    subtitle = "New and changed explainer topics, questions and answers, and cases."
    link = reverse_lazy("explainer:index")

    def items(self):
        # Items changed at the same moment (one list action changes many) come in slug order,
        # so the feed is the same whatever order the rows are stored in (after an import, say).
        recent = [
            *Topic.objects.published().order_by("-updated_at", "slug")[:FEED_LENGTH],
            *FAQItem.objects.published()
            .select_related("topic")
            .order_by("-updated_at", "slug")[:FEED_LENGTH],
            *CourtCase.objects.published().order_by("-updated_at", "slug")[:FEED_LENGTH],
        ]
        # A stable sort: at the same moment, topics, then answers, then cases.
        return sorted(recent, key=lambda item: item.updated_at, reverse=True)[:FEED_LENGTH]

    def item_title(self, item):
        kind = {Topic: "Explainer", FAQItem: "Question", CourtCase: "Case"}[type(item)]
        return f"{kind}: {item}"

    def item_description(self, item):
        if isinstance(item, Topic):
            return item.summary
        if isinstance(item, FAQItem):
            return item.answer_html
        return item.holding

    def item_guid(self, item):
        return f"{item.get_absolute_url()}#{item.updated_at.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
