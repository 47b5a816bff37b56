from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.html import escape

from cases.models import CourtCase
from qiportal.feeds import AtomFeed
from qiportal.parameters import QueryParameters


class LatestCasesFeed(Feed):
    """Cases in the index, the most recently added first."""

    feed_type = AtomFeed
    query_parameters = QueryParameters()
    title = f"{settings.SITE_NAME}: cases"
    subtitle = "Court decisions added to the qualified-immunity case index."
    link = reverse_lazy("cases:index")

    def items(self):
        return (
            CourtCase.objects.published()
            .select_related("court")
            .prefetch_related("citations")
            .order_by("-published_at", "name")[:50]
        )

    def item_title(self, case):
        return case.bluebook

    def item_description(self, case):
        # Atom's summary is HTML: the plain text is escaped, so a reader shows it as typed.
        return escape(f"{case.get_outcome_display()}. {case.holding}")

    def item_pubdate(self, case):
        return case.published_at

    def item_updateddate(self, case):
        return case.updated_at
