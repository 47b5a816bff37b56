"""
Scheduled publishing: an item with a publication time in the future becomes public at that
time without anyone acting.

Pages ask `published()` at request time, so the item itself appears on time. What was worked
out from the content when it was saved (links to a case that was not public yet) is brought up
to date by `publish_due()`, which the middleware runs on the first request after each scheduled
time: one cache read per request, and real work only when something has come due.
"""

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from cases.models import CourtCase, refresh_due_links
from explainer.models import FAQItem, Topic
from explainer.publishing import NEXT_PUBLICATION_KEY, content_changed

NEVER = "never"


def next_scheduled_publication():
    """The earliest publication time still to come, or None."""
    times = [
        model.objects.scheduled().aggregate(first=Min("published_at"))["first"]
        for model in (Topic, FAQItem, CourtCase)
    ]
    return min((time for time in times if time), default=None)


def publish_due():
    """Bring derived content up to date if a scheduled time has passed. True if it did."""
    due = cache.get(NEXT_PUBLICATION_KEY)
    if due is None:
        due = next_scheduled_publication() or NEVER
        cache.set(NEXT_PUBLICATION_KEY, due, timeout=None)
    if due == NEVER or due > timezone.now():
        return False
    refresh_due_links()
    content_changed()
    return True
