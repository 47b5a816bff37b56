"""
The laws as plain data: their section of the content file (qiportal.contentfile) and the laws
the portal ships with (laws/content/laws.toml, loaded by `manage.py load_laws`).
"""

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime

from laws.models import Jurisdiction, Law, LawAnswer, LawSource, ShippedLaw
from qiportal import contentfile
from qiportal.contentfile import ContentError
from qiportal.publishing import PublishState

LAW_FIELDS = (
    "title",
    "short_name",
    "slug",
    "citation",
    "enactment",
    "stopped_at",
    "dates_note",
    "qualified_immunity",
    "who_may_be_sued",
    "summary",
    "notes",
)
ANSWER_FIELDS = ("question", "verified", "answer", "source_url", "source_title", "secondary")
SOURCE_FIELDS = ("url", "title", "supports", "secondary")


def _checked(obj):
    """Saved if it passes the admin's checks; ContentError in words otherwise."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ContentError(
            f"{obj}: "
            + "; ".join(f"{field}: {' '.join(text)}" for field, text in error.message_dict.items())
        ) from error
    obj.save()
    return obj


def create_law(data, *, now):
    """A law with its sources and answers, checked as the admin checks them."""
    try:
        jurisdiction = Jurisdiction.objects.get(slug=data["jurisdiction"])
    except Jurisdiction.DoesNotExist:
        raise ContentError(
            f"Law {data.get('slug')}: no jurisdiction {data['jurisdiction']}."
        ) from None
    published_at = data.get("published_at")
    law = Law(
        jurisdiction=jurisdiction,
        **{name: data[name].strip() for name in LAW_FIELDS if data.get(name)},
        signed_on=parse_date(data["signed_on"]) if data.get("signed_on") else None,
        effective_on=parse_date(data["effective_on"]) if data.get("effective_on") else None,
        last_verified=parse_date(data["last_verified"]) if data.get("last_verified") else None,
        status=data.get("status", PublishState.PUBLISHED),
        published_at=parse_datetime(published_at) if published_at else now,
    )
    _checked(law)
    for item in data.get("sources", []):
        _checked(LawSource(law=law, **{name: item[name] for name in SOURCE_FIELDS if name in item}))
    for item in data.get("answers", []):
        _checked(LawAnswer(law=law, **{name: item[name] for name in ANSWER_FIELDS if name in item}))
    return law


def export_laws():
    return [
        {
            "jurisdiction": law.jurisdiction.slug,
            **{name: getattr(law, name) for name in LAW_FIELDS},
            "signed_on": law.signed_on.isoformat() if law.signed_on else None,
            "effective_on": law.effective_on.isoformat() if law.effective_on else None,
            "last_verified": law.last_verified.isoformat() if law.last_verified else None,
            "sources": [
                {name: getattr(source, name) for name in SOURCE_FIELDS}
                for source in law.sources.all()
            ],
            "answers": [
                {name: getattr(answer, name) for name in ANSWER_FIELDS}
                for answer in law.answers.all()
            ],
            "cases": [case.slug for case in law.cases.all()],
            "status": law.status,
            "published_at": law.published_at.isoformat(),
            "created_at": law.created_at.isoformat(),
            "updated_at": law.updated_at.isoformat(),
        }
        for law in Law.objects.select_related("jurisdiction")
        .prefetch_related("sources", "answers", "cases")
        .order_by("id")
    ]


def load_laws(items, loaded, now):
    cases = loaded.get("cases", {})
    for item in items:
        law = create_law(item, now=now)
        law.cases.set([cases[slug] for slug in item.get("cases", [])])
        stamps = {
            field: parse_datetime(item[field])
            for field in ("created_at", "updated_at")
            if item.get(field)
        }
        if stamps:
            Law.objects.filter(pk=law.pk).update(**stamps)


def register_section():
    """The laws' section of the content file. The explainer registers it, after the cases a
    law may name and before the topics' links to laws (explainer.content)."""
    contentfile.register_section(
        "laws", models=[Law, LawSource, LawAnswer], export=export_laws, load=load_laws
    )
    # Shipped laws loaded once, so that `load_laws` never brings back one deleted before the
    # export.
    contentfile.register_section(
        "shipped_laws",
        models=[],
        export=lambda: list(ShippedLaw.objects.values_list("key", flat=True)),
        load=lambda keys, loaded, now: ShippedLaw.objects.bulk_create(
            ShippedLaw(key=key) for key in keys
        ),
    )
