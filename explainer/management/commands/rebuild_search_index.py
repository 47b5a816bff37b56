from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import CourtCase
from explainer import search
from explainer.content import update_planner_statistics
from explainer.models import FAQItem, SearchEntry, Topic


class Command(BaseCommand):
    help = "Write the site search's entries again from the content (after a restore, say)."

    def handle(self, *args, **options):
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            search.index_all(Topic.objects.all())
            search.index_all(FAQItem.objects.select_related("topic"))
            search.index_all(CourtCase.objects.prefetch_related("citations"))
        update_planner_statistics()
        self.stdout.write(f"Indexed {SearchEntry.objects.count()} items for search.")
