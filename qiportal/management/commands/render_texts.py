"""Render every text again (Markdown to the HTML readers get), as the save path does."""

from django.core.management.base import BaseCommand

from qiportal import changes


class Command(BaseCommand):
    help = (
        "Render every text again if the stored HTML came from an older text pipeline (load_content "
        "does this on each deploy); --all renders them again whatever made them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Render every text again anyway.")

    def handle(self, *args, all, **options):
        count = changes.render_every_text(force=all)
        if count:
            self.stdout.write(f"Rendered {count} text{'s' if count != 1 else ''} again.")
        else:
            self.stdout.write("Every text is up to date; nothing rendered.")
