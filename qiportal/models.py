"""The tables the core keeps for every kind of content: the search index, how far scheduled
publication has got and which text pipeline rendered the stored HTML (each worked out from
content, edited by nobody), and the working copies of published items."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class SearchEntry(models.Model):
    """
    What the site search looks through: one row per searchable item, written whenever the item
    changes (see qiportal.search). Publish state is copied, so a scheduled item is found from its
    time on without any work at that time. `kind` is the name its app registered it under.
    """

    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    citations = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10)
    published_at = models.DateTimeField()
    # PostgreSQL's tsvector, with a GIN index (SQLite uses an FTS5 table instead).
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        # The table (and SQLite's FTS5 table and triggers over it) was made when the search
        # lived in the explainer; the model moved, the data did not.
        db_table = "explainer_searchentry"
        ordering = ["kind", "object_id"]
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_entry_per_item")
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class ScheduledPublication(models.Model):
    """
    One row: how far scheduled publication has got (qiportal.scheduling). Every item whose
    publication time is at or before `done_through` has had the work of its publication done;
    `claimed_until` is set while one worker does the work for the items after it, so that no
    other worker does it at the same time.
    """

    done_through = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "scheduled publication"

    def __str__(self):
        return f"Scheduled publication done through {self.done_through:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def current(cls):
        mark, _ = cls.objects.get_or_create(pk=1)
        return mark


class TextRendering(models.Model):
    """One row: the version of the text pipeline (qiportal.texts.PIPELINE) that rendered the
    stored HTML. When a release changes what the pipeline writes, every text is rendered again
    once (`texts.bring_up_to_date`, run by `load_content` on each deploy, or `render_texts`)."""

    pipeline = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "text rendering"

    def __str__(self):
        return f"Texts rendered by pipeline {self.pipeline} at {self.rendered_at:%Y-%m-%d %H:%M}"


class WorkingCopy(models.Model):
    """
    A change to a published item (or the introduction) kept aside until it is published: the
    item and the rows its history keeps with it (a case's citations, relations and topics), as
    django-reversion would keep them (qiportal.workingcopies). One per item; the public page
    stays as it is meanwhile. Its steps (saved, submitted, sent back, published, discarded)
    are kept in the item's history, with who and when.
    """

    class State(models.TextChoices):
        EDITING = "editing", "Being edited"
        SUBMITTED = "submitted", "Waiting for review"
        SENT_BACK = "sent-back", "Sent back"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("item", max_length=300)
    # The public address of the item: staff reading it there see the working copy.
    page_path = models.CharField(max_length=300, blank=True, db_index=True)
    data = models.TextField(
        help_text="The item and its rows, as Django's JSON serializer writes them."
    )
    # The item's "last changed" when the copy was begun: a change to the live item since is
    # shown to whoever publishes the copy.
    live_changed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.EDITING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The reviewer's words when sent back.")
    comment_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Approved to go live at this time, with nobody acting (qiportal.scheduling).
    publish_at = models.DateTimeField(null=True, blank=True, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "working copy"
        verbose_name_plural = "working copies"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_working_copy_per_item"
            )
        ]
        permissions = [("publish", "Can publish changes and new items (a reviewer)")]

    def __str__(self):
        return f"Working copy of {self.object_repr}"

    @property
    def authors(self):
        """Who made this change: none of them may approve it."""
        return {pk for pk in (self.created_by_id, self.changed_by_id, self.submitted_by_id) if pk}
