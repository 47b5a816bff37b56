import pytest

from cases.models import CourtCase, Outcome
from explainer.models import PublishState
from tests.factories import CitationFactory, CourtFactory, TopicFactory

pytestmark = pytest.mark.django_db


def case_form(court, **overrides):
    data = {
        "name": "Pearson v. Callahan",
        "slug": "pearson-v-callahan",
        "court": court.pk,
        "year": "2009",
        "outcome": Outcome.GRANTED,
        "holding": "The order of the two questions is optional.",
        "summary": "Officers entered a home; the Court held them *immune*.",
        "opinion_url": "",
        "status": PublishState.PUBLISHED,
        "published_at_0": "2020-01-01",
        "published_at_1": "00:00:00",
        "citations-TOTAL_FORMS": "2",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "citations-0-volume": "555",
        "citations-0-reporter": "U.S.",
        "citations-0-page": "223",
        "citations-0-position": "0",
        "citations-1-volume": "129",
        "citations-1-reporter": "S. Ct.",
        "citations-1-page": "808",
        "citations-1-position": "1",
    }
    data.update(overrides)
    return data


def test_case_form_has_the_markdown_editor_and_citation_rows(admin_user_client):
    page = admin_user_client.get("/admin/cases/courtcase/add/").text
    assert 'markdownx-editor"' in page
    assert "citations-0-volume" in page


def test_staff_add_a_case_with_citations_and_readers_see_it(admin_user_client, client):
    court, topic = CourtFactory(), TopicFactory(title="In the courts")
    response = admin_user_client.post(
        "/admin/cases/courtcase/add/", case_form(court, topics=[topic.pk])
    )
    assert response.status_code == 302
    case = CourtCase.objects.get()
    assert [str(c) for c in case.citations.all()] == ["555 U.S. 223", "129 S. Ct. 808"]
    page = client.get("/cases/pearson-v-callahan/").text
    assert "555 U.S. 223; 129 S. Ct. 808" in page
    assert "the Court held them <em>immune</em>" in page
    assert "In the courts" in page
    assert "Pearson v. Callahan" in client.get("/cases/").text


def test_a_citation_of_another_case_is_explained_and_nothing_lost(admin_user_client):
    CitationFactory(volume=555, reporter="U.S.", page=223)
    response = admin_user_client.post("/admin/cases/courtcase/add/", case_form(CourtFactory()))
    assert response.status_code == 200
    assert "This citation already belongs to a case in the index." in response.text
    assert "Officers entered a home" in response.text
    assert not CourtCase.objects.filter(slug="pearson-v-callahan").exists()


def test_a_year_out_of_range_is_explained(admin_user_client):
    response = admin_user_client.post(
        "/admin/cases/courtcase/add/", case_form(CourtFactory(), year="1492")
    )
    assert response.status_code == 200
    assert "greater than or equal to 1789" in response.text


def test_missing_name_is_explained_and_the_summary_kept(admin_user_client):
    response = admin_user_client.post(
        "/admin/cases/courtcase/add/", case_form(CourtFactory(), name="")
    )
    assert "This field is required." in response.text
    assert "Officers entered a home" in response.text
