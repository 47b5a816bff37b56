import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiportal.contentfile import export_content


class Command(BaseCommand):
    help = (
        "Write all content (every section the apps register: the introduction, topics, FAQ "
        "items, key terms, courts, cases and their relations, with their order and publish "
        "state) to one JSON file, for `import_content` in another installation. Not a backup "
        "(no history, users or uploaded images): use `backup`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", type=Path, help="Where to write it (default: standard output)."
        )

    def handle(self, *args, file=None, **options):
        text = json.dumps(export_content(), ensure_ascii=False, indent=2) + "\n"
        if file is None:
            self.stdout.write(text, ending="")
            return
        try:
            file.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from error
        self.stderr.write(f"Wrote the content to {file}.")
