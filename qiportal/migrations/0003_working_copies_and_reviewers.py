"""Working copies of published items, and the Reviewers group, whose members may publish a
change (qiportal.workingcopies). A reviewer who also edits is in the Editors group as well."""

from django.contrib.auth.management import create_permissions

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def make_reviewers(apps, schema_editor):
    app_config = apps.get_app_config("qiportal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    reviewers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="qiportal",
            codename__in=["publish", "view_workingcopy", "change_workingcopy"],
        )
    )


def remove_reviewers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Reviewers").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('qiportal', '0002_text_rendering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkingCopy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.CharField(max_length=64)),
                ('object_repr', models.CharField(max_length=300, verbose_name='item')),
                ('page_path', models.CharField(blank=True, db_index=True, max_length=300)),
                ('data', models.TextField(help_text="The item and its rows, as Django's JSON serializer writes them.")),
                ('live_changed_at', models.DateTimeField(blank=True, null=True)),
                ('state', models.CharField(choices=[('editing', 'Being edited'), ('submitted', 'Waiting for review'), ('sent-back', 'Sent back')], default='editing', max_length=10)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('comment', models.TextField(blank=True, help_text="The reviewer's words when sent back.")),
                ('publish_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                ('approval_note', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('comment_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'working copy',
                'verbose_name_plural': 'working copies',
                'ordering': ['-updated_at'],
                'permissions': [('publish', 'Can publish changes and new items (a reviewer)')],
                'constraints': [models.UniqueConstraint(fields=('content_type', 'object_id'), name='one_working_copy_per_item')],
            },
        ),
        migrations.RunPython(make_reviewers, remove_reviewers),
    ]
