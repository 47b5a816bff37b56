"""Editors also keep the key terms: add, change, delete and view them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_glossaryterm", "change_glossaryterm", "delete_glossaryterm", "view_glossaryterm"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="explainer", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="explainer", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("explainer", "0006_search_engines"),
        ("explainer", "0004_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
