"""
The case index's shared pieces (its menus, each case's row), kept per content version in each
process (qiportal.memo): a new filter combination costs little, and a change an editor makes
shows on the very next request, through the admin as through the models.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Citation, Court, CourtCase
from cases.views import render_rows
from explainer.models import Topic
from qiportal.publishing import PublishState
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    CourtFactory,
    TopicFactory,
    make_published_cases,
)
from tests.forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["page cache off", "page cache on"])
def page_cache(request, settings):
    settings.PAGE_CACHE_ENABLED = request.param


def change_in_the_admin(client, path, **changes):
    """Open an admin change form, change some of its fields and save it, as an editor does."""
    data = {**form_data(client.get(path).text), **changes}
    data.pop("_saveasnew", None)
    data.pop("_addanother", None)
    data.pop("_continue", None)
    response = client.post(path, data)
    assert response.status_code == 302, response.text
    return response


def menu(page, name):
    """The <option>s of a select on the page, as (value, label, selected)."""
    start = page.index(f'<select name="{name}"')
    html = page[start : page.index("</select>", start)]
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def row_of(page, name):
    start = page.index(f"<cite>{name}</cite>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


class TestANewFilterCombinationIsCheap:
    def test_the_menus_and_rows_are_read_once_per_content_version(self, client, count_queries):
        make_published_cases(10)
        client.get("/cases/", {"court": "a-court"})
        # The page's keys only: a page that is not full counts itself, and its menus and rows
        # were read for the first combination.
        with count_queries(1):
            page = client.get("/cases/", {"outcome": "denied", "sort": "name"}).text
        assert page.count('scope="row"') == 10

    def test_a_full_page_adds_its_count(self, client, count_queries):
        make_published_cases(30)
        client.get("/cases/")
        with count_queries(2):
            page = client.get("/cases/", {"court": "a-court", "year_from": "1900"}).text
        assert "30 cases match" in page

    def test_a_row_not_shown_before_is_read_with_its_citation(self, client, count_queries):
        make_published_cases(30)
        client.get("/cases/")  # the newest 25
        with count_queries(4):  # keys, count, the missing rows, their citations
            page = client.get("/cases/", {"sort": "oldest"}).text
        assert page.count('scope="row"') == 25


class TestTheMenusFollowTheContent:
    def test_a_court_renamed_in_the_admin_shows_at_once(
        self, client, admin_user_client, page_cache
    ):
        court = CourtFactory(name="Old Name Court", short_name="O.N.", slug="old-name")
        CourtCaseFactory(court=court, name="Smith v. Jones")
        assert ("old-name", "Old Name Court", False) in menu(client.get("/cases/").text, "court")
        change_in_the_admin(
            admin_user_client,
            f"/admin/cases/court/{court.pk}/change/",
            name="New Name Court",
            short_name="N.N.",
            slug="new-name",
        )
        page = client.get("/cases/", {"court": "new-name"}).text
        assert ("new-name", "New Name Court", True) in menu(page, "court")
        assert "Old Name Court" not in page
        assert '<abbr title="New Name Court">N.N.</abbr>' in row_of(page, "Smith v. Jones")
        assert "Some filters were ignored" not in page

    def test_a_new_court_is_offered_at_once(self, client, committed, page_cache):
        client.get("/cases/")
        committed(lambda: Court.objects.create(name="Brand New Court", short_name="B", slug="b"))
        assert ("b", "Brand New Court", False) in menu(client.get("/cases/").text, "court")

    def test_a_topic_published_or_unpublished_in_the_admin_shows_at_once(
        self, client, admin_user_client, page_cache
    ):
        topic = TopicFactory(title="Waiting topic", draft=True)
        assert "Waiting topic" not in client.get("/cases/").text
        admin_user_client.post(
            "/admin/explainer/topic/",
            {"action": "publish_now", "_selected_action": [topic.pk]},
        )
        page = client.get("/cases/", {"topic": topic.slug}).text
        assert (topic.slug, "Waiting topic", True) in menu(page, "topic")
        admin_user_client.post(
            "/admin/explainer/topic/",
            {"action": "unpublish", "_selected_action": [topic.pk]},
        )
        page = client.get("/cases/", {"topic": topic.slug}).text
        assert "Waiting topic" not in page
        assert "Some filters were ignored" in page

    def test_a_scheduled_topic_is_offered_from_its_time(self, client, page_cache):
        noon = timezone.now() + timedelta(hours=3)
        TopicFactory(title="Due at noon", published_at=noon, status=PublishState.PUBLISHED)
        assert "Due at noon" not in client.get("/cases/").text
        with time_machine.travel(noon + timedelta(seconds=1)):
            assert "Due at noon" in client.get("/cases/").text

    def test_a_topic_renamed_through_the_model_shows_at_once(self, client, committed, page_cache):
        topic = TopicFactory(title="First title")
        client.get("/cases/", {"topic": topic.slug})

        def rename():
            topic.title = "Second title"
            topic.save()

        committed(rename)
        page = client.get("/cases/", {"topic": topic.slug}).text
        assert (topic.slug, "Second title", True) in menu(page, "topic")

    def test_a_topic_given_a_new_slug_filters_by_it_at_once(self, client, committed, page_cache):
        topic = TopicFactory(title="Moving topic", slug="old-slug")
        CourtCaseFactory(name="On v. Topic").topics.add(topic)
        CourtCaseFactory(name="Off v. Topic")
        assert "Off v. Topic" not in client.get("/cases/", {"topic": "old-slug"}).text

        def move():
            topic.slug = "new-slug"
            topic.save()

        committed(move)
        page = client.get("/cases/", {"topic": "new-slug"}).text
        assert "On v. Topic" in page and "Off v. Topic" not in page
        assert "Some filters were ignored" in client.get("/cases/", {"topic": "old-slug"}).text


class TestTheRowsFollowTheContent:
    def test_a_case_edited_in_the_admin_shows_at_once(self, client, admin_user_client, page_cache):
        case = CitationFactory(volume=555, reporter="U.S.", page=223).case
        before = row_of(client.get("/cases/").text, case.name)
        assert "555 U.S. 223" in before and "Immunity granted" in before
        change_in_the_admin(
            admin_user_client,
            f"/admin/cases/courtcase/{case.pk}/change/",
            name="Renamed v. Case",
            holding="A new holding.",
            outcome="denied",
            year="1999",
            **{"citations-0-citation": "556 U.S. 662"},
        )
        row = row_of(client.get("/cases/").text, "Renamed v. Case")
        assert "A new holding." in row and "Immunity denied" in row
        assert '<td data-label="Year">1999</td>' in row
        assert '<td data-label="Citation">556 U.S. 662</td>' in row

    def test_a_citation_changed_through_the_model_shows_at_once(
        self, client, committed, page_cache
    ):
        citation = CitationFactory(volume=555, reporter="U.S.", page=223, position=0)
        client.get("/cases/")
        committed(lambda: Citation.objects.filter(pk=citation.pk).update(page=224))
        assert "555 U.S. 224" in row_of(client.get("/cases/").text, citation.case.name)

    def test_a_new_primary_citation_comes_first(self, client, committed, page_cache):
        citation = CitationFactory(volume=555, reporter="U.S.", page=223, position=1)
        client.get("/cases/")
        committed(
            lambda: CitationFactory(case=citation.case, volume=1, reporter="F.4th", position=0)
        )
        assert "F.4th" in row_of(client.get("/cases/").text, citation.case.name)

    def test_a_court_renamed_through_the_model_shows_in_its_cases_rows(
        self, client, committed, page_cache
    ):
        case = CourtCaseFactory(court=CourtFactory(short_name="Old"))
        client.get("/cases/")
        committed(lambda: Court.objects.filter(pk=case.court_id).update(short_name="New"))
        assert ">New</abbr>" in row_of(client.get("/cases/").text, case.name)

    def test_a_case_unpublished_leaves_and_one_published_comes(
        self, client, admin_user_client, page_cache
    ):
        shown, hidden = (
            CourtCaseFactory(name="Shown v. Case"),
            CourtCaseFactory(name="Hidden v. Case", status=PublishState.DRAFT),
        )
        page = client.get("/cases/").text
        assert "Shown v. Case" in page and "Hidden v. Case" not in page
        for action, case in (("unpublish", shown), ("publish_now", hidden)):
            admin_user_client.post(
                "/admin/cases/courtcase/", {"action": action, "_selected_action": [case.pk]}
            )
        page = client.get("/cases/").text
        assert "Shown v. Case" not in page and "Hidden v. Case" in page

    def test_a_case_deleted_leaves(self, client, committed, page_cache):
        case = CourtCaseFactory(name="Doomed v. Case")
        assert "Doomed v. Case" in client.get("/cases/").text
        committed(CourtCase.objects.get(pk=case.pk).delete)
        assert "Doomed v. Case" not in client.get("/cases/").text

    def test_a_scheduled_case_appears_at_its_time(self, client, page_cache):
        noon = timezone.now() + timedelta(hours=3)
        CourtCaseFactory(name="Due v. Noon", published_at=noon, status=PublishState.PUBLISHED)
        assert "Due v. Noon" not in client.get("/cases/").text
        with time_machine.travel(noon + timedelta(seconds=1)):
            assert "Due v. Noon" in client.get("/cases/").text


class TestNoDraftInASharedPiece:
    def test_a_draft_row_is_never_rendered(self):
        draft = CourtCaseFactory(name="Secret v. Draft", status=PublishState.DRAFT)
        scheduled = CourtCaseFactory(
            name="Later v. Case", published_at=timezone.now() + timedelta(days=1)
        )
        assert render_rows([draft.pk, scheduled.pk]) == {}

    def test_staff_see_no_draft_in_the_index_and_readers_get_none_after_them(
        self, client, staff_client, page_cache
    ):
        CourtCaseFactory(name="Public v. Case")
        draft = CourtCaseFactory(name="Secret v. Draft", status=PublishState.DRAFT)
        draft_topic = TopicFactory(title="Secret topic", draft=True)
        staff_page = staff_client.get("/cases/").text
        assert "Public v. Case" in staff_page
        assert "Secret v. Draft" not in staff_page and "Secret topic" not in staff_page
        # The draft's own page is still the staff's preview.
        assert "Secret v. Draft" in staff_client.get(draft.get_absolute_url()).text
        reader_page = client.get("/cases/").text
        assert "Secret v. Draft" not in reader_page and "Secret topic" not in reader_page
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get("/cases/", {"topic": draft_topic.slug}).status_code == 200

    def test_the_staff_topic_menu_offers_public_topics_only(self, staff_client):
        TopicFactory(title="Public topic")
        TopicFactory(title="Draft topic", draft=True)
        titles = [label for _, label, _ in menu(staff_client.get("/cases/").text, "topic")]
        assert titles == ["All topics", *Topic.objects.published().values_list("title", flat=True)]
