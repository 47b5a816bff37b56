"""Every change to content kept as a version (django-reversion), for every app."""

from collections import defaultdict

import reversion
from django.db import IntegrityError, transaction
from reversion.errors import RevertError

# Private helpers of django-reversion (pinned in requirements.txt): its registration's options,
# and the rows an object's versions keep with it, as its own revert finds them.
from reversion.revisions import _follow_relations_recursive, _get_options


def follow(model, *relations):
    """
    Keep `relations` of `model` in its versions as well, for an app that adds them from above:
    the explainer files cases under its topics, so a case's version keeps its topics, and a
    deleted case comes back with them, though the case index knows nothing of topics.
    django-reversion has no public way to extend a registration, so it is made again with the
    same options (read with its `_get_options`) and the new relations.
    """
    options = _get_options(model)
    reversion.unregister(model)
    reversion.register(
        model,
        fields=options.fields,
        follow=(*options.follow, *relations),
        format=options.format,
        for_concrete_model=options.for_concrete_model,
        ignore_duplicates=options.ignore_duplicates,
        use_natural_foreign_keys=options.use_natural_foreign_keys,
        object_id_field=options.object_id_field,
    )


def followed_models(model):
    """The models whose rows `model`'s versions keep with it (a case: citations, topic links)."""
    found = []
    for name in _get_options(model).follow:
        related = model._meta.get_field(name).related_model
        if related not in found:
            found += [related, *(m for m in followed_models(related) if m not in found)]
    return found


def item_versions(version):
    """
    The versions in `version`'s revision that belong to its item: its own, then those of the
    rows its registration follows, recursively (a case's citations and topic links). One
    revision may hold many items (a list action's, the shipped content's); the others are not
    the item's.
    """
    others = list(version.revision.version_set.filter(db=version.db).exclude(pk=version.pk))
    found = [version]
    for parent in found:  # grows as rows are found: parents always come before their rows
        model = parent._model
        for name in _get_options(model).follow:
            relation = model._meta.get_field(name)
            for other in others:
                if (
                    other._model is relation.related_model
                    and other not in found
                    and _linked(parent, other, relation)
                ):
                    found.append(other)
    return found


def _linked(parent, other, relation):
    if relation.one_to_many:  # a reverse foreign key: the other row points at the parent
        return str(other.field_dict.get(relation.field.attname)) == parent.object_id
    if relation.many_to_one or relation.one_to_one:
        return other.object_id == str(parent.field_dict.get(relation.attname))
    raise NotImplementedError(
        f"History follows {relation.name}, a many-to-many relation: follow its through model."
    )


def restore(version):
    """
    Put `version`'s item back as that version kept it: the item and the rows it follows, and
    none of the rows it follows now that the version did not have (django-reversion's revert
    with delete=True, for this one item; the other items of the revision stay as they are).

    Returns the versions of followed rows left out because a row they point at has been
    deleted since (a case's place under a topic deleted since). Raises RevertError, saying
    why, when the item itself cannot be put back.
    """
    versions = item_versions(version)
    model, db = version._model, version.db
    restoring = {(v._model, v.object_id) for v in versions}
    current = model._default_manager.using(db).filter(pk=version.object_id).first()
    if current is not None:
        stale = defaultdict(list)
        for row in _follow_relations_recursive(current):
            if (type(row), str(row.pk)) not in restoring:
                stale[type(row)].append(row.pk)
        for stale_model, pks in stale.items():
            stale_model._default_manager.using(db).filter(pk__in=pks).delete()
    kept = kept_values(model, version.object_id, db)
    left_out = []
    for each in versions:
        gone = _missing_target(each, restoring)
        if gone is not None:
            if each is version:
                raise RevertError(
                    f"“{each.object_repr}” cannot be restored: its {gone} has been deleted "
                    "since. Restore that first."
                )
            left_out.append(each)
            restoring.discard((each._model, each.object_id))
            continue
        if each is version:
            for name, value in kept.items():  # the item comes back in its current order
                setattr(each._object_version.object, name, value)
        try:
            with transaction.atomic(using=db):
                each.revert()
        except IntegrityError as error:
            raise RevertError(
                f"“{each.object_repr}” cannot be restored as it was: an item saved since has "
                "the same name, address or citation. Change that one first."
            ) from error
    return left_out


def _missing_target(version, restoring):
    """The name of the relation whose row `version` points at and which no longer exists."""
    fields = version.field_dict
    for field in version._model._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or fields.get(field.attname) is None:
            continue
        value = fields[field.attname]
        target = field.related_model
        if (target, str(value)) in restoring:
            continue
        if (
            not target._default_manager.using(version.db)
            .filter(**{field.target_field.attname: value})
            .exists()
        ):
            return field.verbose_name
    return None


def kept_values(model, pk, db="default"):
    """{field: current value} of the fields `model` keeps through a restore (`history_keeps`:
    the order set by dragging), for the row `pk`; {} when it has none or the row is gone."""
    names = getattr(model, "history_keeps", ())
    if not names:
        return {}
    return model._default_manager.using(db).filter(pk=pk).values(*names).first() or {}
