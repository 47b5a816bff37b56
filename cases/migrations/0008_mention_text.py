"""
A Mention names the text it was found in by the text's model label and primary key, instead of
one foreign key per kind of text (introduction, topic, FAQ item, case summary). Any kind of text
can now cite cases without a column here, and the case index no longer points at the explainer's
tables. The rows are kept: each gets the text its foreign key named.
"""

from django.db import migrations, models

# The old foreign keys, and the model each pointed at.
SOURCES = {
    "introduction": "explainer.introduction",
    "topic": "explainer.topic",
    "faq_item": "explainer.faqitem",
    "citing_case": "cases.courtcase",
}


def name_the_texts(apps, schema_editor):
    Mention = apps.get_model("cases", "Mention")
    for field, label in SOURCES.items():
        Mention.objects.filter(**{f"{field}__isnull": False}).update(
            text_type=label, text_id=models.F(field)
        )


def point_at_the_texts(apps, schema_editor):
    Mention = apps.get_model("cases", "Mention")
    for field, label in SOURCES.items():
        Mention.objects.filter(text_type=label).update(**{field: models.F("text_id")})
    # Mentions in kinds of text the old columns cannot name are worked out again on the next save.
    Mention.objects.exclude(text_type__in=SOURCES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_index_the_public_count")]

    operations = [
        migrations.RemoveConstraint(model_name="mention", name="mention_has_one_source"),
        migrations.AddField(
            model_name="mention",
            name="text_type",
            field=models.CharField(default="", max_length=100),
        ),
        migrations.AddField(
            model_name="mention",
            name="text_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(name_the_texts, point_at_the_texts),
        migrations.RemoveField(model_name="mention", name="citing_case"),
        migrations.RemoveField(model_name="mention", name="faq_item"),
        migrations.RemoveField(model_name="mention", name="introduction"),
        migrations.RemoveField(model_name="mention", name="topic"),
        migrations.AlterField(
            model_name="mention",
            name="text_type",
            field=models.CharField(max_length=100),
        ),
        migrations.AlterField(
            model_name="mention",
            name="text_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="mention",
            index=models.Index(fields=["text_type", "text_id"], name="mention_text"),
        ),
    ]
