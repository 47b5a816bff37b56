import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cases.models import Citation
from tests.factories import CitationFactory, CourtCaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("555 U.S. 223", {"volume": 555, "reporter": "U.S.", "page": 223}),
        ("137 S. Ct. 1843", {"volume": 137, "reporter": "S. Ct.", "page": 1843}),
        ("  77  F.3d   12 ", {"volume": 77, "reporter": "F.3d", "page": 12}),
    ],
)
def test_citations_parse_into_volume_reporter_and_page(text, parts):
    assert Citation.parse(text) == parts


@pytest.mark.parametrize("text", ["", "U.S. 223", "555 U.S.", "555 223", "five U.S. 223"])
def test_text_that_is_not_a_citation_is_refused(text):
    with pytest.raises(ValueError, match=r"555 U\.S\. 223"):
        Citation.parse(text)


def test_a_citation_belongs_to_one_case_only():
    CitationFactory(volume=555, reporter="U.S.", page=223)
    with pytest.raises(IntegrityError):
        CitationFactory(volume=555, reporter="U.S.", page=223)


def test_duplicate_citation_is_explained_in_words():
    CitationFactory(volume=555, reporter="U.S.", page=223)
    duplicate = Citation(case=CourtCaseFactory(), volume=555, reporter="U.S.", page=223)
    with pytest.raises(ValidationError, match="already belongs to a case"):
        duplicate.full_clean()


def test_year_outside_the_courts_history_is_refused():
    case = CourtCaseFactory.build(year=1700, court=CitationFactory().case.court)
    with pytest.raises(ValidationError, match="year"):
        case.full_clean()
    with pytest.raises(IntegrityError):
        CourtCaseFactory(year=3000)


def test_summary_is_rendered_and_sanitised_when_saved():
    case = CourtCaseFactory(summary="*Held* <script>x()</script>")
    assert case.summary_html == "<p><em>Held</em> </p>"
    assert case.summary == "*Held* <script>x()</script>"
