import pytest

from cases.models import CourtCase, Outcome
from qiportal.publishing import PublishState
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
        "citations-0-citation": "555 U.S. 223",
        "citations-0-position": "0",
        "citations-1-citation": "129 S.Ct. 808",
        "citations-1-position": "1",
        "topic_links-TOTAL_FORMS": "1",
        "topic_links-INITIAL_FORMS": "0",
        "topic_links-MIN_NUM_FORMS": "0",
        "topic_links-MAX_NUM_FORMS": "1000",
        **{
            f"{prefix}-{part}": value
            for prefix in ("relations_from", "relations_to")
            for part, value in [
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            ]
        },
    }
    data.update(overrides)
    return data


def test_case_form_has_the_markdown_editor_and_citation_rows(admin_user_client):
    page = admin_user_client.get("/admin/cases/courtcase/add/").text
    assert 'markdownx-editor"' in page
    assert "citations-0-citation" in page


def test_staff_add_a_case_with_citations_and_readers_see_it(admin_user_client, client):
    court, topic = CourtFactory(), TopicFactory(title="In the courts")
    response = admin_user_client.post(
        "/admin/cases/courtcase/add/", case_form(court, **{"topic_links-0-topic": topic.pk})
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
    CitationFactory(volume=555, reporter="U.S.", page=223, case__name="Other v. Case")
    response = admin_user_client.post("/admin/cases/courtcase/add/", case_form(CourtFactory()))
    assert response.status_code == 200
    assert "555 U.S. 223 already belongs to Other v. Case." in response.text
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


def test_citations_are_read_by_eyecite_and_stored_in_standard_form(admin_user_client):
    response = admin_user_client.post(
        "/admin/cases/courtcase/add/",
        case_form(CourtFactory(), **{"citations-0-citation": "555 US 223"}),
    )
    assert response.status_code == 302
    assert [str(c) for c in CourtCase.objects.get().citations.all()] == [
        "555 U.S. 223",
        "129 S. Ct. 808",
    ]


@pytest.mark.parametrize("typed", ["555 US 22x", "555 U.S.", "U.S. 223", "555 U.S. ___", "hello"])
def test_a_citation_eyecite_cannot_read_is_refused_with_an_example(admin_user_client, typed):
    response = admin_user_client.post(
        "/admin/cases/courtcase/add/",
        case_form(CourtFactory(), **{"citations-0-citation": typed}),
    )
    assert response.status_code == 200
    assert "is not a case citation" in response.text
    assert "for example 555 U.S. 223 (volume, reporter, first page)" in response.text
    assert "Officers entered a home" in response.text  # what was typed is kept
    assert not CourtCase.objects.exists()


def test_the_same_citation_twice_is_explained(admin_user_client):
    response = admin_user_client.post(
        "/admin/cases/courtcase/add/",
        case_form(CourtFactory(), **{"citations-1-citation": "555 U.S. 223"}),
    )
    assert response.status_code == 200
    assert "555 U.S. 223 is listed twice." in response.text


def test_editing_a_case_shows_its_citations_as_typed_text(admin_user_client):
    citation = CitationFactory(volume=555, reporter="U.S.", page=223)
    page = admin_user_client.get(f"/admin/cases/courtcase/{citation.case.pk}/change/").text
    assert 'value="555 U.S. 223"' in page


def test_admin_search_finds_a_case_by_its_citation(admin_user_client):
    CitationFactory(volume=555, reporter="U.S.", page=223, case__name="Pearson v. Callahan")
    CitationFactory(volume=1, reporter="U.S.", page=1, case__name="Other v. Case")
    page = admin_user_client.get("/admin/cases/courtcase/", {"q": "555 US 223"}).text
    assert "Pearson v. Callahan" in page
    assert "Other v. Case" not in page


class TestCitationRows:
    """The rows are checked as the set of citations the case will have once saved."""

    def change(self, client, case, rows, **extra):
        existing = list(case.citations.all())
        data = case_form(
            case.court,
            name=case.name,
            slug=case.slug,
            **{
                "citations-TOTAL_FORMS": str(len(rows)),
                "citations-INITIAL_FORMS": str(len(existing)),
                "opened_version": case.updated_at.isoformat(),
            },
            **extra,
        )
        for n, row in enumerate(rows):
            data.update({f"citations-{n}-{key}": value for key, value in row.items()})
            data[f"citations-{n}-case"] = str(case.pk)
            if n < len(existing):
                data[f"citations-{n}-id"] = str(existing[n].pk)
        return client.post(f"/admin/cases/courtcase/{case.pk}/change/", data)

    @pytest.fixture
    def case(self):
        case = CitationFactory(volume=555, reporter="U.S.", page=223, position=0).case
        CitationFactory(case=case, volume=129, reporter="S. Ct.", page=808, position=1)
        return case

    def test_two_rows_swap_their_citations(self, admin_user_client, client, case):
        topic = TopicFactory(body="See 129 S. Ct. 808.")
        rows = [
            {"citation": "129 S. Ct. 808", "position": "0"},
            {"citation": "555 U.S. 223", "position": "1"},
        ]
        assert self.change(admin_user_client, case, rows).status_code == 302
        assert [str(c) for c in case.citations.order_by("position")] == [
            "129 S. Ct. 808",
            "555 U.S. 223",
        ]
        assert f'href="{case.get_absolute_url()}"' in client.get(topic.get_absolute_url()).text

    def test_a_row_takes_the_citation_of_a_row_being_deleted(self, admin_user_client, case):
        rows = [
            {"citation": "129 S. Ct. 808", "position": "0"},
            {"citation": "129 S. Ct. 808", "position": "1", "DELETE": "on"},
        ]
        assert self.change(admin_user_client, case, rows).status_code == 302
        assert [str(c) for c in case.citations.all()] == ["129 S. Ct. 808"]

    def test_a_citation_of_another_case_is_a_message_and_nothing_changes(
        self, admin_user_client, case
    ):
        CitationFactory(volume=457, reporter="U.S.", page=800, case__name="Harlow v. Fitzgerald")
        rows = [
            {"citation": "457 U.S. 800", "position": "0"},
            {"citation": "129 S. Ct. 808", "position": "1"},
        ]
        response = self.change(admin_user_client, case, rows)
        assert response.status_code == 200
        assert "457 U.S. 800 already belongs to Harlow v. Fitzgerald." in response.text
        assert sorted(str(c) for c in case.citations.all()) == ["129 S. Ct. 808", "555 U.S. 223"]
