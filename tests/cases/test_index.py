"""The case index as a research tool: filters, search, sort, counts and downloads."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.citations import parse_citation
from cases.models import CourtCase, Outcome
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    CourtFactory,
    TopicFactory,
    make_published_cases,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    """Six cases in two courts, with known years, outcomes, topics and citations."""
    scotus = CourtFactory()
    tenth = CourtFactory(name="U.S. Court of Appeals for the Tenth Circuit", short_name="10th Cir.",
                         slug="tenth-circuit")  # fmt: skip
    courts_topic = TopicFactory(title="In the courts", slug="in-the-courts")
    data = [
        ("Pearson v. Callahan", scotus, 2009, Outcome.GRANTED, "555 U.S. 223", "Order optional."),
        ("Hope v. Pelzer", scotus, 2002, Outcome.DENIED, "536 U.S. 730", "Notice in novel facts."),
        ("Harlow v. Fitzgerald", scotus, 1982, Outcome.STANDARD_SET, "457 U.S. 800", "Objective."),
        ("Taylor v. Riojas", scotus, 2020, Outcome.DENIED, "592 U.S. 7", "Plainly wrong."),
        ("Circuit v. Case", tenth, 2015, Outcome.GRANTED, "800 F.3d 1", "A circuit holding."),
        ("Formula v. Injection", tenth, 2019, Outcome.OTHER, "900 F.3d 5",
         "=HYPERLINK(\"https://evil.example\",\"click\")"),
    ]  # fmt: skip
    cases = {}
    for name, court, year, outcome, citation, holding in data:
        case = CourtCaseFactory(name=name, court=court, year=year, outcome=outcome, holding=holding)
        key = parse_citation(citation)
        CitationFactory(case=case, volume=key.volume, reporter=key.reporter, page=key.page)
        cases[name] = case
    cases["Pearson v. Callahan"].topics.add(courts_topic)
    cases["Hope v. Pelzer"].topics.add(courts_topic)
    CourtCaseFactory(name="Draft v. Hidden", year=2010, draft=True)
    return cases


def names(response):
    """Case names in the table, in order."""
    page = response.text
    rows = page.split('<th scope="row" data-label="Case">')[1:]
    return [row.split("<cite>")[1].split("</cite>")[0] for row in rows]


class TestFilters:
    def test_everything_newest_first_by_default(self, client, library):
        response = client.get("/cases/")
        assert names(response) == [
            "Taylor v. Riojas", "Formula v. Injection", "Circuit v. Case", "Pearson v. Callahan",
            "Hope v. Pelzer", "Harlow v. Fitzgerald",
        ]  # fmt: skip
        assert "6 cases in the index." in response.text

    def test_court(self, client, library):
        response = client.get("/cases/", {"court": "tenth-circuit"})
        assert names(response) == ["Formula v. Injection", "Circuit v. Case"]
        assert "2 cases match." in response.text

    def test_year_range(self, client, library):
        response = client.get("/cases/", {"year_from": "2002", "year_to": "2015"})
        assert names(response) == ["Circuit v. Case", "Pearson v. Callahan", "Hope v. Pelzer"]

    def test_year_from_alone(self, client, library):
        assert names(client.get("/cases/", {"year_from": "2019"})) == [
            "Taylor v. Riojas",
            "Formula v. Injection",
        ]

    def test_outcome(self, client, library):
        response = client.get("/cases/", {"outcome": "denied"})
        assert names(response) == ["Taylor v. Riojas", "Hope v. Pelzer"]

    def test_topic(self, client, library):
        response = client.get("/cases/", {"topic": "in-the-courts"})
        assert names(response) == ["Pearson v. Callahan", "Hope v. Pelzer"]

    def test_search_by_name(self, client, library):
        assert names(client.get("/cases/", {"q": "pelzer"})) == ["Hope v. Pelzer"]

    def test_search_by_words_in_any_order(self, client, library):
        assert names(client.get("/cases/", {"q": "callahan pearson"})) == ["Pearson v. Callahan"]

    def test_search_by_holding(self, client, library):
        assert names(client.get("/cases/", {"q": "novel facts"})) == ["Hope v. Pelzer"]

    @pytest.mark.parametrize("typed", ["555 U.S. 223", "555 US 223", "555 U.S.", "U.S. 223"])
    def test_search_by_citation(self, client, library, typed):
        assert names(client.get("/cases/", {"q": typed})) == ["Pearson v. Callahan"]

    def test_combined_filters(self, client, library):
        response = client.get(
            "/cases/",
            {"court": "supreme-court", "outcome": "denied", "year_from": "2010", "q": "riojas"},
        )
        assert names(response) == ["Taylor v. Riojas"]
        assert "1 case matches." in response.text

    def test_no_match_says_so(self, client, library):
        response = client.get("/cases/", {"q": "nothing like this"})
        assert "0 cases match." in response.text
        assert "No cases match these filters." in response.text

    def test_drafts_never_match(self, client, library):
        assert "Draft v. Hidden" not in client.get("/cases/", {"q": "draft"}).text

    def test_the_form_shows_the_filters_in_use(self, client, library):
        page = client.get("/cases/", {"court": "tenth-circuit", "q": "case"}).text
        assert '<option value="tenth-circuit" selected>' in page
        assert 'value="case"' in page

    def test_it_works_as_a_plain_form(self, client, library):
        page = client.get("/cases/").text
        assert '<form class="filters" method="get" action="/cases/"' in page
        assert '<button type="submit">Show cases</button>' in page
        for name in ("q", "court", "year_from", "year_to", "outcome", "topic", "sort"):
            assert f'name="{name}"' in page
            assert f'for="id_{name}"' in page


class TestSorting:
    def test_oldest_first(self, client, library):
        assert names(client.get("/cases/", {"sort": "oldest"}))[:2] == [
            "Harlow v. Fitzgerald",
            "Hope v. Pelzer",
        ]

    def test_by_name(self, client, library):
        assert names(client.get("/cases/", {"sort": "name"})) == sorted(
            names(client.get("/cases/"))
        )

    def test_sort_with_a_filter(self, client, library):
        response = client.get("/cases/", {"outcome": "denied", "sort": "oldest"})
        assert names(response) == ["Hope v. Pelzer", "Taylor v. Riojas"]


class TestPagination:
    def test_pages_keep_the_filters(self, client):
        court = CourtFactory()
        for n in range(30):
            case = CourtCaseFactory(court=court, year=1990 + n % 5, name=f"P{n} v. D")
            CitationFactory(case=case)
        CourtCaseFactory.create_batch(3, year=1980)
        first = client.get("/cases/", {"year_from": "1990", "sort": "oldest"})
        assert "30 cases match." in first.text
        assert 'href="?year_from=1990&amp;sort=oldest&amp;page=2" rel="next"' in first.text
        second = client.get("/cases/", {"year_from": "1990", "sort": "oldest", "page": "2"})
        assert len(names(second)) == 5
        assert "page 2 of 2" in second.text


class TestExports:
    def read_csv(self, response):
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
        return list(csv.DictReader(io.StringIO(body[1:])))

    def test_csv_downloads_exactly_what_the_page_selects(self, client, library):
        query = {"court": "supreme-court", "outcome": "denied", "sort": "oldest"}
        on_page = names(client.get("/cases/", query))
        response = client.get("/cases/export.csv", query)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        rows = self.read_csv(response)
        assert [row["name"] for row in rows] == on_page == ["Hope v. Pelzer", "Taylor v. Riojas"]

    def test_csv_has_every_column_a_researcher_needs(self, client, library):
        rows = self.read_csv(client.get("/cases/export.csv", {"q": "555 U.S. 223"}))
        assert rows == [
            {
                "name": "Pearson v. Callahan",
                "citations": "555 U.S. 223",
                "court": "Supreme Court of the United States",
                "year": "2009",
                "outcome": "Immunity granted",
                "holding": "Order optional.",
                "topics": "In the courts",
                "url": "http://testserver/cases/" + library["Pearson v. Callahan"].slug + "/",
                "opinion_links": "https://supreme.justia.com/cases/federal/us/555/223/; "
                "https://www.courtlistener.com/c/U.S./555/223/",
            }
        ]

    def test_csv_neutralises_cells_a_spreadsheet_would_run(self, client, library):
        rows = self.read_csv(client.get("/cases/export.csv", {"q": "formula"}))
        assert rows[0]["holding"] == '\'=HYPERLINK("https://evil.example","click")'

    def test_csv_cells_open_as_text_in_a_spreadsheet_that_splits_on_semicolons(self, client):
        hostile = {
            "Semicolon v. Case": "x;=1+1",
            "Comma v. Case": "Held,=1+1",
            "Quoted v. Case": 'Held; "=HYPERLINK(""https://evil.example"")',
            "Line v. Break": "Held.\n@SUM(1+1)",
            "Spaced v. Case": "Held; \t-2+3",
        }
        for name, holding in hostile.items():
            CitationFactory(case=CourtCaseFactory(name=name, holding=holding))
        body = b"".join(client.get("/cases/export.csv").streaming_content).decode()[1:]

        # Every cell is quoted, and reads back whole on commas, with the text it shows.
        lines = [line for line in body.split("\r\n") if line]
        assert all(line.startswith('"') and line.endswith('"') for line in lines)
        holdings = {row["name"]: row["holding"] for row in csv.DictReader(io.StringIO(body))}
        assert holdings["Semicolon v. Case"] == "x;'=1+1"
        assert holdings["Comma v. Case"] == "Held,'=1+1"
        assert holdings["Line v. Break"] == "Held.\n'@SUM(1+1)"
        assert holdings["Spaced v. Case"] == "Held; \t'-2+3"

        # Split on semicolons, reading quotes as such a spreadsheet does (a quote opens a cell
        # only at its start), and split at every separator by one told to read no quotes: no
        # cell starts a formula.
        on_semicolons = [
            cell.lstrip(' \t"')
            for row in csv.reader(io.StringIO(body), delimiter=";")
            for cell in row
        ]
        assert "'=1+1\"" in [cell.split(",")[0] for cell in on_semicolons]
        anywhere = [piece.lstrip() for piece in re.split(r"[,;\r\n]", body)]
        for cell in on_semicolons + anywhere:
            assert not cell.startswith(("=", "+", "-", "@")), cell

    def test_csv_quotes_commas_and_keeps_accents(self, client):
        case = CourtCaseFactory(name="Muñoz v. City, County", holding='He said "no", twice.')
        CitationFactory(case=case)
        body = b"".join(client.get("/cases/export.csv").streaming_content).decode()
        assert '"Muñoz v. City, County"' in body
        assert '"He said ""no"", twice."' in body

    def test_json_matches_the_page_too(self, client, library):
        query = {"topic": "in-the-courts"}
        data = json.loads(client.get("/cases/export.json", query).content)
        assert data["count"] == 2
        assert [case["name"] for case in data["cases"]] == names(client.get("/cases/", query))
        pearson = data["cases"][0]
        assert pearson["citations"] == ["555 U.S. 223"]
        assert pearson["topics"] == ["In the courts"]
        assert pearson["opinion_links"][0] == "https://supreme.justia.com/cases/federal/us/555/223/"

    def test_download_links_carry_the_filters(self, client, library):
        page = client.get("/cases/", {"court": "tenth-circuit", "year_from": "2000"}).text
        assert 'href="/cases/export.csv?court=tenth-circuit&amp;year_from=2000"' in page
        assert 'href="/cases/export.json?court=tenth-circuit&amp;year_from=2000"' in page

    def test_invalid_filters_are_a_400_in_words_not_a_wrong_file(self, client, library):
        response = client.get("/cases/export.csv", {"year_from": "abc"})
        assert response.status_code == 400
        assert "From year: Enter a whole number." in response.text


HOSTILE_QUERIES = [
    {"court": "no-such-court"},
    {"year_from": "abc"},
    {"year_to": "99999999999"},
    {"year_from": "-5"},
    {"year_from": "2020", "year_to": "1990"},
    {"q": "x" * 10_000},
    {"q": "pearson\x00callahan"},
    {"court": "\x00"},
    {"outcome": "everything"},
    {"topic": "../../etc/passwd"},
    {"sort": "DROP TABLE"},
    {"sort": "-year"},
    {"q": "' OR 1=1 --"},
    {"q": "%"},
    {"q": "_"},
    {"q": "<script>alert(1)</script>"},
    {"q": "555 U.S. 99999999999999999999"},
    {"page": "abc"},
    {"year_from": "1e3"},
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: repr(q)[:40])
@pytest.mark.parametrize("url", ["/cases/", "/cases/export.csv", "/cases/export.json"])
def test_hostile_query_strings_never_cause_a_500(client, library, query, url):
    response = client.get(url, query)
    assert response.status_code in {200, 400, 404}
    if response.status_code == 200 and url == "/cases/" and set(query) - {"page"}:
        assert "<script>alert(1)</script>" not in response.text


@pytest.mark.parametrize("raw", ["q=%FF%FE%80", "court=%C0%AF", "year_from=%00", "%%%", "&&&=&"])
def test_undecodable_query_strings_never_cause_a_500(client, library, raw):
    for url in ("/cases/", "/cases/export.csv", "/cases/export.json"):
        assert client.get(f"{url}?{raw}").status_code in {200, 400}


def test_repeated_parameters_use_the_last_value(client, library):
    response = client.get("/cases/?court=no-such&court=tenth-circuit")
    assert names(response) == ["Formula v. Injection", "Circuit v. Case"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"court": "no-such-court"}, "Court: Select a valid choice."),
        ({"year_from": "abc"}, "From year: Enter a whole number."),
        ({"year_to": "99999999999"}, "To year: Ensure this value is less than or equal to 2100."),
        ({"year_from": "2020", "year_to": "1990"}, "To year: It is before the &#x27;from&#x27;"),
        ({"q": "x" * 10_000}, "Search: Ensure this value has at most 200 characters"),
        ({"q": "a\x00b"}, "Search: Null characters are not allowed."),
        ({"sort": "DROP TABLE"}, "Sort: Select a valid choice."),
    ],
    ids=lambda value: repr(value)[:30],
)
def test_the_page_says_which_filter_it_ignored_and_applies_the_rest(client, library, query, says):
    response = client.get("/cases/", {**query, "outcome": "denied"})
    assert response.status_code == 200
    assert "Some filters were ignored" in response.text
    assert says in response.text
    assert names(response)[0] in {"Taylor v. Riojas", "Hope v. Pelzer"}


def test_a_long_search_is_not_echoed_in_full(client, library):
    page = client.get("/cases/", {"q": "y" * 10_000}).text
    assert "y" * 201 not in page


@pytest.mark.parametrize("count", [10, 2000])
@pytest.mark.parametrize(
    "query",
    [{}, {"q": "party1", "sort": "name"}, {"court": "a-court", "year_from": "1900", "page": "1"}],
    ids=["plain", "search", "filtered"],
)
def test_index_queries_are_the_same_with_10_and_2000_cases(client, count_queries, count, query):
    make_published_cases(count)
    # The court and topic menus, the page's keys, its rows, their citations, and the count
    # when the page is full (one that is not is the last, and counts itself).
    with count_queries(5 if count < 25 else 6):
        response = client.get("/cases/", query)
    assert response.status_code == 200
    assert 0 < len(names(response)) <= 25


@pytest.mark.parametrize("count", [10, 2000])
def test_topic_filter_queries_are_fixed(client, count_queries, count):
    topic = TopicFactory()
    make_published_cases(count, topic=topic)
    with count_queries(5 if count < 25 else 6):
        response = client.get("/cases/", {"topic": topic.slug})
    assert len(names(response)) == min(count, 25)


def test_a_deep_page_costs_the_same_queries_and_keeps_the_order(client, count_queries):
    make_published_cases(2000)
    with count_queries(6):
        page = client.get("/cases/", {"page": "80", "sort": "name"})
    shown = names(page)
    assert len(shown) == 25
    everything = list(
        CourtCase.objects.published().order_by("name", "-year").values_list("name", flat=True)
    )
    assert shown == everything[79 * 25 : 80 * 25]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite engine's query plan")
def test_the_count_of_public_cases_is_read_from_an_index_alone(client):
    """Through the published_at index the count looked up every case's row for its status: 2 ms
    of an index page at 10,000 cases, against 0.5 ms from the index of both."""
    make_published_cases(300)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        client.get("/cases/")
    (count,) = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    with connection.cursor() as cursor:
        plan = cursor.execute(f"EXPLAIN QUERY PLAN {count}").fetchall()
    assert "USING COVERING INDEX case_public" in plan[0][-1], plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite engine's query plan")
@pytest.mark.parametrize(
    "filters",
    [
        {"court": "a-court"},
        {"outcome": "denied", "year_from": "1950"},
        {"court": "a-court", "outcome": "denied", "year_from": "1950", "year_to": "1990"},
        {"court": "a-court", "year_from": "1950", "sort": "name"},
    ],
)
def test_a_filtered_page_is_found_in_an_index_alone(client, filters):
    """The court and the outcome are in the indexes of the index's orders and counts: at 10,000
    cases a count by court and outcome read every row of the outcome (1.3 ms), now 0.1 ms."""
    make_published_cases(300)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        client.get("/cases/", filters)
    keys_and_count = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT COUNT(*)")
        or (q["sql"].startswith('SELECT "cases_courtcase"."id"') and "LIMIT 25" in q["sql"])
    ]
    assert len(keys_and_count) == 2
    for sql in keys_and_count:
        with connection.cursor() as cursor:
            plan = cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        assert "USING COVERING INDEX case_" in plan[0][-1], (sql, plan)
