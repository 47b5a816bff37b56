from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiportal import backup
from qiportal.database import update_planner_statistics


class Command(BaseCommand):
    help = (
        "Bring a backup written by `manage.py backup` back into a freshly migrated, empty "
        "installation (`migrate` first, at the release the backup was taken with; not "
        "`load_content`): its data with the same keys, its history, users and groups, and its "
        "uploaded files; then the search index is written again. Refuses, saying why, a "
        "database that already has content, users or history, and a file in MEDIA_ROOT that "
        "differs from the backup's under the same name."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="An archive written by `manage.py backup`.")

    def handle(self, *args, file, **options):
        try:
            done = backup.restore(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        update_planner_statistics()
        manifest = done["manifest"]
        self.stdout.write(
            f"Restored {file}, taken {manifest['created_at']} on {manifest['database']}: "
            f"{backup.describe(done['loaded'])}."
        )
        self.stdout.write(
            f"Uploaded files: {done['written']} written, {done['already']} already there. "
            f"Search index written again: {done['entries']} entries. Cached pages let go."
        )
        if not manifest.get("users", True):
            self.stdout.write(
                "The backup holds no users: make an account with `manage.py createsuperuser`."
            )
