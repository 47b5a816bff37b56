"""Editors keep the laws, their answers and sources, and the jurisdictions: add, change, delete
and view them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["jurisdiction", "law", "lawanswer", "lawsource"]
CODENAMES = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="laws", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    # Through the link table: on the way down the rights' model may come from another state of
    # the apps than the group's.
    apps.get_model("auth", "Group").permissions.through.objects.filter(
        group__name="Editors",
        permission__content_type__app_label="laws",
        permission__codename__in=CODENAMES,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("laws", "0002_jurisdictions"), ("explainer", "0004_editors_group")]

    operations = [migrations.RunPython(grant, revoke)]
