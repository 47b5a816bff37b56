"""Small helpers for the database, on SQLite and PostgreSQL alike: queries over many rows, the
planner's statistics, a refusal said in words."""

import re

from django.apps import apps
from django.db import connection
from django.db.models import prefetch_related_objects

# Values of an IN (...) list per query, well under SQLite's limit on SQL variables.
CHUNK = 500


def chunks(values, size=CHUNK):
    """`values` in lists of at most `size`, for one query each."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def prefetch_in_chunks(objects, *lookups):
    """`objects` (a queryset, say) as a list, with `lookups` prefetched as prefetch_related()
    would, but in one query per CHUNK objects: Django puts the keys of all of them into one
    IN (...) list, and SQLite as some builds have it takes 999 values at most."""
    objects = list(objects)
    for part in chunks(objects):
        prefetch_related_objects(part, *lookups)
    return objects


def update_planner_statistics():
    """After a bulk load: the database's query planner learns what the tables now hold (which
    index is selective), as SQLite and PostgreSQL both do with ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def refusal_in_words(error):
    """
    What a database's refusal (an IntegrityError, a DataError) means, in words: the message of
    the constraint it names when a model gives one ("The year must be between 1789 and 2100."),
    otherwise the database's own first line. SQLite and PostgreSQL both name a check constraint
    and PostgreSQL a unique one; SQLite names a unique one by its columns.
    """
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if re.search(rf"\b{re.escape(constraint.name)}\b", text):
                return constraint.get_violation_error_message()
    return f"the database refused it ({text})"
