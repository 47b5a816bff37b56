from django.core.management.base import BaseCommand
from django.db import transaction

from qiportal import search
from qiportal.database import update_planner_statistics


class Command(BaseCommand):
    help = "Write the site search's entries again from the content (after a restore, say)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.rebuild()
        update_planner_statistics()
        self.stdout.write(f"Indexed {count} items for search.")
