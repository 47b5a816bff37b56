"""
The full-text engine behind the search entries, whichever database this is:

- PostgreSQL: a GIN index on the entries' tsvector column (filled by explainer.search).
- SQLite: an FTS5 table with Porter stemming over the entries' title, citations and text,
  kept in step with every insert, update and delete by triggers.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE VIRTUAL TABLE explainer_searchentry_fts USING fts5(
        title, citations, body,
        content='explainer_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER explainer_searchentry_fts_insert AFTER INSERT ON explainer_searchentry
    BEGIN
        INSERT INTO explainer_searchentry_fts (rowid, title, citations, body)
        VALUES (new.id, new.title, new.citations, new.body);
    END
    """,
    """
    CREATE TRIGGER explainer_searchentry_fts_delete AFTER DELETE ON explainer_searchentry
    BEGIN
        INSERT INTO explainer_searchentry_fts (explainer_searchentry_fts, rowid, title, citations, body)
        VALUES ('delete', old.id, old.title, old.citations, old.body);
    END
    """,
    """
    CREATE TRIGGER explainer_searchentry_fts_update AFTER UPDATE ON explainer_searchentry
    BEGIN
        INSERT INTO explainer_searchentry_fts (explainer_searchentry_fts, rowid, title, citations, body)
        VALUES ('delete', old.id, old.title, old.citations, old.body);
        INSERT INTO explainer_searchentry_fts (rowid, title, citations, body)
        VALUES (new.id, new.title, new.citations, new.body);
    END
    """,
    "INSERT INTO explainer_searchentry_fts (explainer_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS explainer_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS explainer_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS explainer_searchentry_fts_update",
    "DROP TABLE IF EXISTS explainer_searchentry_fts",
]
POSTGRESQL = [
    "CREATE INDEX explainer_searchentry_vector ON explainer_searchentry USING gin (vector)",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS explainer_searchentry_vector"]


def run(statements):
    def operation(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("explainer", "0005_glossary_and_search")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
