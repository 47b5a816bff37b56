"""
Load the content the portal ships with (explainer/content/portal.toml).

Idempotent: each shipped item is created once and never touched again, so running the command
again changes nothing, staff edits are never overwritten, and an item staff deleted stays deleted.
"""

import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.citations import parse_citation
from cases.models import Citation, Court, CourtCase, refresh_citing_texts
from explainer.models import FAQItem, Introduction, ShippedItem, Topic
from explainer.publishing import PublishState

CONTENT_FILE = Path(__file__).resolve().parents[2] / "content" / "portal.toml"


class Command(BaseCommand):
    help = "Load the shipped content: creates what was never loaded, changes nothing else."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CONTENT_FILE, help="A content file.")

    def handle(self, *args, file, **options):
        try:
            content = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except tomllib.TOMLDecodeError as error:
            raise CommandError(f"{file} is not valid TOML: {error}.") from error

        self.loaded = set(ShippedItem.objects.values_list("key", flat=True))
        self.created = []
        self.now = timezone.now()
        with transaction.atomic():
            self.load_introduction(content.get("introduction"))
            topics = self.load_topics(content.get("topics", []))
            self.load_faq(content.get("faq", []), topics)
            courts = self.load_courts(content.get("courts", []))
            self.load_cases(content.get("cases", []), courts, topics)
        if self.created:
            self.stdout.write(f"Loaded {len(self.created)} items: {', '.join(self.created)}.")
        else:
            self.stdout.write("Shipped content already loaded; nothing changed.")

    def first_time(self, key):
        """True once per key: the first time this item is loaded into this database."""
        if key in self.loaded:
            return False
        ShippedItem.objects.create(key=key)
        self.loaded.add(key)
        return True

    def publish_state(self):
        return {"status": PublishState.PUBLISHED, "published_at": self.now}

    def load_introduction(self, data):
        if data and self.first_time("introduction") and not Introduction.objects.exists():
            Introduction.objects.create(title=data["title"], body=data["body"].strip())
            self.created.append("introduction")

    def load_topics(self, items):
        for position, data in enumerate(items, start=1):
            slug = data["slug"]
            if self.first_time(f"topic:{slug}") and not Topic.objects.filter(slug=slug).exists():
                Topic.objects.create(
                    slug=slug,
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"].strip(),
                    position=position * 10,
                    **self.publish_state(),
                )
                self.created.append(f"topic {slug}")
        return Topic.objects.in_bulk(field_name="slug")

    def load_faq(self, items, topics):
        for position, data in enumerate(items, start=1):
            slug, topic = data["slug"], topics.get(data["topic"])
            if topic is None:
                continue  # Its topic was deleted by staff: nothing to attach the answer to.
            if self.first_time(f"faq:{slug}") and not FAQItem.objects.filter(slug=slug).exists():
                FAQItem.objects.create(
                    slug=slug,
                    topic=topic,
                    question=data["question"],
                    answer=data["answer"].strip(),
                    position=position * 10,
                    **self.publish_state(),
                )
                self.created.append(f"FAQ item {slug}")

    def load_courts(self, items):
        for data in items:
            slug = data["slug"]
            if self.first_time(f"court:{slug}") and not Court.objects.filter(slug=slug).exists():
                Court.objects.create(slug=slug, name=data["name"], short_name=data["short_name"])
                self.created.append(f"court {slug}")
        return Court.objects.in_bulk(field_name="slug")

    def load_cases(self, items, courts, topics):
        keys = []
        for data in items:
            slug, court = data["slug"], courts.get(data["court"])
            if court is None or not self.first_time(f"case:{slug}"):
                continue
            if CourtCase.objects.filter(slug=slug).exists():
                continue
            case = CourtCase.objects.create(
                slug=slug,
                name=data["name"],
                court=court,
                year=data["year"],
                outcome=data["outcome"],
                holding=data["holding"],
                summary=data["summary"].strip(),
                **self.publish_state(),
            )
            case_keys = [parse_citation(text) for text in data["citations"]]
            Citation.objects.bulk_create(
                Citation(
                    case=case,
                    position=position,
                    volume=key.volume,
                    reporter=key.reporter,
                    page=key.page,
                )
                for position, key in enumerate(case_keys)
            )
            case.topics.set([topics[s] for s in data.get("topics", []) if s in topics])
            keys.extend(case_keys)
            self.created.append(f"case {slug}")
        # Texts loaded before their cases cite them: link those citations now.
        refresh_citing_texts(keys)
