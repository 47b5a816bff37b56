"""Small helpers for queries over many rows, on SQLite and PostgreSQL alike."""

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
