from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import CaseRelation, Citation, Court, CourtCase, Outcome, QuotePlace, RelationKind
from explainer.models import CaseTopic, FAQItem, GlossaryTerm, Topic
from qiportal.publishing import PublishState


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")


class PublishedFactory(factory.django.DjangoModelFactory):
    status = PublishState.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=PublishState.DRAFT)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
        )


class TopicFactory(PublishedFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"Topic number {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    position = factory.Sequence(lambda n: n)
    summary = "A one-sentence summary."
    body = "Some *Markdown* text."


class FAQItemFactory(PublishedFactory):
    class Meta:
        model = FAQItem

    question = factory.Sequence(lambda n: f"Question number {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    answer = "An answer."
    topic = factory.SubFactory(TopicFactory)
    position = factory.Sequence(lambda n: n)


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court
        django_get_or_create = ["slug"]

    name = "Supreme Court of the United States"
    short_name = "U.S."
    slug = "supreme-court"


class CourtCaseFactory(PublishedFactory):
    class Meta:
        model = CourtCase

    name = factory.Sequence(lambda n: f"Plaintiff{n} v. Defendant")
    slug = factory.Sequence(lambda n: f"case-{n}")
    court = factory.SubFactory(CourtFactory)
    year = 2001
    holding = "The court held something."
    summary = "A summary."
    outcome = Outcome.GRANTED


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    case = factory.SubFactory(CourtCaseFactory)
    volume = factory.Sequence(lambda n: 100 + n)
    reporter = "U.S."
    page = factory.Sequence(lambda n: 1 + n)


class CaseRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseRelation

    from_case = factory.SubFactory(CourtCaseFactory, year=2009)
    to_case = factory.SubFactory(CourtCaseFactory, year=2001)
    kind = RelationKind.OVERRULES_IN_PART
    meaning = "The two-step order is no longer mandatory."
    quote = "“it should no longer be regarded as mandatory”"
    quote_place = QuotePlace.NOT_VERIFIED
    source_url = "https://example.org/opinion"


def make_published_cases(count, topic=None):
    """`count` published cases with a citation each, in a few queries whatever the count."""
    court = CourtFactory(name="A court", short_name="A", slug="a-court")
    cases = CourtCase.objects.bulk_create(
        CourtCase(
            name=f"Party{n} v. Official",
            slug=f"bulk-{n}",
            court=court,
            year=1900 + n % 120,
            holding="Held.",
            outcome=Outcome.DENIED,
            status=PublishState.PUBLISHED,
        )
        for n in range(count)
    )
    Citation.objects.bulk_create(
        Citation(case=case, volume=1000 + n, reporter="U.S.", page=1)
        for n, case in enumerate(cases)
    )
    if topic is not None:
        CaseTopic.objects.bulk_create(CaseTopic(case=case, topic=topic) for case in cases)
    return cases


class GlossaryTermFactory(PublishedFactory):
    class Meta:
        model = GlossaryTerm

    term = factory.Sequence(lambda n: f"term{n}")
    slug = factory.LazyAttribute(lambda term: term.term.replace(" ", "-"))
    definition = "A plain definition."
