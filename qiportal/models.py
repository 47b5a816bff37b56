"""The tables the core keeps for every kind of content: the search index, how far scheduled
publication has got, and which text pipeline rendered the stored HTML. None is edited by
anyone: each is worked out from content."""

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
