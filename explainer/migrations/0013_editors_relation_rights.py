"""Editors also keep the relations between cases: add, change, delete and view them (on a
case's form, and when a case's version that holds them is restored)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_caserelation", "change_caserelation", "delete_caserelation", "view_caserelation"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    # Through the link table: on the way down the rights' model may come from another state of
    # the apps than the group's, and `remove()` would refuse its instances.
    Group = apps.get_model("auth", "Group")
    Group.permissions.through.objects.filter(
        group__name="Editors",
        permission__content_type__app_label="cases",
        permission__codename__in=CODENAMES,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("explainer", "0012_topic_shows_timeline"),
        ("cases", "0011_case_relations_and_milestones"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
