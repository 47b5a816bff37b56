"""
Give case-topic membership a model of its own, on the table Django already made for the plain
many-to-many field, so that history can keep it with the case and with the topic (a deleted
topic comes back with its cases). Only Django's view of the table changes: the database keeps
the table, its columns and its data.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_citation_mentions"),
        ("explainer", "0002_introduction_ordering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseTopic",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                db_column="courtcase_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="topic_links",
                                to="cases.courtcase",
                            ),
                        ),
                        (
                            "topic",
                            models.ForeignKey(
                                help_text="An explainer topic this case belongs to.",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="case_links",
                                to="explainer.topic",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "topic",
                        "db_table": "cases_courtcase_topics",
                        "ordering": ["id"],
                        "unique_together": {("case", "topic")},
                    },
                ),
                migrations.AlterField(
                    model_name="courtcase",
                    name="topics",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="The explainer topics this case belongs to.",
                        related_name="cases",
                        through="cases.CaseTopic",
                        to="explainer.topic",
                    ),
                ),
            ],
        ),
    ]
