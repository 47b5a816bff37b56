import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cases.models import Citation
from tests.factories import CitationFactory, CourtCaseFactory

pytestmark = pytest.mark.django_db


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
