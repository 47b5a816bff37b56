"""Small helpers for queries over many rows, on SQLite and PostgreSQL alike."""

from django.db import connection

# Values of an IN (...) list per query, well under SQLite's limit on SQL variables.
CHUNK = 500


def chunks(values, size=CHUNK):
    """`values` in lists of at most `size`, for one query each."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def update_planner_statistics():
    """After a bulk load: the database's query planner learns what the tables now hold (which
    index is selective), as SQLite and PostgreSQL both do with ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
