"""
The portal's content as plain data, in and out.

One format serves three jobs: the shipped content (explainer/content/portal.toml, loaded by
`load_content`), and a content file to move content between installations (`export_content`
writes it as JSON, `import_content` loads it into an empty database). Items are keyed by slug,
so a file can be read and checked by a person. Rendered HTML is never stored in it: it is
rendered again on load. It is not a backup (no history, users or images): `manage.py backup`
is (qiportal.backup).

A shipped item may already be in the database under another slug, added by staff: `find_*` say
which item, matched on what identifies it in the database as well as on its slug (a key term by
its term, a court by its name, a case by any of its citations).
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.citations import parse_citation
from cases.models import CaseRelation, Citation, Court, CourtCase
from explainer.models import CaseTopic, FAQItem, GlossaryTerm, Introduction, ShippedItem, Topic
from qiportal import changes
from qiportal.database import CHUNK
from qiportal.publishing import PublishState

FORMAT = "qiportal-content"
VERSION = 1


class ContentError(ValueError):
    """The data cannot be loaded; the message says why, in words."""


def _state(data, now):
    """Publish state from the data, or published now (the shipped content says none)."""
    published_at = data.get("published_at")
    return {
        "status": data.get("status", PublishState.PUBLISHED),
        "published_at": parse_datetime(published_at) if published_at else now,
    }


class Found(NamedTuple):
    """An item already in the database that a shipped item would duplicate, and what matched."""

    item: object
    matched: str  # "the same term"

    def __str__(self):
        slug = getattr(self.item, "slug", "")
        return f"“{self.item}”" + (f" under the slug {slug}" if slug else "") + f" ({self.matched})"


def _first(*candidates):
    """The first (queryset, what matched) that finds an item, as a Found, or None."""
    for queryset, matched in candidates:
        item = queryset.first()
        if item is not None:
            return Found(item, matched)
    return None


def find_glossary_term(data):
    """A key term with the same term (whatever its capitals: readers would meet both) or slug."""
    return _first(
        (GlossaryTerm.objects.filter(term__iexact=data["term"]), "the same term"),
        (GlossaryTerm.objects.filter(slug=data["slug"]), "the same slug"),
    )


def find_introduction(data):
    """The portal has one introduction."""
    return _first((Introduction.objects.all(), "the portal has one introduction"))


def find_topic(data):
    return _first((Topic.objects.filter(slug=data["slug"]), "the same slug"))


def find_faq_item(data):
    return _first((FAQItem.objects.filter(slug=data["slug"]), "the same slug"))


def find_court(data):
    """A court with the same name (whatever its capitals) or slug."""
    return _first(
        (Court.objects.filter(name__iexact=data["name"]), "the same name"),
        (Court.objects.filter(slug=data["slug"]), "the same slug"),
    )


def find_case(data):
    """A case with any of the same citations, or the same slug."""
    return _first(
        *(
            (
                CourtCase.objects.filter(citations__in=Citation.objects.for_keys([key])),
                f"the same citation, {key}",
            )
            for key in citation_keys(data)
        ),
        (CourtCase.objects.filter(slug=data["slug"]), "the same slug"),
    )


def citation_keys(data):
    """The case's citations, read; ContentError, in words, for one that is not a citation."""
    try:
        return [parse_citation(text) for text in data["citations"]]
    except ValueError as error:
        raise ContentError(f"Case {data['slug']}: {error}") from error


def create_glossary_term(data, *, now):
    return GlossaryTerm.objects.create(
        slug=data["slug"],
        term=data["term"],
        variants=data.get("variants", ""),
        definition=data["definition"].strip(),
        **_state(data, now),
    )


def create_introduction(data):
    return Introduction.objects.create(title=data["title"], body=data["body"].strip())


def create_topic(data, *, position, now):
    return Topic.objects.create(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        body=data["body"].strip(),
        shows_timeline=data.get("shows_timeline", False),
        position=data.get("position", position),
        last_reviewed=parse_date(data["last_reviewed"]) if data.get("last_reviewed") else None,
        **_state(data, now),
    )


def create_faq_item(data, topic, *, position, now):
    return FAQItem.objects.create(
        slug=data["slug"],
        topic=topic,
        question=data["question"],
        answer=data["answer"].strip(),
        position=data.get("position", position),
        last_reviewed=parse_date(data["last_reviewed"]) if data.get("last_reviewed") else None,
        **_state(data, now),
    )


def create_court(data):
    return Court.objects.create(slug=data["slug"], name=data["name"], short_name=data["short_name"])


def create_case(data, court, topics, *, now):
    """A case with its citations (in order) and its topics."""
    keys = citation_keys(data)
    case = CourtCase.objects.create(
        slug=data["slug"],
        name=data["name"],
        court=court,
        year=data["year"],
        outcome=data["outcome"],
        holding=data["holding"],
        summary=data.get("summary", "").strip(),
        opinion_url=data.get("opinion_url", ""),
        outcome_detail=data.get("outcome_detail", ""),
        **milestone(data),
        **_state(data, now),
    )
    Citation.objects.bulk_create(
        Citation(case=case, position=n, volume=k.volume, reporter=k.reporter, page=k.page)
        for n, k in enumerate(keys)
    )
    CaseTopic.objects.bulk_create(
        CaseTopic(case=case, topic=topics[slug])
        for slug in data.get("topics", [])
        if slug in topics
    )
    return case


MILESTONE_FIELDS = ("milestone", "milestone_detail", "milestone_quote", "milestone_source")
RELATION_FIELDS = (
    "kind",
    "also",
    "meaning",
    "quote",
    "quote_place",
    "quote_page",
    "source_url",
    "source_note",
)


def milestone(data):
    """What a case started, from its data (empty where the data says nothing)."""
    return {name: data.get(name, "").strip() for name in MILESTONE_FIELDS}


def relation_key(data):
    """'relation:pearson-v-callahan:overrules-in-part:saucier-v-katz'."""
    return f"relation:{data.get('from')}:{data.get('kind')}:{data.get('to')}"


def find_relation(later, earlier, data):
    return _first(
        (
            CaseRelation.objects.filter(from_case=later, to_case=earlier, kind=data["kind"]),
            "the same cases and kind",
        )
    )


def create_relation(later, earlier, data):
    """A relation between two cases, checked as the admin checks it (ContentError in words)."""
    relation = CaseRelation(
        from_case=later,
        to_case=earlier,
        **{name: data.get(name, "") for name in RELATION_FIELDS},
    )
    try:
        relation.full_clean()
    except ValidationError as error:
        raise ContentError(
            "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        ) from error
    relation.save()
    return relation


def export_content():
    """Everything readers can see and editors have written, with its order and state."""

    def stamps(obj):
        return {"created_at": obj.created_at.isoformat(), "updated_at": obj.updated_at.isoformat()}

    def state(obj):
        return {"status": obj.status, "published_at": obj.published_at.isoformat()}

    def reviewed(obj):
        return {"last_reviewed": obj.last_reviewed.isoformat() if obj.last_reviewed else None}

    introduction = Introduction.objects.first()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "introduction": (
            {
                "title": introduction.title,
                "body": introduction.body,
                "updated_at": introduction.updated_at.isoformat(),
            }
            if introduction
            else None
        ),
        "topics": [
            {
                "slug": topic.slug,
                "title": topic.title,
                "summary": topic.summary,
                "body": topic.body,
                "shows_timeline": topic.shows_timeline,
                "position": topic.position,
                **state(topic),
                **reviewed(topic),
                **stamps(topic),
            }
            for topic in Topic.objects.order_by("position", "id")
        ],
        "faq": [
            {
                "slug": item.slug,
                "topic": item.topic.slug,
                "question": item.question,
                "answer": item.answer,
                "position": item.position,
                **state(item),
                **reviewed(item),
                **stamps(item),
            }
            for item in FAQItem.objects.select_related("topic").order_by("position", "id")
        ],
        "glossary": [
            {
                "slug": term.slug,
                "term": term.term,
                "variants": term.variants,
                "definition": term.definition,
                **state(term),
                **stamps(term),
            }
            for term in GlossaryTerm.objects.all()
        ],
        "courts": [
            {"slug": court.slug, "name": court.name, "short_name": court.short_name}
            for court in Court.objects.all()
        ],
        "cases": [
            {
                "slug": case.slug,
                "name": case.name,
                "court": case.court.slug,
                "year": case.year,
                "outcome": case.outcome,
                "holding": case.holding,
                "summary": case.summary,
                "opinion_url": case.opinion_url,
                "outcome_detail": case.outcome_detail,
                **{name: getattr(case, name) for name in MILESTONE_FIELDS},
                "citations": [str(citation) for citation in case.citations.all()],
                "topics": [link.topic.slug for link in case.topic_links.all()],
                **state(case),
                **stamps(case),
            }
            # In chunks: one IN (...) list of every case's key is more than SQLite may take.
            for case in CourtCase.objects.select_related("court")
            .prefetch_related("citations", "topic_links__topic")
            .order_by("id")
            .iterator(chunk_size=CHUNK)
        ],
        "relations": [
            {
                "from": relation.from_case.slug,
                "to": relation.to_case.slug,
                **{name: getattr(relation, name) for name in RELATION_FIELDS},
            }
            for relation in CaseRelation.objects.select_related("from_case", "to_case").order_by(
                "id"
            )
        ],
        # Shipped items already loaded once, so that `load_content` never brings back one that
        # was deleted before the export.
        "shipped": list(ShippedItem.objects.values_list("key", flat=True)),
    }


CONTENT_MODELS = (Introduction, GlossaryTerm, Topic, FAQItem, Court, CourtCase, CaseRelation)


def content_counts():
    return {model: model.objects.count() for model in CONTENT_MODELS}


def describe(counts):
    """{Topic: 6, Court: 1} -> '6 topics, 1 court'."""
    return ", ".join(
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
    )


def import_content(data):
    """Load an export into an empty database, exactly: order, state, dates and all."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ContentError(f"This is not a {FORMAT} file.")
    if data.get("version") != VERSION:
        raise ContentError(
            f"This file is version {data.get('version')}; this portal reads {VERSION}."
        )
    present = {model: count for model, count in content_counts().items() if count}
    if present:
        raise ContentError(
            f"The database already has content ({describe(present)}). Import into an empty "
            "database, so that nothing in it is overwritten or mixed up."
        )
    now = timezone.now()
    try:
        with changes.batch():  # one transaction; links and search worked out once, at the end
            return _import(data, now)
    except (KeyError, TypeError) as error:
        raise ContentError(f"The file is missing or mistypes a field: {error}.") from error


def _import(data, now):
    terms = [create_glossary_term(item, now=now) for item in data.get("glossary", [])]
    if data.get("introduction"):
        intro = create_introduction(data["introduction"])
        _restore_stamps(Introduction, intro, data["introduction"])
    topics = {}
    for position, item in enumerate(data.get("topics", [])):
        topics[item["slug"]] = create_topic(item, position=position, now=now)
    faq = [
        create_faq_item(item, topics[item["topic"]], position=position, now=now)
        for position, item in enumerate(data.get("faq", []))
    ]
    courts = {item["slug"]: create_court(item) for item in data.get("courts", [])}
    cases = [
        create_case(item, courts[item["court"]], topics, now=now) for item in data.get("cases", [])
    ]
    by_slug = {case.slug: case for case in cases}
    for item in data.get("relations", []):
        create_relation(by_slug[item["from"]], by_slug[item["to"]], item)
    for model, objects, items in [
        (GlossaryTerm, terms, data.get("glossary", [])),
        (Topic, topics.values(), data.get("topics", [])),
        (FAQItem, faq, data.get("faq", [])),
        (CourtCase, cases, data.get("cases", [])),
    ]:
        for obj, item in zip(objects, items, strict=True):
            _restore_stamps(model, obj, item)
    ShippedItem.objects.bulk_create(ShippedItem(key=key) for key in data.get("shipped", []))
    return content_counts()


def _restore_stamps(model, obj, item):
    stamps = {
        field: parse_datetime(item[field])
        for field in ("created_at", "updated_at")
        if item.get(field)
    }
    if stamps:
        model.objects.filter(pk=obj.pk).update(**stamps)
