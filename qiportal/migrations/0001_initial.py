"""
The core's two tables. The search entries' table was made by the explainer (explainer 0005, with
SQLite's FTS5 table and triggers over it in 0006) when the search was the explainer's; the model
moves here and the table, its name and its rows stay as they are (explainer 0010 lets go of it).
The scheduled-publication row is new.
"""

from datetime import UTC, datetime

import django.contrib.postgres.search
import django.utils.timezone
from django.db import migrations, models


def start_the_schedule(apps, schema_editor):
    # From the beginning: a publication that the code before this one missed (a key term's,
    # which it never linked) is done once, on the first request.
    apps.get_model("qiportal", "ScheduledPublication").objects.update_or_create(
        pk=1, defaults={"done_through": datetime(2000, 1, 1, tzinfo=UTC)}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [("explainer", "0006_search_engines")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=10)),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("url", models.CharField(max_length=300)),
                        ("title", models.CharField(max_length=300)),
                        ("citations", models.CharField(blank=True, max_length=500)),
                        ("body", models.TextField(blank=True)),
                        ("status", models.CharField(max_length=10)),
                        ("published_at", models.DateTimeField()),
                        (
                            "vector",
                            django.contrib.postgres.search.SearchVectorField(
                                editable=False, null=True
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "search entries",
                        "db_table": "explainer_searchentry",
                        "ordering": ["kind", "object_id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "object_id"), name="one_entry_per_item"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.CreateModel(
            name="ScheduledPublication",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("done_through", models.DateTimeField(default=django.utils.timezone.now)),
                ("claimed_until", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "scheduled publication"},
        ),
        migrations.RunPython(start_the_schedule, migrations.RunPython.noop),
    ]
