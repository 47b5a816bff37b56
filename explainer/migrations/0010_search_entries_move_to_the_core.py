"""The search entries are the core's now (qiportal 0001 takes the model; the table, its name and
its rows stay). Its content type follows it."""

from django.db import migrations


def rename_content_type(apps, old_app, new_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=old_app, model="searchentry").first()
    if old is None:
        return
    ContentType.objects.filter(app_label=new_app, model="searchentry").delete()
    old.app_label = new_app
    old.save()


class Migration(migrations.Migration):
    dependencies = [
        ("explainer", "0009_casetopic_from_the_case_index"),
        ("qiportal", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchEntry")],
        ),
        migrations.RunPython(
            lambda apps, schema_editor: rename_content_type(apps, "explainer", "qiportal"),
            lambda apps, schema_editor: rename_content_type(apps, "qiportal", "explainer"),
        ),
    ]
