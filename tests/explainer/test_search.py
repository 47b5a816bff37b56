"""Site search, on whichever engine this run uses (SQLite FTS5 here, PostgreSQL in CI too)."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from explainer.models import Topic
from qiportal.models import SearchEntry
from qiportal.publishing import PublishState
from tests.factories import CitationFactory, CourtCaseFactory, FAQItemFactory, TopicFactory

pytestmark = pytest.mark.django_db


def results(client, query):
    """(kind label, title) of each result, in order."""
    page = client.get("/search/", {"q": query}).text
    found = re.findall(
        r'<p class="result__kind">(.*?)</p>\s*<h2 class="result__title"><a href="[^"]*">'
        r"(?:<cite>)?(.*?)(?:</cite>)?</a>",
        page,
    )
    return found


def titles(client, query):
    return [title for _, title in results(client, query)]


def test_it_runs_on_a_real_full_text_engine():
    engine = {"sqlite": "fts5", "postgresql": "tsvector"}[connection.vendor]
    TopicFactory(title="Engine check")
    if engine == "fts5":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM explainer_searchentry_fts")
            assert cursor.fetchone()[0] == 1
    else:
        assert SearchEntry.objects.get().vector is not None


class TestRanking:
    def test_a_title_match_ranks_above_a_body_match(self, client):
        TopicFactory(title="Liability in general", body="Nothing else here about it. " * 3)
        TopicFactory(title="Something else", body="Here the word indemnification appears once.")
        TopicFactory(title="Indemnification explained", body="Who pays, and when.")
        assert titles(client, "indemnification") == [
            "Indemnification explained",
            "Something else",
        ]

    def test_matches_that_rank_the_same_come_in_one_order_whatever_the_storage(self, client):
        """A topic and its answer may share title and words: the answer's address comes first
        (/faq/ before /topics/), however the rows happen to be stored (after an import, say)."""
        topic = TopicFactory(title="Same words", summary="", body="Officers act in good faith.")
        FAQItemFactory(topic=topic, question="Same words", answer="Officers act in good faith.")
        assert results(client, "officers") == [
            ("Question and answer", "Same words"),
            ("Explainer", "Same words"),
        ]

    def test_a_case_name_ranks_above_a_mention_in_a_summary(self, client):
        CourtCaseFactory(name="Other v. Party", summary="It followed Kisela closely.")
        CourtCaseFactory(name="Kisela v. Hughes", summary="An officer shot a woman.")
        assert titles(client, "kisela") == ["Kisela v. Hughes", "Other v. Party"]

    def test_every_kind_is_found_and_labelled(self, client):
        TopicFactory(title="Topic about warrants")
        FAQItemFactory(question="Do warrants matter?")
        CourtCaseFactory(name="Warrants v. State")
        found = {title: kind for kind, title in results(client, "warrants")}
        assert found == {
            "Topic about warrants": "Explainer",
            "Do warrants matter?": "Question and answer",
            "Warrants v. State": "Case",
        }
        page = client.get("/search/", {"q": "warrants"}).text
        assert "3 results for “warrants”: 1 explainer, 1 question and answer, 1 case." in page


class TestWordForms:
    @pytest.mark.parametrize(
        ("typed", "written"),
        [
            ("immunities", "immunity"),
            ("immunity", "immunities"),
            ("officer", "officers"),
            ("officers", "officer"),
            ("protected", "protects"),
        ],
    )
    def test_word_forms_match(self, client, typed, written):
        TopicFactory(title="A topic", body=f"This sentence is about {written} only.")
        assert titles(client, typed) == ["A topic"]

    def test_all_words_must_match(self, client):
        TopicFactory(title="Both", body="Officers and warrants.")
        TopicFactory(title="One", body="Officers only.")
        assert titles(client, "officers warrants") == ["Both"]


class TestCitations:
    def test_a_citation_finds_its_case_first(self, client):
        case = CourtCaseFactory(name="Pearson v. Callahan")
        CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
        TopicFactory(title="Cites it twice", body="555 U.S. 223, and again 555 U.S. 223.")
        found = titles(client, "555 U.S. 223")
        assert found[0] == "Pearson v. Callahan"
        assert "Cites it twice" in found

    def test_a_citation_in_another_spelling_finds_its_case(self, client):
        case = CourtCaseFactory(name="Ziglar v. Abbasi")
        CitationFactory(case=case, volume=137, reporter="S. Ct.", page=1843)
        assert titles(client, "137 S.Ct. 1843")[0] == "Ziglar v. Abbasi"

    def test_the_case_shows_its_citations(self, client):
        case = CourtCaseFactory(name="Pearson v. Callahan")
        CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
        page = client.get("/search/", {"q": "Callahan"}).text
        assert '<p class="result__citations">555 U.S. 223</p>' in page


class TestSnippets:
    def test_matched_words_are_highlighted(self, client):
        TopicFactory(title="A topic", body="Officers must act in good faith, always.")
        page = client.get("/search/", {"q": "faith"}).text
        assert "<mark>faith</mark>" in page

    def test_text_is_escaped_before_highlighting(self, client):
        TopicFactory(title="Symbols", body='Officers know that 5 < 6 & "quotes" matter.')
        page = client.get("/search/", {"q": "officers matter"}).text
        snippet = re.search(r'<p class="result__snippet">(.*?)</p>', page, re.S)[1]
        assert "5 &lt; 6 &amp; &quot;quotes&quot; <mark>matter</mark>" in snippet

    def test_markup_written_as_text_never_becomes_markup(self, client):
        TopicFactory(title="Code", body="Writing `<script>alert(1)</script>` about officers.")
        page = client.get("/search/", {"q": "officers"}).text
        assert "<script>alert(1)</script>" not in page


HOSTILE = [
    "<script>alert(1)</script>",
    '"',
    '""',
    "'",
    '" OR 1=1 --',
    "*",
    "immun*",
    "NEAR",
    "officer NEAR/2 faith",
    "NEAR(officer faith)",
    "OR",
    "AND",
    "NOT",
    "officer OR faith",
    "-officer",
    "^officer",
    "title:officer",
    "(officer",
    "officer)",
    "{officer}",
    "&|!:*",
    "\\",
    "%_",
    "\x00officer",
    "\ue000officer\ue001",
    "\uff41\uff42\uff43",  # full-width letters
    "x" * 10_000,
    "officer " * 5_000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: repr(q)[:30])
def test_hostile_queries_are_answered_safely(client, query):
    TopicFactory(title="Officers in good faith", body="An officer acting in good faith.")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = response.text
    assert "<script>alert" not in page
    assert "\ue000" not in page and "\ue001" not in page
    for mark in re.findall(r"<mark>(.*?)</mark>", page):
        assert "<" not in mark


def test_a_long_query_is_cut_and_the_page_says_so(client):
    page = client.get("/search/", {"q": "officer " * 100}).text
    assert "Only the first 200 characters were searched." in page


class TestTheIndexFollowsTheContent:
    def test_drafts_are_not_found_until_published(self, client):
        topic = TopicFactory(title="Quietly drafted", draft=True)
        assert titles(client, "drafted") == []
        Topic.objects.filter(pk=topic.pk).publish_now()
        assert titles(client, "drafted") == ["Quietly drafted"]
        Topic.objects.filter(pk=topic.pk).unpublish()
        assert titles(client, "drafted") == []

    def test_an_edit_is_found_at_once(self, client):
        topic = TopicFactory(title="Before", body="old words")
        topic.body = "completely rewritten paragraph"
        topic.save()
        assert titles(client, "rewritten") == ["Before"]
        assert titles(client, "old") == []

    def test_deleting_removes_it(self, client):
        case = CourtCaseFactory(name="Gone v. Away")
        case.delete()
        assert titles(client, "gone") == []
        other = CourtCaseFactory(name="Also v. Gone")
        type(other).objects.filter(pk=other.pk).delete()
        assert titles(client, "also") == []

    def test_an_answer_follows_its_topic(self, client):
        item = FAQItemFactory(question="Hidden with its topic?")
        Topic.objects.filter(pk=item.topic_id).unpublish()
        assert titles(client, "hidden") == []
        Topic.objects.filter(pk=item.topic_id).publish_now()
        assert titles(client, "hidden") == ["Hidden with its topic?"]

    def test_a_scheduled_item_is_found_from_its_time(self, client):
        noon = timezone.now() + timedelta(days=2)
        TopicFactory(title="Comes later", published_at=noon, status=PublishState.PUBLISHED)
        assert titles(client, "later") == []
        with time_machine.travel(noon + timedelta(minutes=1)):
            assert titles(client, "later") == ["Comes later"]

    def test_new_citations_make_a_case_findable_by_them(self, client):
        case = CourtCaseFactory(name="Newly v. Cited")
        assert titles(client, "999 U.S. 1") == []
        CitationFactory(case=case, volume=999, reporter="U.S.", page=1)
        assert titles(client, "999 U.S. 1") == ["Newly v. Cited"]


class TestThePage:
    def test_an_empty_search_shows_help_not_an_error(self, client):
        for query in ({}, {"q": ""}, {"q": "   "}):
            response = client.get("/search/", query)
            assert response.status_code == 200
            assert "Type a few words and press Search." in response.text

    def test_no_results_suggests_the_faq_and_the_case_index(self, client):
        page = client.get("/search/", {"q": "zebra"}).text
        assert "No results for “zebra”." in page
        assert 'href="/faq/"' in page
        assert 'href="/cases/"' in page

    def test_every_page_has_the_search_box(self, client, shipped_content):
        for url in ("/", "/faq/", "/cases/", "/glossary/", "/cases/pearson-v-callahan/"):
            page = client.get(url).text
            form = '<form class="site-search" method="get" action="/search/" role="search"'
            assert form in page

    def test_search_pages_are_not_indexed_by_search_engines(self, client):
        assert '<meta name="robots" content="noindex">' in client.get("/search/?q=x").text

    def test_the_shipped_content_answers_common_questions(self, client, shipped_content):
        assert titles(client, "criminal charges")[0] == (
            "Does qualified immunity apply in criminal cases?"
        )
        assert titles(client, "555 U.S. 223")[0] == "Pearson v. Callahan"


def test_the_index_can_be_rebuilt_from_the_content(client, shipped_content):
    SearchEntry.objects.all().delete()
    assert titles(client, "Pearson") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 47 items for search." in out.getvalue()
    assert titles(client, "Pearson")[0] == "Pearson v. Callahan"


class TestPages:
    def test_results_come_twenty_to_a_page_with_the_query_kept(self, client):
        for n in range(25):
            TopicFactory(title=f"Warrant topic {n}", slug=f"warrant-{n}")
        first = client.get("/search/", {"q": "warrant"}).text
        assert "25 results for “warrant”: 25 explainer. Page 1 of 2." in first
        assert len(titles(client, "warrant")) == 20
        assert 'href="?q=warrant&amp;page=2" rel="next"' in first
        second = client.get("/search/", {"q": "warrant", "page": "2"}).text
        assert second.count('class="result"') == 5
        assert '<ol class="results" start="21">' in second

    def test_a_cited_case_leads_the_first_page_only(self, client):
        case = CourtCaseFactory(name="Pearson v. Callahan")
        CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
        for n in range(25):
            TopicFactory(title=f"Cites it {n}", body="See 555 U.S. 223.")
        first = titles(client, "555 U.S. 223")
        second = [t for _, t in results_page(client, "555 U.S. 223", 2)]
        assert first[0] == "Pearson v. Callahan"
        assert "Pearson v. Callahan" not in second
        assert len(first) + len(second) == 26
        assert len(set(first) | set(second)) == 26

    @pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999"])
    def test_any_page_number_gives_a_page(self, client, page):
        TopicFactory(title="Warrant topic")
        response = client.get("/search/", {"q": "warrant", "page": page})
        assert response.status_code == 200
        assert "Warrant topic" in response.text


def results_page(client, query, page):
    text = client.get("/search/", {"q": query, "page": page}).text
    return re.findall(
        r'<p class="result__kind">(.*?)</p>\s*<h2 class="result__title"><a href="[^"]*">'
        r"(?:<cite>)?(.*?)(?:</cite>)?</a>",
        text,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite engine's query plan")
def test_the_full_text_match_stays_the_outer_loop_with_stale_statistics(client):
    """Statistics taken while the index was small (ANALYZE after loading content, then many
    more entries) once led SQLite to walk every entry and probe the match for each: 760 ms a
    search at 10,000 cases. The match must drive both search queries."""
    TopicFactory.create_batch(20, body="officers and warrants")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    now = timezone.now()
    SearchEntry.objects.bulk_create(
        SearchEntry(kind="case", object_id=n, url=f"/cases/c{n}/", title=f"Case {n}",
                    body="officers and warrants" if n % 3 else "other words",
                    status="published", published_at=now)
        for n in range(3000)
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": "officers warrants"})
    searches = [q["sql"] for q in queries if "explainer_searchentry_fts MATCH" in q["sql"]]
    assert len(searches) == 2
    with connection.cursor() as cursor:
        for sql in searches:
            plan = cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            assert plan[0][-1].startswith("SCAN f VIRTUAL TABLE"), plan


class TestOneKind:
    """A reader narrows the results to one kind (only cases, say) from the links under the
    count."""

    @pytest.fixture
    def mixed(self):
        TopicFactory(title="Topic about warrants")
        FAQItemFactory(question="Do warrants matter?")
        CourtCaseFactory(name="Warrants v. State")
        CitationFactory(case=CourtCaseFactory(name="Cited v. Case"), volume=555, page=223)

    def test_the_links_to_each_kind_show_only_that_kind(self, client, mixed):
        page = client.get("/search/", {"q": "warrants"}).text
        assert '<a href="?q=warrants&amp;kind=case">Cases</a>' in page
        assert '<a aria-current="page">All</a>' in page
        only_cases = client.get("/search/", {"q": "warrants", "kind": "case"})
        assert results(client, "warrants") != []
        found = re.findall(r'<p class="result__kind">(.*?)</p>', only_cases.text)
        assert found == ["Case"]
        assert "Showing cases only." in only_cases.text
        assert '<a aria-current="page">Cases</a>' in only_cases.text
        assert '<a href="?q=warrants">All</a>' in only_cases.text

    def test_pages_of_one_kind_keep_the_kind(self, client):
        for number in range(25):
            CourtCaseFactory(name=f"Warrant v. State No. {number}")
        TopicFactory(title="Warrant topic")
        page = client.get("/search/", {"q": "warrant", "kind": "case"}).text
        assert "Page 1 of 2." in page
        assert 'href="?q=warrant&amp;kind=case&amp;page=2"' in page
        second = client.get("/search/", {"q": "warrant", "kind": "case", "page": "2"}).text
        assert re.findall(r'<p class="result__kind">(.*?)</p>', second) == ["Case"] * 5

    def test_a_citation_named_exactly_shows_under_its_kind_only(self, client, mixed):
        assert titles(client, "555 U.S. 223")[0] == "Cited v. Case"
        page = client.get("/search/", {"q": "555 U.S. 223", "kind": "topic"}).text
        assert "Cited v. Case" not in page

    def test_a_kind_that_does_not_exist_shows_every_kind(self, client, mixed):
        response = client.get("/search/", {"q": "warrants", "kind": "<script>"})
        assert response.status_code == 200
        assert len(re.findall(r'<p class="result__kind">', response.text)) == 3
        assert "<script>" not in response.text
