"""/timeline/: every public case on a time axis, each relation drawn once with its label, and
the same as a list."""

import itertools
import re

import pytest

from cases import timeline
from cases.models import CaseRelation, CourtCase, RelationKind
from explainer.models import CaseTopic
from tests.factories import CaseRelationFactory, CourtCaseFactory, TopicFactory

pytestmark = pytest.mark.django_db


def drawing(page, direction):
    """The SVG drawn across (wide screens) or down (phones)."""
    return re.search(
        rf'<svg class="timeline__drawing timeline__drawing--{direction}".*?</svg>', page, re.S
    ).group(0)


def the_list(page):
    return re.search(r'<ol class="timeline-list__cases">.*?</ol>', page, re.S).group(0)


def linked_names(html):
    return re.findall(r'<a href="/cases/[^"]+/"[^>]*>\s*<title>([^<(]+) \(', html)


class TestShippedTimeline:
    def test_every_published_case_once_in_year_order_and_every_relation_once(
        self, client, shipped_content
    ):
        page = client.get("/timeline/").text
        cases = list(CourtCase.objects.published().order_by("year", "name"))
        names = [case.name for case in cases]
        relations = CaseRelation.objects.public()
        for direction in ("across", "down"):
            svg = drawing(page, direction)
            assert linked_names(svg) == names, direction
            # Each relation once, labelled with its kind.
            titles = re.findall(
                r'<g class="relation relation--([a-z-]+)">\s*<title>(.*?)</title>', svg
            )
            assert sorted(title for _, title in titles) == sorted(
                str(relation) for relation in relations
            )
        across = drawing(page, "across")
        labels = re.findall(r'<text class="relation__label"[^>]*>([^<]+)</text>', across)
        assert sorted(labels) == sorted(r.label for r in relations)
        # The decades are marked.
        assert re.findall(r'class="timeline__decade"[^>]*>(\d{4})</text>', across) == [
            str(year) for year in range(1960, 2031, 10)
        ]
        assert len(cases) == 30 and relations.count() == 25

    def test_the_list_holds_the_same_cases_and_relations(self, client, shipped_content):
        page = client.get("/timeline/").text
        listed = the_list(page)
        names = re.findall(r'<a href="/cases/[^"]+/"><cite>([^<]+)</cite></a>\. ', listed)
        assert names == list(
            CourtCase.objects.published().order_by("year", "name").values_list("name", flat=True)
        )
        assert listed.count("<li>Overrules in part:") == 1
        assert listed.count("<li>") - len(names) == 25  # one line per relation
        # A milestone, in words.
        assert "Started: The good-faith defense." in listed

    def test_each_case_is_marked_by_its_outcome_in_shape_and_words(self, client, shipped_content):
        page = client.get("/timeline/").text
        across = drawing(page, "across")
        hope = re.search(r"<title>Hope v. Pelzer \(2002\): ([^<]+)</title>", across).group(1)
        assert hope == "Immunity denied"
        assert "Immunity granted" in page and "Other outcome" in page  # the legend
        # A denial is a circle, a grant a square: not told by colour alone.
        assert timeline.mark_path("circle", 0, 0) != timeline.mark_path("square", 0, 0)

    def test_it_is_in_the_main_navigation(self, client, shipped_content):
        page = client.get("/timeline/").text
        assert '<a href="/timeline/" aria-current="page">Timeline</a>' in page
        assert '<a href="/timeline/">Timeline</a>' in client.get("/").text


class TestFilters:
    def test_by_kind_only_those_relations_and_their_cases(self, client, shipped_content):
        page = client.get("/timeline/", {"kind": RelationKind.OVERRULES_IN_PART}).text
        assert linked_names(drawing(page, "across")) == ["Saucier v. Katz", "Pearson v. Callahan"]
        assert "2 cases and 1 relation match the filters." in page

    def test_by_topic_only_its_cases_and_the_relations_among_them(self, client):
        topic = TopicFactory(slug="courts")
        earlier, later, other = (
            CourtCaseFactory(name=f"{name} v. Case", year=year)
            for name, year in (("Earlier", 1990), ("Later", 2000), ("Other", 1995))
        )
        CaseTopic.objects.create(case=earlier, topic=topic)
        CaseTopic.objects.create(case=later, topic=topic)
        CaseRelationFactory(from_case=later, to_case=earlier)
        CaseRelationFactory(from_case=other, to_case=earlier, kind=RelationKind.APPLIES)
        page = client.get("/timeline/", {"topic": "courts"}).text
        assert linked_names(drawing(page, "across")) == ["Earlier v. Case", "Later v. Case"]
        assert "2 cases and 1 relation match the filters." in page

    @pytest.mark.parametrize(
        "query",
        [
            {"kind": "friendly"},
            {"topic": "no-such-topic"},
            {"kind": "<script>x</script>", "topic": "\x00"},
            {"kind": "a" * 10_000},
        ],
    )
    def test_unknown_or_hostile_values_show_everything_and_say_so(
        self, client, shipped_content, query
    ):
        response = client.get("/timeline/", query)
        assert response.status_code == 200
        page = response.text
        assert "Some filters were ignored" in page
        assert "the timeline shows all" in page
        assert "30 cases and 25 relations." in page
        assert "<script>x</script>" not in page
        assert "no-cache" in response["Cache-Control"]  # one page for every wrong value


class TestWhatReadersMayNotSee:
    def test_drafts_and_relations_to_them_are_left_out(self, client):
        public = CourtCaseFactory(name="Public v. Case", year=2010)
        draft = CourtCaseFactory(name="Draft v. Case", slug="draft", year=2000, draft=True)
        CaseRelationFactory(from_case=public, to_case=draft)
        page = client.get("/timeline/").text
        assert "Draft v. Case" not in page and "/cases/draft/" not in page
        assert "1 case and 0 relations." in page

    def test_no_case_gives_a_page_that_says_so(self, client):
        response = client.get("/timeline/")
        assert response.status_code == 200
        assert "No case matches these filters." in response.text


class TestLayout:
    def test_names_do_not_overlap_in_a_row(self, shipped_content):
        cases, relations = timeline.content()
        drawn = timeline.across(cases, relations)
        rows = {}
        for mark in drawn.marks:
            width = timeline.text_width(mark.case.name, timeline.NAME_SIZE)
            start = mark.label_x - width if mark.anchor == "end" else mark.label_x
            rows.setdefault(mark.label_y, []).append((start, start + width))
        for spans in rows.values():
            spans.sort()
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))

    def test_the_courts_topic_links_to_the_timeline_with_a_picture(self, client, shipped_content):
        page = client.get("/topics/qualified-immunity-in-the-courts/").text
        teaser = re.search(r'<a class="timeline-teaser" href="/timeline/">.*?</a>', page, re.S)
        assert teaser and "<svg" in teaser.group(0)
        assert "How the doctrine grew" in teaser.group(0)
        assert (
            'class="timeline-teaser"' not in client.get("/topics/what-is-qualified-immunity/").text
        )
