"""Editing a law in the admin: bad input refused in words, what was typed kept."""

import pytest

from laws.models import Jurisdiction, Law, LawAnswer
from tests.forms import form_data

pytestmark = pytest.mark.django_db

ADD = "/admin/laws/law/add/"


def law_form(staff_client, **fields):
    data = form_data(staff_client.get(ADD).text)
    data.update(
        {
            "jurisdiction": str(Jurisdiction.objects.get(slug="colorado").pk),
            "title": "Senate Bill 99-001",
            "short_name": "SB 99-001",
            "slug": "sb-99-001",
            "enactment": "enacted",
            "qualified_immunity": "barred",
            "who_may_be_sued": "officers",
            "summary": "Typed with care.",
            "status": "draft",
            **fields,
        }
    )
    return data


def with_answer(data, **fields):
    row = {
        "question": "damages-cap",
        "verified": "on",
        "answer": "None.",
        "source_url": "https://example.org/statute",
        "source_title": "The statute",
        "secondary": "",
        **fields,
    }
    data = {**data, "answers-TOTAL_FORMS": "1"}
    data.update({f"answers-0-{name}": value for name, value in row.items() if value is not None})
    return data


def test_an_editor_adds_a_law_with_a_verified_answer(staff_client):
    response = staff_client.post(ADD, with_answer(law_form(staff_client)))
    assert response.status_code == 302
    law = Law.objects.get(slug="sb-99-001")
    assert LawAnswer.objects.get(law=law).verified


@pytest.mark.parametrize(
    ("law_fields", "answer_fields", "message"),
    [
        ({}, {"source_url": ""}, "A verified answer needs the source that supports it."),
        ({}, {"source_url": "ftp://example.org/x"}, "Enter a valid URL."),
        (
            {"signed_on": "2020-06-19", "effective_on": "2020-01-01"},
            {},
            "It is before the signing date (19 June 2020)",
        ),
    ],
)
def test_bad_input_is_refused_in_words_and_kept(staff_client, law_fields, answer_fields, message):
    data = with_answer(law_form(staff_client, **law_fields), **answer_fields)
    response = staff_client.post(ADD, data)
    assert response.status_code == 200
    assert message in response.text
    assert "Typed with care." in response.text
    assert not Law.objects.filter(slug="sb-99-001").exists()


def test_a_duplicate_short_name_in_one_jurisdiction_is_refused(staff_client):
    staff_client.post(ADD, law_form(staff_client))
    response = staff_client.post(ADD, law_form(staff_client, slug="another"))
    assert response.status_code == 200
    assert "This jurisdiction already has a law with this short name." in response.text
    # The same short name elsewhere is another law.
    other = law_form(
        staff_client, slug="nm-sb", jurisdiction=str(Jurisdiction.objects.get(slug="new-mexico").pk)
    )
    assert staff_client.post(ADD, other).status_code == 302


def test_a_source_that_is_not_a_web_address_is_refused(staff_client):
    data = law_form(staff_client)
    data.update(
        {
            "sources-TOTAL_FORMS": "1",
            "sources-0-url": "javascript:alert(1)",
            "sources-0-title": "A source",
        }
    )
    response = staff_client.post(ADD, data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Law.objects.exists()
