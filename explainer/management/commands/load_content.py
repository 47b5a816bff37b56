"""
Load the content the portal ships with (explainer/content/portal.toml).

Idempotent: each shipped item is created once and never touched again, so running the command
again changes nothing, staff edits are never overwritten, and an item staff deleted stays deleted.
"""

import tomllib
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import Court, CourtCase
from explainer import content
from explainer.models import FAQItem, GlossaryTerm, Introduction, ShippedItem, Topic
from qiportal import changes
from qiportal.database import update_planner_statistics

CONTENT_FILE = Path(__file__).resolve().parents[2] / "content" / "portal.toml"


class Command(BaseCommand):
    help = "Load the shipped content: creates what was never loaded, changes nothing else."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CONTENT_FILE, help="A content file.")

    def handle(self, *args, file, **options):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except tomllib.TOMLDecodeError as error:
            raise CommandError(f"{file} is not valid TOML: {error}.") from error

        self.loaded = set(ShippedItem.objects.values_list("key", flat=True))
        self.created = {}
        self.now = timezone.now()
        try:
            # One transaction; the texts loaded before the cases they cite are linked, and
            # everything indexed for search, once, at the end.
            with changes.batch(), reversion.create_revision():
                reversion.set_comment("Shipped with the portal.")
                # Key terms first: texts link them when they are created.
                self.load_glossary(data.get("glossary", []))
                self.load_introduction(data.get("introduction"))
                topics = self.load_topics(data.get("topics", []))
                self.load_faq(data.get("faq", []), topics)
                courts = self.load_courts(data.get("courts", []))
                self.load_cases(data.get("cases", []), courts, topics)
        except content.ContentError as error:
            raise CommandError(str(error)) from error
        if self.created:
            update_planner_statistics()
            self.stdout.write(f"Loaded the shipped content: {content.describe(self.created)}.")
        else:
            self.stdout.write("Shipped content already loaded; nothing changed.")

    def count(self, model):
        self.created[model] = self.created.get(model, 0) + 1

    def first_time(self, key):
        """True once per key: the first time this item is loaded into this database."""
        if key in self.loaded:
            return False
        ShippedItem.objects.create(key=key)
        self.loaded.add(key)
        return True

    def load_glossary(self, items):
        for data in items:
            slug = data["slug"]
            if (
                self.first_time(f"term:{slug}")
                and not GlossaryTerm.objects.filter(slug=slug).exists()
            ):
                content.create_glossary_term(data, now=self.now)
                self.count(GlossaryTerm)

    def load_introduction(self, data):
        if data and self.first_time("introduction") and not Introduction.objects.exists():
            content.create_introduction(data)
            self.count(Introduction)

    def load_topics(self, items):
        for position, data in enumerate(items, start=1):
            slug = data["slug"]
            if self.first_time(f"topic:{slug}") and not Topic.objects.filter(slug=slug).exists():
                content.create_topic(data, position=position * 10, now=self.now)
                self.count(Topic)
        return Topic.objects.in_bulk(field_name="slug")

    def load_faq(self, items, topics):
        for position, data in enumerate(items, start=1):
            slug, topic = data["slug"], topics.get(data["topic"])
            if topic is None:
                continue  # Its topic was deleted by staff: nothing to attach the answer to.
            if self.first_time(f"faq:{slug}") and not FAQItem.objects.filter(slug=slug).exists():
                content.create_faq_item(data, topic, position=position * 10, now=self.now)
                self.count(FAQItem)

    def load_courts(self, items):
        for data in items:
            slug = data["slug"]
            if self.first_time(f"court:{slug}") and not Court.objects.filter(slug=slug).exists():
                content.create_court(data)
                self.count(Court)
        return Court.objects.in_bulk(field_name="slug")

    def load_cases(self, items, courts, topics):
        for data in items:
            slug, court = data["slug"], courts.get(data["court"])
            if court is None or not self.first_time(f"case:{slug}"):
                continue
            if CourtCase.objects.filter(slug=slug).exists():
                continue
            case = content.create_case(data, court, topics, now=self.now)
            reversion.add_to_revision(case)  # with its citations and topics, now they exist
            self.count(CourtCase)
