"""Typed relations between cases: edited on a case's form, told on both cases' pages, kept in
history with the cases."""

import re

import pytest
import reversion
from reversion.models import Version

from cases.models import CaseRelation, CourtCase, QuotePlace, RelationKind
from tests.factories import CaseRelationFactory, CourtCaseFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def change_url(case):
    return f"/admin/cases/courtcase/{case.pk}/change/"


@pytest.fixture
def pearson_and_saucier():
    return (
        CourtCaseFactory(name="Pearson v. Callahan", slug="pearson", year=2009),
        CourtCaseFactory(name="Saucier v. Katz", slug="saucier", year=2001),
    )


def with_relation(data, earlier, **fields):
    """The case form's data with one new relation to `earlier` in its first inline."""
    row = {
        "to_case": str(earlier.pk),
        "kind": RelationKind.OVERRULES_IN_PART,
        "meaning": "The two-step order is no longer mandatory.",
        "also": "",
        "quote": "“it should no longer be regarded as mandatory”",
        "quote_place": QuotePlace.NOT_VERIFIED,
        "quote_page": "",
        "source_url": "https://lawpipe.com/US/Pearson_v_Callahan.html",
        "source_note": "",
        **fields,
    }
    total = int(data["relations_from-TOTAL_FORMS"])
    data = {**data, "relations_from-TOTAL_FORMS": str(total + 1)}
    data.update({f"relations_from-{total}-{name}": value for name, value in row.items()})
    return data


class TestEditing:
    def test_an_editor_adds_a_relation_on_the_later_case_and_both_cases_show_it(
        self, staff_client, pearson_and_saucier
    ):
        pearson, saucier = pearson_and_saucier
        data = with_relation(form_data(staff_client.get(change_url(pearson)).text), saucier)
        response = staff_client.post(change_url(pearson), data)
        assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.text)
        relation = CaseRelation.objects.get()
        assert (relation.from_case, relation.to_case) == (pearson, saucier)
        # The earlier case's form shows it too, in its own inline.
        earlier_form = staff_client.get(change_url(saucier)).text
        assert "How later cases act on this case" in earlier_form
        assert "The two-step order is no longer mandatory." in earlier_form

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"to_case": "self"}, "to_case", "A case cannot be related to itself"),
            ({"to_case": "later"}, "to_case", "was decided after Pearson v. Callahan (2009)"),
            ({"quote_place": ""}, "quote_place", "Say where the words stand"),
            (
                {"quote_place": QuotePlace.US_REPORTS},
                "quote_page",
                "Give the page, e.g.",
            ),
            (
                {"quote_page": "555 U.S. at 236"},
                "quote_page",
                "the place says it is not yet verified",
            ),
            ({"source_url": "javascript:alert(1)"}, "source_url", "Enter a valid URL."),
        ],
    )
    def test_bad_relations_are_refused_in_words_and_what_was_typed_is_kept(
        self, staff_client, pearson_and_saucier, fields, field, message
    ):
        pearson, saucier = pearson_and_saucier
        later = CourtCaseFactory(name="Later v. Case", year=2020)
        chosen = {"self": pearson, "later": later}.get(fields.get("to_case"))
        if chosen is not None:
            fields = {**fields, "to_case": str(chosen.pk)}
        data = with_relation(
            form_data(staff_client.get(change_url(pearson)).text),
            saucier,
            meaning="Typed with care.",
            **fields,
        )
        response = staff_client.post(change_url(pearson), data)
        assert response.status_code == 200
        assert message in response.text
        assert "Typed with care." in response.text  # nothing typed is lost
        assert not CaseRelation.objects.exists()

    def test_a_duplicate_relation_is_refused_in_words(self, staff_client, pearson_and_saucier):
        pearson, saucier = pearson_and_saucier
        CaseRelationFactory(from_case=pearson, to_case=saucier)
        data = with_relation(form_data(staff_client.get(change_url(pearson)).text), saucier)
        response = staff_client.post(change_url(pearson), data)
        assert response.status_code == 200
        assert "This relation is already recorded" in response.text
        assert CaseRelation.objects.count() == 1

    def test_an_editor_changes_and_deletes_a_relation(self, staff_client, pearson_and_saucier):
        pearson, saucier = pearson_and_saucier
        relation = CaseRelationFactory(from_case=pearson, to_case=saucier)
        data = form_data(staff_client.get(change_url(saucier)).text)
        data["relations_to-0-meaning"] = "Courts may decide either question first."
        assert staff_client.post(change_url(saucier), data).status_code == 302
        relation.refresh_from_db()
        assert relation.meaning == "Courts may decide either question first."

        data = form_data(staff_client.get(change_url(pearson)).text)
        data["relations_from-0-DELETE"] = "on"
        assert staff_client.post(change_url(pearson), data).status_code == 302
        assert not CaseRelation.objects.exists()


class TestCasePages:
    def test_each_case_tells_the_relation_with_both_names_linked(self, client, pearson_and_saucier):
        pearson, saucier = pearson_and_saucier
        CaseRelationFactory(from_case=pearson, to_case=saucier, quote_page="")
        later_page = client.get(pearson.get_absolute_url()).text
        earlier_page = client.get(saucier.get_absolute_url()).text
        sentence = re.compile(
            r"<cite>Pearson v. Callahan</cite>.*?\(2009\)\s+overruled in part\s+"
            r".*?<cite>Saucier v. Katz</cite>.*?\(2001\)\.",
            re.S,
        )
        assert sentence.search(later_page) and sentence.search(earlier_page)
        assert "Earlier cases it acted on" in later_page
        assert 'href="/cases/saucier/"' in later_page
        assert "Later cases that acted on it" in earlier_page
        assert "Overruled in part by" in earlier_page
        assert 'href="/cases/pearson/"' in earlier_page
        # Its key words, with where they stand, and its source.
        assert "Pearson v. Callahan, page not yet verified" in earlier_page
        assert 'href="https://example.org/opinion"' in earlier_page

    @pytest.mark.parametrize("state", ["draft", "scheduled"])
    def test_a_relation_to_a_case_readers_cannot_see_is_not_shown(
        self, client, staff_client, state
    ):
        public = CourtCaseFactory(name="Public v. Case", year=2010)
        hidden = CourtCaseFactory(name="Hidden v. Case", slug="hidden", year=2000, **{state: True})
        CaseRelationFactory(from_case=public, to_case=hidden)
        page = client.get(public.get_absolute_url()).text
        assert "Hidden v. Case" not in page and "/cases/hidden/" not in page
        assert "How this case relates to others" not in page
        # Staff who may preview see it, marked.
        staff_page = staff_client.get(public.get_absolute_url()).text
        assert "Hidden v. Case" in staff_page
        assert "Not public: a case here is a draft or scheduled." in staff_page


class TestHistory:
    def test_a_deleted_case_takes_its_relations_and_brings_them_back(self, staff_client):
        earlier = CourtCaseFactory(name="Earlier v. Case", year=1990)
        with reversion.create_revision():
            later = CourtCaseFactory(name="Later v. Case", year=2000)
            CaseRelationFactory(from_case=later, to_case=earlier, meaning="It applied it.")
            reversion.add_to_revision(later)
        later.delete()
        assert not CaseRelation.objects.exists()

        version = Version.objects.get_deleted(CourtCase).get()
        url = f"/admin/cases/courtcase/recover/{version.pk}/"
        response = staff_client.post(url, form_data(staff_client.get(url).text))
        assert response.status_code == 302
        relation = CaseRelation.objects.get()
        assert relation.meaning == "It applied it."
        assert relation.to_case == earlier
