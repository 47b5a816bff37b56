"""
The case index's shared pieces (its menus), kept per content version in each process
(qiportal.memo): a change an editor makes shows on the very next request, through the admin as
through the models.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Court
from explainer.models import Topic
from qiportal.publishing import PublishState
from tests.factories import (
    CourtCaseFactory,
    CourtFactory,
    TopicFactory,
)
from tests.forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["page cache off", "page cache on"])
def page_cache(request, settings):
    settings.PAGE_CACHE_ENABLED = request.param


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and its after-commit work, as a real request's commit would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


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


class TestNoDraftInASharedPiece:
    def test_the_staff_topic_menu_offers_public_topics_only(self, staff_client):
        TopicFactory(title="Public topic")
        TopicFactory(title="Draft topic", draft=True)
        titles = [label for _, label, _ in menu(staff_client.get("/cases/").text, "topic")]
        assert titles == ["All topics", *Topic.objects.published().values_list("title", flat=True)]
