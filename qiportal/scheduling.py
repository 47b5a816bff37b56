"""
Scheduled publication: an item with a publication time in the future becomes public at that time,
with nobody acting.

Pages ask `published()` at request time, so the item itself appears on time. What was worked out
from content before its time (links to a case that was not public yet, key terms linked in the
texts, cached pages) is brought up to date by `publish_due()`, a step of its own:

- It runs once per publication, in one worker: a cache entry (`LOCK_KEY`) keeps other workers
  from even trying while it runs, and a claim on the one ScheduledPublication row keeps a second
  one from running it if they do.
- It renders the texts first, reading only, then writes them, the search entries and how far it
  got (`ScheduledPublication.done_through`) in one transaction; readers go on getting the pages
  of the previous version until that commits, and then the content gets a new version.
- It runs in a thread of its own (`PUBLISH_DUE_IN_BACKGROUND`), never inside a reader's request,
  started by the first request that sees a publication time has come (`check()`, called by the
  page cache middleware on every request). `manage.py publish_due` runs it from a timer too.
- Working copies approved for a later time (qiportal.workingcopies) are published by the same
  step, first, each through the one path of every change.
- When the next publication is, is kept in the cache for at most a minute (`SCHEDULE_KEY`), and
  worked out again from the database, which records what was done: a schedule that a worker
  missed (its state was stored while an editor's save committed) is caught within a minute.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import F, Min, Q
from django.utils import timezone

from qiportal import changes, workingcopies
from qiportal.changes import CONTENT_VERSION_KEY, SCHEDULE_KEY
from qiportal.models import ScheduledPublication
from qiportal.publishing import Publishable, PublishState

logger = logging.getLogger(__name__)

# How long the next publication time is kept in the cache before it is worked out again.
SCHEDULE_SECONDS = 60
# Set while one worker publishes what came due; if the work fails it stays until it expires, so
# it is tried again once a minute, not on every request.
LOCK_KEY = "qiportal:publishing-due"
RETRY_SECONDS = 60
# How long one worker's claim on the work lasts: if it dies at it, another takes over after.
CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Schedule:
    next_publication: datetime | None  # the earliest publication time whose work is not done

    def is_due(self):
        return self.next_publication is not None and self.next_publication <= timezone.now()


def publishable_models():
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def awaiting(model, since):
    """Items whose publication time is after `since` and after their last change: their work
    was not done when they were saved, because they were not public yet."""
    return model._base_manager.filter(status=PublishState.PUBLISHED, published_at__gt=since).filter(
        published_at__gt=F("updated_at")
    )


def next_publication():
    """The earliest publication time whose work is still to do (an item's, or a working
    copy's approved for later), or None."""
    since = ScheduledPublication.current().done_through
    times = [
        awaiting(model, since).aggregate(first=Min("published_at"))["first"]
        for model in publishable_models()
    ]
    times.append(workingcopies.next_due())
    return min((time for time in times if time), default=None)


def check(stored=None):
    """
    Start publishing what came due, if something has and nobody is at it. `stored` is the
    schedule as the caller has just read it from the cache, if it has. Returns True when the
    work was done here and now (PUBLISH_DUE_IN_BACKGROUND off).
    """
    schedule = stored if stored is not None else cache.get(SCHEDULE_KEY)
    if schedule is None:
        schedule = Schedule(next_publication())
        cache.set(SCHEDULE_KEY, schedule, timeout=SCHEDULE_SECONDS)
    if not schedule.is_due() or not cache.add(LOCK_KEY, True, timeout=RETRY_SECONDS):
        return False
    if settings.PUBLISH_DUE_IN_BACKGROUND:
        threading.Thread(target=_publish_in_background, name="publish-due", daemon=True).start()
        return False
    _publish()
    return True


def content_state(found=None):
    """
    The content's version as pages are cached under it, after starting the work of whatever
    publication has come due. `found` holds the cache entries the caller has just read along
    with its page, if any.
    """
    found = found or {}
    worked = check(found.get(SCHEDULE_KEY))
    return changes.content_version(None if worked else found.get(CONTENT_VERSION_KEY))


def _publish_in_background():
    try:
        _publish()
    finally:
        connections.close_all()  # this thread's own connections


def _publish():
    try:
        done = publish_due()
    except Exception:
        logger.exception("Publishing what came due failed; it is tried again within a minute.")
        return
    if done is not None:
        cache.delete(LOCK_KEY)


def publish_due():
    """
    Do the work of every publication whose time has come since the last run: the texts that
    link to what is now public are rendered again, search entries written, the content gets a
    new version. Returns {model: pks} of what came due, or None when another worker holds the
    work.
    """
    now = timezone.now()
    ScheduledPublication.current()
    claimed = (
        ScheduledPublication.objects.filter(pk=1)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )
    if not claimed:
        return None
    try:
        workingcopies.publish_due(now)  # each in its own batch, kept in its item's history
        since = ScheduledPublication.objects.get(pk=1).done_through
        came_due, effects = {}, changes.Effects()
        for model in publishable_models():
            pks = set(
                awaiting(model, since).filter(published_at__lte=now).values_list("pk", flat=True)
            )
            if pks:
                came_due[model] = pks
                effects.depending_on(model, pks)
        effects.carry_out(
            also=lambda: ScheduledPublication.objects.filter(pk=1).update(
                done_through=now, claimed_until=None
            )
        )
    except BaseException:
        ScheduledPublication.objects.filter(pk=1).update(claimed_until=None)
        raise
    cache.delete(SCHEDULE_KEY)
    return came_due
