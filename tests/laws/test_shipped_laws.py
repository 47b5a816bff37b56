"""The shipped laws say what ../shared/content/state-laws.md says, and no more: a verified
answer only where the file gives a value without "not yet verified", every quote in it the
file's, and what a secondary source says kept as that source's. Without the file beside the
checkout these tests skip, saying so."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from laws.models import Law, LawStatus

pytestmark = pytest.mark.django_db

FACTS = settings.BASE_DIR.parent / "shared" / "content" / "state-laws.md"
SECTIONS = {
    "Colorado": "colorado-sb-20-217",
    "New Mexico": "new-mexico-civil-rights-act",
    "New York City": "new-york-city-qualified-immunity",
    "Connecticut": "connecticut-52-571k",
    "Massachusetts": "massachusetts-chapter-253",
    "California": "california-sb-2",
}
QUESTIONS = {
    "who may be sued": "who-may-be-sued",
    "qualified immunity": "qualified-immunity",
    "officer's personal share": "officer-share",
    "damages cap": "damages-cap",
    "attorney fees": "attorney-fees",
    "limitations period": "limitations-period",
}


def fields(text, heading):
    """{field: value} of the table under `## heading`."""
    part = text[text.index(f"## {heading}\n") :]
    part = part[: part.index("\n## ", 1)]
    return dict(re.findall(r"^\| ([^|]+?) \| (.+) \|$", part, re.M))


def quotes(text):
    return re.findall(r'"([^"]{12,})"', text)


@pytest.fixture
def facts(db):
    if not FACTS.exists():
        pytest.skip(f"No ../shared/content beside this checkout to compare with ({FACTS}).")
    call_command("load_laws", stdout=StringIO())
    return FACTS.read_text(encoding="utf-8")


@pytest.mark.parametrize(("heading", "slug"), SECTIONS.items())
def test_each_answer_is_the_files(facts, heading, slug):
    table = fields(facts, heading)
    law = Law.objects.prefetch_related("answers").get(slug=slug)
    answers = {answer.question: answer for answer in law.answers.all()}
    for field, question in QUESTIONS.items():
        value = table[field]
        answer = answers.get(question)
        if value.startswith("not yet verified"):
            assert answer is None or not answer.verified, (slug, field)
        else:
            assert answer is not None and answer.verified, (slug, field)
            assert answer.source_url, (slug, field)
        for quoted in quotes(answer.answer if answer else ""):
            assert quoted in value, (slug, field, quoted)
        for quoted in quotes(answer.secondary if answer else ""):
            assert quoted in value, (slug, field, quoted)
    # The citation as given, or nothing where the file does not know it.
    citation = table["citation"]
    assert law.citation == ("" if citation.startswith("not yet verified") else citation)
    # Every address the file gives for the law is among its sources.
    addresses = set(law.sources.values_list("url", flat=True))
    for address in re.findall(r"https?://[^\s;)]+", table["sources"]):
        assert address.rstrip(".") in addresses, (slug, address)


def test_a_date_is_given_only_where_the_file_verifies_it(facts):
    for heading, slug in SECTIONS.items():
        table, law = fields(facts, heading), Law.objects.get(slug=slug)
        assert (law.signed_on is None) == table["signed"].startswith("not yet verified"), slug
        assert (law.effective_on is None) == table["effective"].startswith("not yet verified"), slug


def test_the_bills_that_failed_are_each_there(facts):
    part = facts[facts.index("## Considered but not enacted") : facts.index("## Not yet verified")]
    for bill in ["HB 20-1287", "SB 21-183", "SB 25-065", "HB 1012", "HB 3653", "HB 1202",
                 "HB 1025", "H.R. 1280", "H.R. 7085", "H.R. 1470"]:  # fmt: skip
        assert bill in part
        assert Law.objects.filter(short_name__contains=bill).exists(), bill
    assert Law.objects.get(slug="colorado-sb-21-183").enactment == LawStatus.NOT_ENACTED
