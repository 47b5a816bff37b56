"""
Which cases belong under which topic is the explainer's to keep: CaseTopic moves here from the
case index (cases 0009), on the same table with the same rows, and the many-to-many field moves
from the case (`case.topics`) to the topic (`topic.cases`), still reachable both ways. Only
Django's view of the table changes.

What pointed at the model by its old app keeps working: its content type is renamed (so the
Editors' permissions and the admin's log follow), and the versions kept in history, which name
the model in their data, are rewritten to the new name, so that old versions still restore.
"""

import json

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, model, old_app, new_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=old_app, model=model).first()
    if old is None:
        return
    # A migrate run that stopped before this one may have made the new one already, unused.
    ContentType.objects.filter(app_label=new_app, model=model).delete()
    old.app_label = new_app
    old.save()


def rename_in_history(apps, old_label, new_label):
    Version = apps.get_model("reversion", "Version")
    for version in Version.objects.filter(serialized_data__contains=f'"{old_label}"'):
        if version.format != "json":
            continue
        objects = json.loads(version.serialized_data)
        for obj in objects:
            if obj.get("model") == old_label:
                obj["model"] = new_label
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(objects))


def forwards(apps, schema_editor):
    rename_content_type(apps, "casetopic", "cases", "explainer")
    rename_in_history(apps, "cases.casetopic", "explainer.casetopic")


def backwards(apps, schema_editor):
    rename_content_type(apps, "casetopic", "explainer", "cases")
    rename_in_history(apps, "explainer.casetopic", "cases.casetopic")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_casetopic_moves_to_the_explainer"),
        ("explainer", "0008_faq_anchor_prefix"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
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
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                migrations.AddField(
                    model_name="topic",
                    name="cases",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="The cases in the case index that belong to this topic.",
                        related_name="topics",
                        through="explainer.CaseTopic",
                        to="cases.courtcase",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
