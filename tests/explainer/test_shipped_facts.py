"""The shipped cases, relations and milestones say exactly what the project's fact files say:
citations, years, outcomes, which case acts on which and how, and the quotes. The files are in
../shared/content beside a checkout of the project; without them these tests skip, saying so."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

from cases.models import CaseRelation, CourtCase, Outcome

pytestmark = pytest.mark.django_db

SHARED = settings.BASE_DIR.parent / "shared" / "content"

# A page of a reporter or a slip opinion, as the files cite one.
PAGE = re.compile(r"U\.S\. at|S\. Ct\. at|slip op\.")

# Outcomes the files write in a word or two, and the portal's choice for each.
OUTCOMES = {
    "granted": Outcome.GRANTED,
    "denied": Outcome.DENIED,
    "absolute immunity": Outcome.ABSOLUTE,
    "qualified (not absolute) immunity": Outcome.QUALIFIED_ONLY,
    "immunity available": Outcome.AVAILABLE,
    "defense recognized": Outcome.DEFENSE_RECOGNIZED,
    "standard set": Outcome.STANDARD_SET,
}


def table_rows(name, heading=None):
    """Each row of the (first, or the one under `heading`) table in a fact file, as cells."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"No ../shared/content beside this checkout to compare with ({path}).")
    text = path.read_text(encoding="utf-8")
    if heading:
        text = text[text.index(f"## {heading}") :]
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
        elif rows:
            break
    return rows[2:]  # past the header and its rule


def expected_outcome(text):
    """(the outcome choice, its detail) the file's wording stands for."""
    if text in OUTCOMES:
        return OUTCOMES[text], ""
    if text.startswith("granted ("):
        return Outcome.GRANTED, text.removeprefix("granted (").replace(")", "", 1)
    return Outcome.OTHER, text


def name_of(cell):
    """'Pearson v. Callahan (seed)' or 'Saucier v. Katz (2001): its …' -> the case's name."""
    return re.split(r" \(", cell)[0]


def file_cases():
    for file, heading in [("landmark-cases.md", None), ("doctrine.md", "More cases for the index")]:
        for cells in table_rows(file, heading):
            yield cells[:5]


@pytest.fixture
def shipped(shipped_content):
    return {case.name: case for case in CourtCase.objects.prefetch_related("citations")}


def test_every_shipped_case_is_one_of_the_files_with_their_citations_year_and_outcome(shipped):
    listed = list(file_cases())
    assert len(listed) == 30
    for name, us_reports, s_ct, year, outcome in listed:
        case = shipped[name_of(name)]
        assert [str(c) for c in case.citations.all()] == [us_reports, s_ct], case.name
        assert case.year == int(year), case.name
        assert (case.outcome, case.outcome_detail) == expected_outcome(outcome), case.name
    assert len(shipped) == len(listed)


def test_every_relation_is_the_files_with_its_words(shipped):
    rows = table_rows("doctrine.md", "Relations between cases")
    expected = {(name_of(r[0]), r[1].replace(" ", "-"), name_of(r[2])): r for r in rows}
    relations = CaseRelation.objects.select_related("from_case", "to_case")
    found = {(r.from_case.name, r.kind, r.to_case.name): r for r in relations}
    assert set(found) == set(expected)
    for key, relation in found.items():
        meaning, words, source = expected[key][3:6]
        assert relation.meaning == meaning, key
        assert relation.quote in words, key
        assert relation.source_url in source, key
        if relation.quote_place == "not-verified":  # the file gives no page for it
            assert "not yet verified" in words or not PAGE.search(words), key
        elif relation.quote_page and relation.quote_place != "summary":
            assert relation.quote_page.split(",")[0] in words, key


def test_what_each_case_started_is_the_files(shipped):
    rows = table_rows("doctrine.md", "What each case started")
    started = {name_of(row[0]): row for row in rows}
    with_milestone = {name for name, case in shipped.items() if case.milestone}
    assert with_milestone == set(started)
    for name, (_, established, quote, source) in started.items():
        case = shipped[name]
        assert case.milestone_detail.split(" (Made optional")[0] in established, name
        assert case.milestone_quote == quote, name
        assert case.milestone_source == source, name


def test_nothing_the_files_hold_back_is_shipped(shipped_content):
    names = set(CourtCase.objects.values_list("name", flat=True))
    for withheld in ("McCoy v. Alamu", "Vega v. Tekoh", "Zorn v. Linton", "Hunter v. Bryant"):
        assert withheld not in names
    text = " ".join(f"{r.quote} {r.quote_page}" for r in CaseRelation.objects.all()) + " ".join(
        CourtCase.objects.values_list("summary", flat=True)
    )
    # Pages taken only from Zorn v. Linton.
    for page in ("583 U.S. 63", "595 U.S. 5", "586 U.S. 43"):
        assert page not in text
    assert not CaseRelation.objects.filter(
        from_case__name="Imbler v. Pachtman", to_case__name="Pierson v. Ray"
    ).exists()
    call_command("check")
