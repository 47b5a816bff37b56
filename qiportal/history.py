"""Every change to content kept as a version (django-reversion), for every app."""

import reversion
from reversion.revisions import _get_options


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
