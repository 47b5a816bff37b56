"""
The publishing rule and the review rule, for every kind of content readers see.

An item is public when it is marked published and its publication time has come: one condition
(`published_condition`), one queryset method (`published()`), where every public view starts.
Changes go through qiportal.changes like every other change; the content version they bump is
`qiportal.changes.content_changed`.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Case, Q, When
from django.utils import timezone

from qiportal.changes import Content, ContentQuerySet

# Content not reviewed for this long is listed as needing review.
REVIEW_INTERVAL = timedelta(days=365)


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


class PublishableQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(published_condition())

    def scheduled(self):
        return self.filter(status=PublishState.PUBLISHED, published_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=PublishState.DRAFT)

    def publish_now(self):
        """Make every item public now, in one UPDATE. An item that goes public now is dated
        now (a draft written a month ago, an item scheduled for later); one that was public
        already keeps its date."""
        now = timezone.now()
        return self.update(
            status=PublishState.PUBLISHED,
            published_at=Case(
                When(published_condition(), then="published_at"),
                default=models.Value(now),
            ),
            updated_at=now,
        )

    def unpublish(self):
        """Take every item back to draft, in one UPDATE."""
        return self.update(status=PublishState.DRAFT, updated_at=timezone.now())


class Approvable(models.Model):
    """When a second person approved the version readers see (qiportal.workingcopies); empty
    once anyone changes it without review."""

    approved_on = models.DateField(
        "reviewed on",
        null=True,
        blank=True,
        editable=False,
        help_text="When a reviewer approved the version readers see.",
    )

    class Meta:
        abstract = True


class Publishable(Approvable, Content):
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
        self.date_publication()
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The state as stored, to tell when a save makes the item public (None when the query
        # left the field out: reading it here would cost a query per row).
        instance.stored_status = instance.__dict__.get("status")
        return instance

    def date_publication(self):
        """A draft that is published now is dated now, not when it was first written, unless
        a time still to come was set on purpose (then it is scheduled for that time)."""
        now = timezone.now()
        going_public = (
            getattr(self, "stored_status", None) == PublishState.DRAFT
            and self.status == PublishState.PUBLISHED
        )
        if going_public and self.published_at <= now:
            self.published_at = now

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


class ReviewableQuerySet(ContentQuerySet):
    def needing_review(self):
        """Never reviewed, or not for a year."""
        since = timezone.localdate() - REVIEW_INTERVAL
        return self.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=since))

    def mark_reviewed(self):
        """Record that an editor checked these today, in one UPDATE. It is a change like any
        other: 'last changed' moves, so a form opened before it cannot save over it unwarned."""
        return self.update(last_reviewed=timezone.localdate(), updated_at=timezone.now())


class Reviewable(models.Model):
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text="When an editor last checked this against the law and the sources.",
    )

    class Meta:
        abstract = True


class PublishedAndReviewedQuerySet(PublishableQuerySet, ReviewableQuerySet):
    """Topics and FAQ items: published and reviewed."""
