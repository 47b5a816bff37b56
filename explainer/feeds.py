from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.html import escape

from cases.models import CourtCase
from explainer.glossary import without_popovers
from explainer.models import FAQItem, Topic
from qiportal.feeds import AtomFeed
from qiportal.parameters import QueryParameters

FEED_LENGTH = 50


class UpdatesFeed(Feed):
    """Topics, answers and cases, as they are published or changed, the latest first."""

    feed_type = AtomFeed
    query_parameters = QueryParameters()
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
        """Atom's summary is HTML here: an answer's sanitised HTML, and plain text (a topic's
        summary, a case's holding) escaped, so a feed reader shows it as typed, as the site's
        own pages do, markup included."""
        if isinstance(item, Topic):
            return escape(item.summary)
        if isinstance(item, FAQItem):
            return without_popovers(item.answer_html)
        return escape(item.holding)

    def item_guid(self, item):
        return f"{item.get_absolute_url()}#{item.updated_at.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
