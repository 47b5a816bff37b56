"""
One path for every change to content.

However content changes (an admin form or inline, a list action, the drag-and-drop order, the
shipped-content loader, the importer, scheduled publication), the change passes through here,
and what is worked out from content follows it, in this order:

1. the changed text itself is rendered before it is written (qiportal.texts), and what its
   linkers found is recorded after;
2. texts whose links depend on the change are rendered again (`texts.depending_on`);
3. search entries of what changed, and of what follows it, are written again or removed
   (`search.depending_on`);
4. the content gets a new version (`content_changed`), so every cached page is let go.

What depends on a change is asked before the write and after it: deleting a case reaches the
texts that linked to it, changing a citation reaches the texts that cite the old one and the new
one. Inside `batch()` all of this is gathered and carried out once, at the end, in the batch's
transaction (the admin's forms, the loader and the importer each run in one).

Every content model gets this by inheriting `Content`, whose manager is built from
`ContentQuerySet`: `save()` and `delete()` on an instance; `update()`, `delete()`,
`bulk_create()` and `bulk_update()` on a queryset; deletions cascading through the database
included. Not signals: signals miss `update()` and `bulk_create()`, and they hide their order;
here each step is named and called in order (docs/architecture.md).
"""

import threading
import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.core.cache import cache
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from qiportal import search, texts

# The content's version, as pages see it: it changes with every change readers could see.
CONTENT_VERSION_KEY = "qiportal:content-version"
# When the next scheduled publication is (qiportal.scheduling): worked out again after a change.
SCHEDULE_KEY = "qiportal:schedule"

_local = threading.local()


def content_changed():
    """
    Call after any change readers could see: the content gets a new version, so every cached
    page is let go, and the next scheduled time is worked out again. Both are dropped now and
    again when the change commits, so no request can cache, under the new version, what the
    database does not yet hold. (Not in a rehearsal: nothing it changes is kept.)
    """
    if getattr(_local, "rehearsing", 0):
        return
    cache.delete_many([CONTENT_VERSION_KEY, SCHEDULE_KEY])
    transaction.on_commit(lambda: cache.delete_many([CONTENT_VERSION_KEY, SCHEDULE_KEY]))


def content_version(stored=None):
    """The content's current version; `stored` is the version as the caller has just read it
    from the cache along with something else, if it has."""
    if stored is not None:
        return stored
    fresh = uuid.uuid4().hex
    # Workers racing here agree on the first version stored; if a change has dropped it again
    # meanwhile, this request goes on with its own (pages cached under it are new).
    cache.add(CONTENT_VERSION_KEY, fresh, timeout=None)
    return cache.get(CONTENT_VERSION_KEY) or fresh


class Effects:
    """What changes ask for, gathered until the end of a batch."""

    def __init__(self):
        self.texts = defaultdict(set)  # texts to render again
        self.entries = defaultdict(set)  # searchable items whose entries to write again
        self.deleted = defaultdict(set)  # rows gone
        self.changed = False

    def depending_on(self, model, pks):
        """Note what depends on these rows of `model`, as things stand now."""
        pks = {pk for pk in pks if pk is not None}
        if not pks:
            return
        for found, into in (
            (texts.depending_on(model, pks), self.texts),
            (search.depending_on(model, pks), self.entries),
        ):
            for dependent, ids in found.items():
                into[dependent].update(ids)
        self.changed = True

    def carry_out(self, also=None):
        """Render the texts again (reading only), then write them, the search entries and
        `also()` in one transaction; then a new content version."""
        for model, pks in self.deleted.items():
            self.texts[model] -= pks
            self.entries[model] -= pks
        rendered = texts.render_again({model: pks for model, pks in self.texts.items() if pks})
        with transaction.atomic():
            texts.write(rendered)
            for model, pks in self.entries.items():
                if pks:
                    search.reindex(model, pks)
            if also is not None:
                also()
        if self.changed:
            content_changed()


@contextmanager
def batch():
    """Changes made inside are carried out together at the end, in one transaction. Batches
    nest: only the outermost carries out."""
    if getattr(_local, "effects", None) is not None:
        yield _local.effects
        return
    _local.effects = effects = Effects()
    try:
        with transaction.atomic():
            yield effects
            _local.effects = None
            effects.carry_out()
    finally:
        _local.effects = None


@contextmanager
def rehearsal():
    """
    Changes made inside take their whole path (texts rendered, search entries written) and are
    undone at the end, cached pages untouched: what a page or a form would show after them
    (a working copy shown to staff, qiportal.workingcopies). A batch begun outside is left
    alone; the rehearsal's own is carried out inside it, before the undoing.
    """
    outer = getattr(_local, "effects", None)
    _local.effects = None
    _local.rehearsing = getattr(_local, "rehearsing", 0) + 1
    try:
        with transaction.atomic():
            with batch():
                yield
            transaction.set_rollback(True)
    finally:
        _local.rehearsing -= 1
        _local.effects = outer


def save(instance, write):
    """Save one instance with `write()` (the model's own save)."""
    model = type(instance)
    with batch() as effects:
        effects.depending_on(model, [instance.pk])
        is_text = isinstance(instance, texts.RenderedText)
        if is_text:
            instance.render()
        write()
        if is_text:
            instance.record_found()
        effects.depending_on(model, [instance.pk])


def delete(objs, *, using, origin, keep_parents=False):
    """Delete as Django does (cascades included), with what depended on every row deleted."""
    with batch() as effects:
        collector = Collector(using=using, origin=origin)
        collector.collect(objs, keep_parents=keep_parents)
        doomed = _doomed(collector)
        for model, pks in doomed.items():
            effects.depending_on(model, pks)
        result = collector.delete()
        for model, pks in doomed.items():
            effects.deleted[model].update(pks)
            texts.forget(model, pks)
            search.remove(model, pks)
        effects.changed = True
    return result


def _doomed(collector):
    """{content model: pks} of the rows a collector is about to delete."""
    doomed = defaultdict(set)
    for model, instances in collector.data.items():
        doomed[model].update(instance.pk for instance in instances)
    for found in collector.fast_deletes:
        if isinstance(found, models.QuerySet):
            doomed[found.model].update(found.values_list("pk", flat=True))
        else:
            doomed[type(found[0])].update(obj.pk for obj in found)
    return {model: pks for model, pks in doomed.items() if issubclass(model, Content) and pks}


class ContentQuerySet(models.QuerySet):
    """The queryset of every content model: its bulk changes take the one path too."""

    def update(self, **kwargs):
        with batch() as effects:
            pks = list(self.values_list("pk", flat=True))
            effects.depending_on(self.model, pks)
            count = super().update(**kwargs)
            if issubclass(self.model, texts.RenderedText) and self.model.text_source in kwargs:
                effects.texts[self.model].update(pks)
            effects.depending_on(self.model, pks)
        return count

    update.alters_data = True

    def delete(self):
        if self.query.is_sliced or self._fields is not None or self.query.combinator:
            return super().delete()  # which refuses, saying why
        query = self._chain()
        query._for_write = True
        query.query.select_for_update = False
        query.query.select_related = False
        query.query.clear_ordering(force=True)
        result = delete(query, using=query.db, origin=self)
        self._result_cache = None
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with batch() as effects:
            if issubclass(self.model, texts.RenderedText):
                sessions = texts.Sessions()
                for obj in objs:
                    obj.render(sessions)
            created = super().bulk_create(objs, *args, **kwargs)
            if issubclass(self.model, texts.RenderedText):
                for obj in created:
                    obj.record_found()
            effects.depending_on(self.model, [obj.pk for obj in created])
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        with batch() as effects:
            pks = [obj.pk for obj in objs]
            effects.depending_on(self.model, pks)
            is_text = issubclass(self.model, texts.RenderedText)
            rendering = is_text and self.model.text_source in fields
            if rendering:
                sessions = texts.Sessions()
                for obj in objs:
                    obj.render(sessions)
                fields.append(self.model.text_html)
            count = super().bulk_update(objs, fields, *args, **kwargs)
            if rendering:
                for obj in objs:
                    obj.record_found()
            effects.depending_on(self.model, pks)
        return count

    bulk_update.alters_data = True


class Content(models.Model):
    """A model whose rows readers see, directly or through what is worked out from them."""

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        save(self, lambda: super(Content, self).save(*args, **kwargs))

    save.alters_data = True

    def delete(self, using=None, keep_parents=False):
        if self.pk is None:
            raise ValueError(
                f"{self._meta.object_name} object can't be deleted because its "
                f"{self._meta.pk.attname} attribute is set to None."
            )
        using = using or router.db_for_write(type(self), instance=self)
        return delete([self], using=using, origin=self, keep_parents=keep_parents)

    delete.alters_data = True


def render_every_text(force=False):
    """
    Render every text again if the stored HTML came from an older text pipeline
    (`texts.PIPELINE`), or if `force`: once per release that changes what the pipeline writes,
    run by `load_content` on each deploy (and by `manage.py render_texts`). Their search
    entries are written again with them. Returns how many texts it rendered.
    """
    from qiportal.models import TextRendering

    with batch() as effects:
        mark, _ = TextRendering.objects.select_for_update().get_or_create(pk=1)
        if mark.pipeline == texts.PIPELINE and not force:
            return 0
        count = 0
        for model in texts.text_models():
            pks = set(model._base_manager.values_list("pk", flat=True))
            effects.texts[model] |= pks
            effects.entries[model] |= pks
            count += len(pks)
        effects.changed = True
        mark.pipeline, mark.rendered_at = texts.PIPELINE, timezone.now()
        mark.save()
    return count
