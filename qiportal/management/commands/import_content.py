import json
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError

from qiportal.contentfile import ContentError, describe, import_content
from qiportal.database import update_planner_statistics


class Command(BaseCommand):
    help = "Load a file written by `export_content` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A file written by export_content.")

    def handle(self, *args, file, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not JSON: {error}.") from error
        try:
            with reversion.create_revision():
                reversion.set_comment(f"Imported from {file.name}.")
                counts = import_content(data)
        except ContentError as error:
            raise CommandError(str(error)) from error
        update_planner_statistics()
        self.stdout.write(f"Imported {describe(counts)}.")
