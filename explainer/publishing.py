"""The publishing rule, shared by everything readers see (topics, FAQ items, cases)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


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

    @property
    def is_public(self):
        return self.status == PublishState.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == PublishState.PUBLISHED and self.published_at > timezone.now()
