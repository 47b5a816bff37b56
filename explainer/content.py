"""
The portal's content as plain data, in and out.

One format serves three jobs: the shipped content (explainer/content/portal.toml, loaded by
`load_content`), and the explainer's and the case index's sections of the content file that
moves content between installations (qiportal.contentfile: `export_content`, `import_content`).

A shipped item may already be in the database under another slug, added by staff: `find_*` say
which item, matched on what identifies it in the database as well as on its slug (a key term by
its term, a court by its name, a case by any of its citations).
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime

from cases.citations import parse_citation
from cases.models import CaseRelation, Citation, Court, CourtCase
from explainer.models import (
    CaseTopic,
    FAQItem,
    GlossaryTerm,
    Introduction,
    LawTopic,
    ShippedItem,
    Topic,
)
from laws import content as law_content
from laws.models import Law
from qiportal import contentfile
from qiportal.contentfile import ContentError
from qiportal.database import CHUNK
from qiportal.publishing import PublishState


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


def _stamps(obj):
    return {"created_at": obj.created_at.isoformat(), "updated_at": obj.updated_at.isoformat()}


def _publishing(obj):
    return {"status": obj.status, "published_at": obj.published_at.isoformat()}


def _reviewed(obj):
    return {"last_reviewed": obj.last_reviewed.isoformat() if obj.last_reviewed else None}


def _restored(model, objects, items):
    """Each object's creation and change times as the file gives them."""
    for obj, item in zip(objects, items, strict=True):
        _restore_stamps(model, obj, item)
    return objects


def export_glossary():
    return [
        {
            "slug": term.slug,
            "term": term.term,
            "variants": term.variants,
            "definition": term.definition,
            **_publishing(term),
            **_stamps(term),
        }
        for term in GlossaryTerm.objects.all()
    ]


def load_glossary(items, loaded, now):
    # First: the texts loaded after it link their key terms when they are created.
    _restored(GlossaryTerm, [create_glossary_term(item, now=now) for item in items], items)


def export_introduction():
    introduction = Introduction.objects.first()
    if introduction is None:
        return None
    return {
        "title": introduction.title,
        "body": introduction.body,
        "updated_at": introduction.updated_at.isoformat(),
    }


def load_introduction(item, loaded, now):
    _restored(Introduction, [create_introduction(item)], [item])


def export_topics():
    return [
        {
            "slug": topic.slug,
            "title": topic.title,
            "summary": topic.summary,
            "body": topic.body,
            "shows_timeline": topic.shows_timeline,
            "position": topic.position,
            **_publishing(topic),
            **_reviewed(topic),
            **_stamps(topic),
        }
        for topic in Topic.objects.order_by("position", "id")
    ]


def load_topics(items, loaded, now):
    topics = [create_topic(item, position=n, now=now) for n, item in enumerate(items)]
    loaded["topics"] = {topic.slug: topic for topic in _restored(Topic, topics, items)}


def export_faq():
    return [
        {
            "slug": item.slug,
            "topic": item.topic.slug,
            "question": item.question,
            "answer": item.answer,
            "position": item.position,
            **_publishing(item),
            **_reviewed(item),
            **_stamps(item),
        }
        for item in FAQItem.objects.select_related("topic").order_by("position", "id")
    ]


def load_faq(items, loaded, now):
    topics = loaded.get("topics", {})
    faq = [
        create_faq_item(item, topics[item["topic"]], position=n, now=now)
        for n, item in enumerate(items)
    ]
    _restored(FAQItem, faq, items)


def export_courts():
    return [
        {"slug": court.slug, "name": court.name, "short_name": court.short_name}
        for court in Court.objects.all()
    ]


def load_courts(items, loaded, now):
    loaded["courts"] = {item["slug"]: create_court(item) for item in items}


def export_cases():
    return [
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
            **_publishing(case),
            **_stamps(case),
        }
        # In chunks: one IN (...) list of every case's key is more than SQLite may take.
        for case in CourtCase.objects.select_related("court")
        .prefetch_related("citations", "topic_links__topic")
        .order_by("id")
        .iterator(chunk_size=CHUNK)
    ]


def load_cases(items, loaded, now):
    courts, topics = loaded.get("courts", {}), loaded.get("topics", {})
    cases = [create_case(item, courts[item["court"]], topics, now=now) for item in items]
    loaded["cases"] = {case.slug: case for case in _restored(CourtCase, cases, items)}


def export_relations():
    return [
        {
            "from": relation.from_case.slug,
            "to": relation.to_case.slug,
            **{name: getattr(relation, name) for name in RELATION_FIELDS},
        }
        for relation in CaseRelation.objects.select_related("from_case", "to_case").order_by("id")
    ]


def load_relations(items, loaded, now):
    cases = loaded.get("cases", {})
    for item in items:
        create_relation(cases[item["from"]], cases[item["to"]], item)


def export_law_topics():
    return [
        {"law": link.law.slug, "topic": link.topic.slug}
        for link in LawTopic.objects.select_related("law", "topic").order_by("id")
    ]


def load_law_topics(items, loaded, now):
    topics = loaded.get("topics", {})
    laws = {law.slug: law for law in Law.objects.filter(slug__in=[i["law"] for i in items])}
    LawTopic.objects.bulk_create(
        LawTopic(law=laws[item["law"]], topic=topics[item["topic"]]) for item in items
    )


def export_shipped():
    """Shipped items already loaded once, so that `load_content` never brings back one that
    was deleted before the export."""
    return list(ShippedItem.objects.values_list("key", flat=True))


def load_shipped(keys, loaded, now):
    ShippedItem.objects.bulk_create(ShippedItem(key=key) for key in keys)


def register_sections():
    """The explainer's and the case index's content, in the content file (qiportal.contentfile),
    in the order they are loaded: key terms first (texts link them as they are created), cases
    after the topics they are filed under, relations after their cases."""
    for name, models, export, load in [
        ("glossary", [GlossaryTerm], export_glossary, load_glossary),
        ("introduction", [Introduction], export_introduction, load_introduction),
        ("topics", [Topic], export_topics, load_topics),
        ("faq", [FAQItem], export_faq, load_faq),
        ("courts", [Court], export_courts, load_courts),
        ("cases", [CourtCase], export_cases, load_cases),
        ("relations", [CaseRelation], export_relations, load_relations),
    ]:
        contentfile.register_section(name, models=models, export=export, load=load)
    law_content.register_section()
    contentfile.register_section(
        "law_topics", models=[LawTopic], export=export_law_topics, load=load_law_topics
    )
    contentfile.register_section("shipped", models=[], export=export_shipped, load=load_shipped)


def _restore_stamps(model, obj, item):
    stamps = {
        field: parse_datetime(item[field])
        for field in ("created_at", "updated_at")
        if item.get(field)
    }
    if stamps:
        model.objects.filter(pk=obj.pk).update(**stamps)
