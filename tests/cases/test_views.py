import pytest

from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    TopicFactory,
    make_published_cases,
)

pytestmark = pytest.mark.django_db


def test_index_lists_cases_newest_first_with_their_facts(client, shipped_content):
    page = client.get("/cases/").text
    assert page.index("Taylor v. Riojas") < page.index("Pearson v. Callahan")
    assert page.index("Pearson v. Callahan") < page.index("Saucier v. Katz")
    assert "555 U.S. 223" in page
    assert "Immunity granted" in page
    assert "30 cases in the index." in page
    assert "<caption>" in page and '<th scope="col">Holding</th>' in page


def test_index_is_paginated(client):
    make_published_cases(30)
    first = client.get("/cases/").text
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/cases/?page=2").text
    assert second.count('<tr>\n        <th scope="row"') == 5


@pytest.mark.parametrize("page", ["abc", "0", "-1", "3", "99999999999999999999", "1.5"])
def test_page_numbers_that_do_not_exist_are_404(client, page):
    make_published_cases(30)
    response = client.get("/cases/", {"page": page})
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_last_is_accepted_as_a_page_number(client):
    make_published_cases(30)
    assert "Page 2 of 2" in client.get("/cases/?page=last").text


@pytest.mark.parametrize("count", [10, 500])
def test_index_queries_do_not_grow_with_the_cases(client, count_queries, count):
    make_published_cases(count)
    # The court and topic menus, the page's keys, its rows, their citations, and the count
    # when the page is full (one that is not is the last, and counts itself).
    with count_queries(5 if count < 25 else 6):
        response = client.get("/cases/")
    assert response.status_code == 200
    assert response.text.count('scope="row"') == min(count, 25)


def test_case_page_shows_every_fact_and_the_opinion_links(client):
    case = CourtCaseFactory(
        name="Pearson v. Callahan", year=2009, holding="The order is optional.", summary="**Bold**"
    )
    CitationFactory(case=case, volume=555, reporter="U.S.", page=223, position=0)
    CitationFactory(case=case, volume=129, reporter="S. Ct.", page=808, position=1)
    case.topics.add(TopicFactory(title="In the courts"))
    page = client.get(case.get_absolute_url()).text
    assert "<cite>Pearson v. Callahan</cite>" in page
    assert "555 U.S. 223; 129 S. Ct. 808" in page
    assert "Supreme Court of the United States" in page
    assert "2009" in page and "Immunity granted" in page and "The order is optional." in page
    assert "<strong>Bold</strong>" in page
    assert "In the courts" in page
    assert 'href="https://supreme.justia.com/cases/federal/us/555/223/"' in page
    assert 'href="https://www.courtlistener.com/c/U.S./555/223/"' in page


def test_an_editors_opinion_link_is_offered_too(client):
    case = CourtCaseFactory(opinion_url="https://example.org/opinion.pdf")
    CitationFactory(case=case, reporter="F.3d")
    page = client.get(case.get_absolute_url()).text
    assert 'href="https://example.org/opinion.pdf"' in page
    assert "justia" not in page  # nothing is derived from a reporter other than U.S. Reports


def test_unknown_case_is_404(client):
    assert client.get("/cases/no-such-case/").status_code == 404


def test_case_page_queries_are_fixed(client, count_queries, shipped_content):
    # The case with its court, its citations, its topics, where it is discussed, and its
    # relations to other cases (both ways, in one query).
    with count_queries(6):
        client.get("/cases/pearson-v-callahan/")
