"""
The "Editors" group: everything the editing job needs (add, change, delete and restore content,
upload images in the editor), and no rights over users, groups or permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

CONTENT = {
    "explainer": ["topic", "faqitem"],
    "cases": ["court", "courtcase", "citation", "casetopic"],
}
EXTRA = [
    # The introduction exists once: it is changed, never added or deleted.
    ("explainer", "change_introduction"),
    ("explainer", "view_introduction"),
    ("explainer", "upload_image"),
]


def editor_permissions():
    for app_label, models in CONTENT.items():
        for model in models:
            for action in ("add", "change", "delete", "view"):
                yield app_label, f"{action}_{model}"
    yield from EXTRA


def create_editors_group(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    wanted = set(editor_permissions())
    permissions = [
        permission
        for permission in Permission.objects.select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the Editors group: {sorted(missing)}")
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("explainer", "0003_review_and_ordering"),
        ("cases", "0004_mention_linked"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
