"""The publishing rule and the review rule, shared by what readers see."""

from datetime import timedelta

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Least
from django.utils import timezone

from explainer import search

# Content not reviewed for this long is listed as needing review.
REVIEW_INTERVAL = timedelta(days=365)

# The content's state as pages see it: its version and its next scheduled publication time
# (see explainer.scheduling), in one cache entry.
CONTENT_STATE_KEY = "qiportal:content-state"


def content_changed():
    """
    Call after any change readers could see: the content gets a new version, so every cached
    page is let go and the next scheduled time is worked out again. The state is dropped now
    and again when the change commits, so no request can cache, under the new version, what the
    database does not yet hold.
    """
    cache.delete(CONTENT_STATE_KEY)
    transaction.on_commit(lambda: cache.delete(CONTENT_STATE_KEY))


class PublishState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def published_condition(prefix=""):
    """Marked published, and its publication time has come."""
    return Q(
        **{
            f"{prefix}status": PublishState.PUBLISHED,
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_condition())

    def delete(self):
        kind = getattr(self.model, "search_kind", None)
        ids = list(self.values_list("pk", flat=True)) if kind else []
        result = super().delete()
        if kind:
            search.remove(kind, ids)
        content_changed()
        return result

    def _reindex(self, ids):
        if getattr(self.model, "search_kind", None):
            search.index_all(self.model.objects.filter(pk__in=ids))

    def scheduled(self):
        return self.filter(status=PublishState.PUBLISHED, published_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=PublishState.DRAFT)

    def publish_now(self):
        """Make every item public now, in one UPDATE (a past publication time is kept)."""
        now = timezone.now()
        ids = list(self.values_list("pk", flat=True))
        count = self.model.objects.filter(pk__in=ids).update(
            status=PublishState.PUBLISHED,
            published_at=Least("published_at", models.Value(now)),
            updated_at=now,
        )
        self._reindex(ids)
        content_changed()
        return count

    def unpublish(self):
        """Take every item back to draft, in one UPDATE."""
        ids = list(self.values_list("pk", flat=True))
        count = self.model.objects.filter(pk__in=ids).update(
            status=PublishState.DRAFT, updated_at=timezone.now()
        )
        self._reindex(ids)
        content_changed()
        return count


class Publishable(models.Model):
    """Publish state and timestamps."""

    status = models.CharField(
        max_length=10,
        choices=PublishState.choices,
        default=PublishState.DRAFT,
        db_index=True,
        help_text="Drafts are seen only by staff who are logged in. Published items are public "
        "from their publication time on.",
    )
    published_at = models.DateTimeField(
        "publication time",
        default=timezone.now,
        db_index=True,
        help_text="When a published item becomes public. A time in the future schedules it.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result

    @property
    def is_public(self):
        return self.status == PublishState.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == PublishState.PUBLISHED and self.published_at > timezone.now()

    @property
    def state(self):
        """'draft', 'scheduled' or 'published', as an editor sees it."""
        if self.status == PublishState.DRAFT:
            return "draft"
        return "scheduled" if self.is_scheduled else "published"


class ReviewableQuerySet(models.QuerySet):
    def needing_review(self):
        """Never reviewed, or not for a year."""
        since = timezone.localdate() - REVIEW_INTERVAL
        return self.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=since))

    def mark_reviewed(self):
        """Record that an editor checked these today, in one UPDATE."""
        count = self.update(last_reviewed=timezone.localdate())
        content_changed()
        return count


class Reviewable(models.Model):
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text="When an editor last checked this against the law and the sources.",
    )

    class Meta:
        abstract = True


class ContentQuerySet(PublishableQuerySet, ReviewableQuerySet):
    """Topics and FAQ items: published and reviewed."""
