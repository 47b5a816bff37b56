"""
Scheduled publishing: an item with a publication time in the future becomes public at that time
without anyone acting.

Pages ask `published()` at request time, so the item itself appears on time. What was worked out
from the content beforehand (links to a case that was not public yet, cached pages) is brought
up to date by `content_state()`, which the page cache middleware calls on every request: one
cache read (together with the page's), and real work only on the first request after a
scheduled time.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from cases.models import CourtCase, refresh_due_links
from explainer.models import FAQItem, Topic
from explainer.publishing import CONTENT_STATE_KEY, content_changed


@dataclass(frozen=True)
class ContentState:
    version: str  # changes with every change readers could see
    next_publication: datetime | None  # the earliest scheduled time still to come


def next_scheduled_publication():
    """The earliest publication time still to come, or None."""
    times = [
        model.objects.scheduled().aggregate(first=Min("published_at"))["first"]
        for model in (Topic, FAQItem, CourtCase)
    ]
    return min((time for time in times if time), default=None)


def content_state(stored=None):
    """
    The content's current state, after publishing whatever has come due. `stored` is the state
    as the caller has just read it from the cache along with something else, if it has.
    """
    state = stored if stored is not None else cache.get(CONTENT_STATE_KEY)
    if state is None:
        fresh = ContentState(uuid.uuid4().hex, next_scheduled_publication())
        # Workers racing here agree on the first state stored; if a change has dropped it
        # again meanwhile, this request goes on with its own (pages cached under it are new).
        cache.add(CONTENT_STATE_KEY, fresh, timeout=None)
        state = cache.get(CONTENT_STATE_KEY) or fresh
    if state.next_publication and state.next_publication <= timezone.now():
        refresh_due_links()
        content_changed()
        return content_state()
    return state
