"""
Load the content the portal ships with (explainer/content/portal.toml).

Idempotent: each shipped item is created once and never touched again, so running the command
again changes nothing, staff edits are never overwritten, and an item staff deleted stays deleted.

Staff may have added a shipped item themselves before it was shipped, under a slug of their own:
an item is matched on what identifies it (a key term by its term, a court by its name, a case by
any of its citations) as well as by slug (topics and answers by slug alone). An item found is
reported once, as already present, and recorded as loaded like one created, so it is never
created beside staff's; shipped cases are filed under the court staff have under the shipped
court's name. Each item is written in a savepoint of its own: one the database refuses anyway is
reported in words and the rest still load (it is tried again on the next run). A deploy never
stops for content staff added.
"""

import tomllib
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from explainer import content
from explainer.models import LawTopic, ShippedItem, Topic
from laws.models import Law
from qiportal import changes, contentfile
from qiportal.database import refusal_in_words, update_planner_statistics

CONTENT_FILE = Path(__file__).resolve().parents[2] / "content" / "portal.toml"


class Command(BaseCommand):
    help = (
        "Load the shipped content: creates what was never loaded, changes nothing else. An item "
        "staff already have (the same slug, key term, court name or citation) is reported and "
        "left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CONTENT_FILE, help="A content file.")

    def handle(self, *args, file, **options):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except tomllib.TOMLDecodeError as error:
            raise CommandError(f"{file} is not valid TOML: {error}.") from error

        # Texts stored by an older release's text pipeline (key terms before they opened in
        # place, say) are rendered again, once, before anything new is loaded.
        rendered = changes.render_every_text()
        if rendered:
            self.stdout.write(f"Rendered {rendered} texts again for this release.")

        self.loaded = set(ShippedItem.objects.values_list("key", flat=True))
        self.created, self.present, self.failed, self.milestones = {}, [], [], 0
        self.now = timezone.now()
        # One transaction; the texts loaded before the cases they cite are linked, and
        # everything indexed for search, once, at the end.
        with changes.batch():
            # Key terms first: texts link them when they are created.
            self.load_glossary(data.get("glossary", []))
            self.load_introduction(data.get("introduction"))
            topics = self.load_topics(data.get("topics", []))
            self.load_faq(data.get("faq", []), topics)
            courts = self.load_courts(data.get("courts", []))
            self.load_cases(data.get("cases", []), courts, topics)
            self.load_milestones(data.get("cases", []))
            self.load_relations(data.get("relations", []), data.get("cases", []))
            self.load_law_links(data.get("topics", []))
        if self.created:
            update_planner_statistics()
        self.summarise()

    def summarise(self):
        if self.created:
            self.stdout.write(f"Loaded the shipped content: {contentfile.describe(self.created)}.")
        if self.milestones:
            self.stdout.write(
                f"Added what {self.milestones} case{'s' if self.milestones > 1 else ''} "
                "already in the index started (the timeline shows it)."
            )
        if not (self.created or self.milestones):
            if self.present or self.failed:
                self.stdout.write("Loaded nothing new from the shipped content.")
            else:
                self.stdout.write("Shipped content already loaded; nothing changed.")
        if self.present:
            self.stdout.write(
                f"Already present ({len(self.present)}; left as they are, and recorded as "
                "loaded, so never created beside them):"
            )
            for line in self.present:
                self.stdout.write(f"- {line}")
        if self.failed:
            self.stderr.write(
                f"Could not be loaded ({len(self.failed)}; tried again on the next run):"
            )
            for line in self.failed:
                self.stderr.write(f"- {line}")

    def load(self, label, key, find, create):
        """
        One shipped item, unless it was loaded before: recorded as loaded without being
        created when `find()` finds staff's, created by `create()` (which returns its model)
        otherwise. In a savepoint and a revision of its own, so that a refusal takes back this
        item alone.
        """
        if key in self.loaded:
            return
        try:
            with reversion.create_revision():  # atomic: a savepoint inside the batch
                reversion.set_comment("Shipped with the portal.")
                found = find()
                if found is None:
                    model = create()
                ShippedItem.objects.create(key=key)
        except content.ContentError as error:
            self.failed.append(f"{label}: {error}")
        except (KeyError, TypeError) as error:
            self.failed.append(f"{label}: the content file is missing or mistypes {error}.")
        except DatabaseError as error:
            self.failed.append(f"{label}: {refusal_in_words(error)}")
        else:
            self.loaded.add(key)
            if found is None:
                self.created[model] = self.created.get(model, 0) + 1
            else:
                self.present.append(f"{label}: already present as {found}.")

    def load_glossary(self, items):
        for data in items:
            self.load(
                f"key term “{data.get('term')}” ({data.get('slug')})",
                f"term:{data.get('slug')}",
                lambda data=data: content.find_glossary_term(data),
                lambda data=data: type(content.create_glossary_term(data, now=self.now)),
            )

    def load_introduction(self, data):
        if data:
            self.load(
                "the introduction",
                "introduction",
                lambda: content.find_introduction(data),
                lambda: type(content.create_introduction(data)),
            )

    def load_topics(self, items):
        for position, data in enumerate(items, start=1):
            self.load(
                f"topic “{data.get('title')}” ({data.get('slug')})",
                f"topic:{data.get('slug')}",
                lambda data=data: content.find_topic(data),
                lambda data=data, position=position: type(
                    content.create_topic(data, position=position * 10, now=self.now)
                ),
            )
        return Topic.objects.in_bulk(field_name="slug")

    def load_faq(self, items, topics):
        def create(data, position):
            topic = topics.get(data["topic"])
            if topic is None:
                raise content.ContentError(
                    f"its topic, {data['topic']}, is not in the database (deleted by staff?)."
                )
            return type(content.create_faq_item(data, topic, position=position * 10, now=self.now))

        for position, data in enumerate(items, start=1):
            self.load(
                f"FAQ item “{data.get('question')}” ({data.get('slug')})",
                f"faq:{data.get('slug')}",
                lambda data=data: content.find_faq_item(data),
                lambda data=data, position=position: create(data, position),
            )

    def load_courts(self, items):
        """{shipped court's slug: the court its cases are filed under}: the shipped court, or
        the court staff have under its name (or slug)."""
        courts = {}
        for data in items:
            self.load(
                f"court “{data.get('name')}” ({data.get('slug')})",
                f"court:{data.get('slug')}",
                lambda data=data: content.find_court(data),
                lambda data=data: type(content.create_court(data)),
            )
            found = content.find_court(data) if "name" in data and "slug" in data else None
            if found is not None:
                courts[data["slug"]] = found.item
        return courts

    def load_cases(self, items, courts, topics):
        def create(data):
            court = courts.get(data["court"])
            if court is None:
                raise content.ContentError(
                    f"its court, {data['court']}, is not in the database (deleted by staff?)."
                )
            case = content.create_case(data, court, topics, now=self.now)
            reversion.add_to_revision(case)  # with its citations and topics, now they exist
            return type(case)

        for data in items:
            self.load(
                f"case “{data.get('name')}” ({data.get('slug')})",
                f"case:{data.get('slug')}",
                lambda data=data: content.find_case(data),
                lambda data=data: create(data),
            )

    def load_milestones(self, items):
        """What a shipped case started, on an installation that has the case from before the
        portal shipped it: written where the case has none, never over an editor's."""
        for data in items:
            if not data.get("milestone"):
                continue
            key = f"milestone:{data.get('slug')}"
            if key in self.loaded:
                continue
            found = content.find_case(data)
            if found is None:
                continue  # the case is not there (deleted by staff): nothing to add it to
            case = found.item
            shipped = content.milestone(data)
            if case.milestone and any(getattr(case, name) != shipped[name] for name in shipped):
                self.present.append(
                    f"what “{case}” started: staff wrote “{case.milestone}”; left as it is."
                )
            elif not case.milestone:
                with reversion.create_revision():
                    reversion.set_comment("What the case started, shipped with the portal.")
                    for name, value in shipped.items():
                        setattr(case, name, value)
                    case.save()
                self.milestones += 1
            ShippedItem.objects.create(key=key)
            self.loaded.add(key)

    def load_relations(self, items, cases):
        """Relations between shipped cases, each between the cases as they are in the
        database (staff's own, when they had one before it was shipped)."""
        shipped = {data.get("slug"): data for data in cases}

        def case(slug):
            found = content.find_case(shipped[slug]) if slug in shipped else None
            if found is None:
                raise content.ContentError(
                    f"its case {slug} is not in the database (deleted by staff?)."
                )
            return found.item

        def create(data):
            relation = content.create_relation(case(data["from"]), case(data["to"]), data)
            # Kept with both cases' history, as when an editor adds it on a case's form.
            reversion.add_to_revision(relation.from_case)
            reversion.add_to_revision(relation.to_case)
            return type(relation)

        for data in items:
            self.load(
                f"relation “{data.get('from')} {data.get('kind')} {data.get('to')}”",
                content.relation_key(data),
                lambda data=data: content.find_relation(case(data["from"]), case(data["to"]), data),
                lambda data=data: create(data),
            )

    def load_law_links(self, topics):
        """A shipped topic's link to a shipped law ("Read the law"), once both are there
        (`load_laws` loads the laws); never made again after staff remove it."""
        for data in topics:
            for law_slug in data.get("laws", []):
                key = f"topic-law:{data.get('slug')}:{law_slug}"
                if key in self.loaded:
                    continue
                topic = Topic.objects.filter(slug=data.get("slug")).first()
                law = Law.objects.filter(slug=law_slug).first()
                if topic is None or law is None:
                    continue  # not loaded yet, or deleted by staff: tried again next time
                LawTopic.objects.get_or_create(law=law, topic=topic)
                ShippedItem.objects.create(key=key)
                self.loaded.add(key)
