from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiportal import backup


class Command(BaseCommand):
    help = (
        "Write a backup of the whole site to one zip archive: every row of every app with its "
        "primary key (content, its whole history, the admin's log), users and groups, and the "
        "uploaded files under MEDIA_ROOT, with a manifest saying what it holds. `restore` brings "
        "it back into a freshly migrated, empty installation. The archive holds the users' "
        "password hashes: keep it as safe as the database (it is written readable by its owner "
        "only), or use --no-users. Left out, because a fresh installation makes them again or "
        "does without them: content types and permissions, sessions, the log-in lock-out's log, "
        "the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive to write, e.g. site.zip.")
        parser.add_argument(
            "--no-users",
            dest="users",
            action="store_false",
            help="Leave users (and their password hashes) out: the history keeps its versions "
            "without who made them, the admin's log is left out, and after a restore an account "
            "is made with `createsuperuser`.",
        )

    def handle(self, *args, file, users, **options):
        try:
            manifest = backup.back_up(file, users=users)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        files = manifest["files"]
        self.stdout.write(
            f"Wrote {file}: {backup.describe(manifest['data'])}; {files['count']} uploaded "
            f"file(s), {files['bytes']:,} bytes."
        )
        if users:
            self.stdout.write(
                "It holds the users' password hashes: keep it as safe as the database (it is "
                "readable by its owner only). `--no-users` leaves them out."
            )
        else:
            self.stdout.write(
                "Users are left out: the history keeps its versions without who made them; "
                "after a restore, make an account with `manage.py createsuperuser`."
            )
        left_out = {}
        for label, why in manifest["left_out"].items():
            left_out.setdefault(why, []).append(label)
        self.stdout.write("Left out (the manifest says so too):")
        for why, labels in left_out.items():
            self.stdout.write(f"- {', '.join(labels)}: {why}.")
