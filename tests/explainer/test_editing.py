"""Editors never lose work: scheduling, publishing, history, restore, order, review, conflicts."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from cases.models import Citation, CourtCase
from explainer.models import CaseTopic, FAQItem, Topic
from qiportal.publishing import PublishState
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    FAQItemFactory,
    StaffUserFactory,
    TopicFactory,
)
from tests.forms import form_data

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestScheduledPublishing:
    def test_a_scheduled_topic_becomes_public_at_its_time_with_nobody_acting(self, client):
        with time_machine.travel(NOON - timedelta(days=1), tick=False):
            topic = TopicFactory(
                title="Arrives at noon", published_at=NOON, status=PublishState.PUBLISHED
            )
            assert client.get(topic.get_absolute_url()).status_code == 404
            assert "Arrives at noon" not in client.get("/").text
        with time_machine.travel(NOON - timedelta(seconds=1), tick=False):
            assert client.get(topic.get_absolute_url()).status_code == 404
        with time_machine.travel(NOON, tick=False):
            assert client.get(topic.get_absolute_url()).status_code == 200
            assert "Arrives at noon" in client.get("/").text

    def test_citations_of_a_scheduled_case_become_links_when_it_goes_public(self, client):
        with time_machine.travel(NOON - timedelta(days=1), tick=False):
            case = CourtCaseFactory(slug="arriving", published_at=NOON)
            CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
            topic = TopicFactory(body="See 555 U.S. 223.")
            assert 'href="/cases/arriving/"' not in client.get(topic.get_absolute_url()).text
        with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
            page = client.get(topic.get_absolute_url()).text
            assert '<a href="/cases/arriving/" class="citation">555 U.S. 223</a>' in page

    def test_the_admin_list_shows_and_filters_each_state(self, client):
        with time_machine.travel(NOON, tick=False):
            admin_user_client = client
            client.force_login(StaffUserFactory(is_superuser=True))
            TopicFactory(title="Live one")
            TopicFactory(title="Later one", published_at=NOON + timedelta(days=2))
            TopicFactory(title="Draft one", draft=True)
            page = admin_user_client.get("/admin/explainer/topic/").text
            assert '<span class="state state--published">Published</span>' in page
            assert "Scheduled: 3 Mar 2030, 05:00 MST" in page  # noon UTC, the zone named
            assert '<span class="state state--draft">Draft</span>' in page
            for state, title in [
                ("scheduled", "Later one"),
                ("draft", "Draft one"),
                ("published", "Live one"),
            ]:
                listed = admin_user_client.get("/admin/explainer/topic/", {"state": state}).text
                assert title in listed
                assert listed.count('class="state state--') == 1


def post_action(client, url, action, objects):
    return client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


class TestPublishActions:
    def test_publish_now_makes_the_selected_public_in_one_update(self, admin_user_client, client):
        topics = TopicFactory.create_batch(3, draft=True)
        with CaptureQueriesContext(connection) as queries:
            response = post_action(
                admin_user_client, "/admin/explainer/topic/", "publish_now", topics[:2]
            )
        updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "explainer_topic"')]
        assert len(updates) == 1
        assert "Published 2 topics." in response.text
        for topic in topics[:2]:
            assert client.get(topic.get_absolute_url()).status_code == 200
        assert client.get(topics[2].get_absolute_url()).status_code == 404

    def test_publish_now_brings_a_scheduled_item_forward(self, admin_user_client, client):
        topic = TopicFactory(scheduled=True)
        post_action(admin_user_client, "/admin/explainer/topic/", "publish_now", [topic])
        assert client.get(topic.get_absolute_url()).status_code == 200

    def test_unpublish_takes_the_selected_back_to_draft_in_one_update(
        self, admin_user_client, client
    ):
        items = FAQItemFactory.create_batch(2, question="Will this stay?")
        with CaptureQueriesContext(connection) as queries:
            post_action(admin_user_client, "/admin/explainer/faqitem/", "unpublish", items)
        updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "explainer_faqitem"')]
        assert len(updates) == 1
        assert FAQItem.objects.drafts().count() == 2
        assert "Will this stay?" not in client.get("/faq/").text

    def test_actions_are_kept_in_the_history_with_who_did_them(self, admin_user_client):
        topic = TopicFactory(draft=True)
        post_action(admin_user_client, "/admin/explainer/topic/", "publish_now", [topic])
        version = Version.objects.get_for_object(topic).first()
        assert version.revision.user.username.startswith("editor")
        assert version.revision.comment == "Published from the list."
        assert version.field_dict["status"] == PublishState.PUBLISHED

    def test_unpublishing_a_case_takes_away_the_links_to_it(self, admin_user_client):
        case = CourtCaseFactory(slug="pearson")
        CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
        topic = TopicFactory(body="555 U.S. 223")
        assert 'href="/cases/pearson/"' in Topic.objects.get(pk=topic.pk).body_html
        post_action(admin_user_client, "/admin/cases/courtcase/", "unpublish", [case])
        assert 'href="/cases/pearson/"' not in Topic.objects.get(pk=topic.pk).body_html
        post_action(admin_user_client, "/admin/cases/courtcase/", "publish_now", [case])
        assert 'href="/cases/pearson/"' in Topic.objects.get(pk=topic.pk).body_html


def edit(client, url, **changes):
    """Open an admin form, change some fields, save it: what an editor does."""
    data = form_data(client.get(url).text, form_id=None)
    data.update(changes)
    return client.post(url, data)


class TestPublicationDates:
    """An item is dated when it goes public, not when its draft was begun. ("Today" is noon
    tomorrow: after the editor's session was opened, and never in an hour that the clocks
    repeat or skip, which these tests do not mean to meet.)"""

    TODAY = (
        (timezone.localtime() + timedelta(days=1))
        .replace(hour=12, minute=0, second=0, microsecond=0)
        .astimezone(UTC)
    )
    MONTH_AGO = TODAY - timedelta(days=30)

    def feed_entry(self, client, name):
        feed = client.get("/feeds/cases/").text
        return feed.split(f"<title>{name}")[1].split("</entry>")[0]

    def test_a_draft_published_from_the_list_is_dated_today(self, admin_user_client, client):
        with time_machine.travel(self.MONTH_AGO, tick=False):
            old = CourtCaseFactory(name="Older v. Case", published_at=self.MONTH_AGO)
            case = CourtCaseFactory(name="Drafted v. Long Ago", draft=True)
        with time_machine.travel(self.TODAY, tick=False):
            post_action(admin_user_client, "/admin/cases/courtcase/", "publish_now", [case, old])
            case.refresh_from_db()
            assert case.published_at == self.TODAY
            published = self.TODAY.isoformat()
            assert f"<published>{published}</published>" in self.feed_entry(
                client, "Drafted v. Long Ago"
            )
            feed = client.get("/feeds/cases/").text
            assert feed.index("Drafted v. Long Ago") < feed.index("Older v. Case")
        old.refresh_from_db()
        assert old.published_at == self.MONTH_AGO  # public already: its date stays

    def test_a_draft_published_in_its_form_is_dated_today(self, admin_user_client):
        with time_machine.travel(self.MONTH_AGO, tick=False):
            topic = TopicFactory(draft=True, published_at=self.MONTH_AGO)
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        with time_machine.travel(self.TODAY, tick=False):
            assert edit(admin_user_client, url, status=PublishState.PUBLISHED).status_code == 302
        topic.refresh_from_db()
        assert topic.published_at == self.TODAY

    def test_a_new_item_is_dated_when_it_is_saved_not_when_its_form_was_opened(
        self, admin_user_client
    ):
        with time_machine.travel(self.TODAY - timedelta(hours=2), tick=False):
            form = form_data(admin_user_client.get("/admin/explainer/topic/add/").text)
        form.update(title="Written slowly", slug="written-slowly", summary="S.", body="B.")
        form.update(status=PublishState.PUBLISHED)
        with time_machine.travel(self.TODAY, tick=False):
            assert admin_user_client.post("/admin/explainer/topic/add/", form).status_code == 302
        assert Topic.objects.get(slug="written-slowly").published_at == self.TODAY

    def test_a_time_to_come_set_on_purpose_is_kept(self, admin_user_client):
        with time_machine.travel(self.MONTH_AGO, tick=False):
            topic = TopicFactory(draft=True)
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        later = self.TODAY + timedelta(days=7)
        local = timezone.localtime(later)
        with time_machine.travel(self.TODAY, tick=False):
            response = edit(
                admin_user_client,
                url,
                status=PublishState.PUBLISHED,
                published_at_0=f"{local:%Y-%m-%d}",
                published_at_1=f"{local:%H:%M:%S}",
            )
        assert response.status_code == 302
        topic.refresh_from_db()
        assert topic.published_at == later


class TestClocksGoingBack:
    """On 1 November 2026 Denver's clocks go back from 2:00 to 1:00: 1:30 happens twice."""

    FIRST_ONE_THIRTY = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 1:30 daylight time
    SECOND_ONE_THIRTY = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 1:30 standard time

    @pytest.mark.parametrize("moment", [FIRST_ONE_THIRTY, SECOND_ONE_THIRTY])
    def test_an_item_dated_in_the_repeated_hour_saves_unchanged(self, admin_user_client, moment):
        topic = TopicFactory(draft=True, published_at=moment)
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        assert edit(admin_user_client, url, title="Retitled").status_code == 302
        topic.refresh_from_db()
        assert (topic.title, topic.published_at) == ("Retitled", moment)

    @pytest.mark.parametrize(
        ("day", "hour", "words"),
        [
            ("2026-11-01", "01:30:00", "1 November 2026, 01:30 happens twice in America/Denver"),
            ("2026-03-08", "02:30:00", "8 March 2026, 02:30 never happens in America/Denver"),
        ],
    )
    def test_a_new_time_the_clocks_repeat_or_skip_is_refused_in_words(
        self, admin_user_client, day, hour, words
    ):
        topic = TopicFactory(draft=True)
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        response = edit(admin_user_client, url, published_at_0=day, published_at_1=hour)
        assert response.status_code == 200
        assert words in response.text
        assert "Choose a time outside that hour." in response.text


class TestHistory:
    def test_every_change_is_a_version_with_who_and_when(self, admin_user_client):
        topic = TopicFactory(body="First words.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        edit(admin_user_client, url, body="Second words.")
        edit(admin_user_client, url, body="Third words.")
        versions = Version.objects.get_for_object(topic)
        assert [v.field_dict["body"] for v in versions] == ["Third words.", "Second words."]
        history = admin_user_client.get(f"/admin/explainer/topic/{topic.pk}/history/").text
        assert versions[0].revision.user.username in history
        assert "Changed Body." in history

    def test_a_version_can_be_compared_with_the_current_one(self, admin_user_client):
        topic = TopicFactory(body="The court said one thing.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        edit(admin_user_client, url, body="The court said one thing.")
        edit(admin_user_client, url, body="The court said another thing.")
        current, older = Version.objects.get_for_object(topic)[:2]
        page = admin_user_client.get(
            f"/admin/explainer/topic/{topic.pk}/history/compare/",
            {"version_id1": older.pk, "version_id2": current.pk},
        ).text
        assert "The court said <del>one</del> thing." in page  # before, the word removed
        assert "The court said <ins>another</ins> thing." in page  # after, the word added
        assert f'href="/admin/explainer/topic/{topic.pk}/history/{older.pk}/"' in page

    def test_compare_shows_only_what_an_editor_changed(self, admin_user_client):
        topic = TopicFactory(title="Steady title", body="Line one.\nLine two.")
        FAQItemFactory(topic=topic, question="An answer of its own?")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        edit(admin_user_client, url)
        edit(admin_user_client, url, title="New title", body="Line one.\r\nLine two.")
        newer, older = Version.objects.get_for_object(topic)[:2]
        # The browser sends the text back with \r\n: a change nobody made.
        assert "\r\n" in newer.field_dict["body"] and "\r\n" not in older.field_dict["body"]
        page = admin_user_client.get(
            f"/admin/explainer/topic/{topic.pk}/history/compare/",
            {"version_id1": older.pk, "version_id2": newer.pk},
        ).text
        assert "<del>Steady</del> title" in page and "<ins>New</ins> title" in page
        for not_made_by_an_editor in ("<h3>Body</h3>", "Last changed", "An answer of its own?"):
            assert not_made_by_an_editor not in page
        assert "marked with" not in page
        said_of = f"{older.revision.date_created:%-d %B %Y}"
        assert f"Revert to the version of {said_of}" in page

    def test_the_revert_button_names_the_version(self, admin_user_client):
        topic = TopicFactory(body="Kept words.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        edit(admin_user_client, url, body="Kept words, again.")
        version = Version.objects.get_for_object(topic).first()
        page = admin_user_client.get(f"/admin/explainer/topic/{topic.pk}/history/{version.pk}/")
        when = timezone.localtime(version.revision.date_created)
        name = f"{when:%-d %B %Y, %H:%M %Z} by {version.revision.user}"
        assert f'value="Revert to this version, saved on {name}"' in page.text
        history = admin_user_client.get(f"/admin/explainer/topic/{topic.pk}/history/").text
        assert f"<td>{version.revision.user}</td>" in history

    def test_an_older_version_can_be_restored_and_readers_see_it(self, admin_user_client, client):
        topic = TopicFactory(body="Original, careful text.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        edit(admin_user_client, url, body="Original, careful text.")
        edit(admin_user_client, url, body="A mistaken edit.")
        assert "A mistaken edit." in client.get(topic.get_absolute_url()).text

        original = Version.objects.get_for_object(topic)[1]
        revision_url = f"/admin/explainer/topic/{topic.pk}/history/{original.pk}/"
        preview = admin_user_client.get(revision_url).text
        assert "Original, careful text." in preview  # the form shows the old version to check
        assert "A mistaken edit." in client.get(topic.get_absolute_url()).text  # nothing yet
        response = admin_user_client.post(revision_url, form_data(preview))
        assert response.status_code == 302
        said = " ".join(messages_of(response))
        assert f"“{topic.title}” is restored: reverted to the version saved on" in said
        page = client.get(topic.get_absolute_url()).text
        assert "Original, careful text." in page
        assert "A mistaken edit." not in page

    def test_reverting_restores_the_words_and_leaves_the_order_alone(self, admin_user_client):
        topic = TopicFactory(body="Careful words.", position=1)
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        edit(admin_user_client, url, body="Careful words.")
        edit(admin_user_client, url, body="Mistaken words.")
        Topic.objects.filter(pk=topic.pk).update(position=7)  # dragged since
        careful = Version.objects.get_for_object(topic)[1]
        revision_url = f"/admin/explainer/topic/{topic.pk}/history/{careful.pk}/"
        shown = admin_user_client.get(revision_url).text
        assert admin_user_client.post(revision_url, form_data(shown)).status_code == 302
        topic.refresh_from_db()
        assert (topic.body, topic.position) == ("Careful words.", 7)
        assert Version.objects.get_for_object(topic).first().revision.user is not None

    def test_a_deleted_case_is_restored_with_its_citations_and_topics(
        self, admin_user_client, client
    ):
        topic = TopicFactory(title="In the courts", body="See 555 U.S. 223.")
        page = admin_user_client.get("/admin/cases/courtcase/add/").text
        data = form_data(page)
        data.update(
            name="Pearson v. Callahan",
            slug="pearson-v-callahan",
            court=CourtCaseFactory().court.pk,
            year="2009",
            outcome="granted",
            holding="Order optional.",
            summary="A *summary*.",
            status=PublishState.PUBLISHED,
            **{
                "published_at_0": "2020-01-01",
                "published_at_1": "00:00:00",
                "citations-0-citation": "555 U.S. 223",
                "topic_links-0-topic": topic.pk,
            },
        )
        assert admin_user_client.post("/admin/cases/courtcase/add/", data).status_code == 302
        case = CourtCase.objects.get(slug="pearson-v-callahan")

        delete_url = f"/admin/cases/courtcase/{case.pk}/delete/"
        admin_user_client.post(delete_url, {"post": "yes"})
        assert not CourtCase.objects.filter(slug="pearson-v-callahan").exists()
        assert "pearson-v-callahan" not in Topic.objects.get(pk=topic.pk).body_html

        recover_list = admin_user_client.get("/admin/cases/courtcase/recover/").text
        version = Version.objects.get_deleted(CourtCase).get()
        recover_url = f"/admin/cases/courtcase/recover/{version.pk}/"
        assert f'<a href="{recover_url}">Pearson v. Callahan</a>' in recover_list  # by name
        deleted = LogEntry.objects.get(action_flag=DELETION, object_id=str(case.pk))
        when = f"{timezone.localtime(deleted.action_time):%-d %B %Y, %H:%M}"
        assert f"{when} {timezone.localtime(deleted.action_time):%Z} by {deleted.user}" in (
            recover_list
        )
        response = admin_user_client.post(
            recover_url, form_data(admin_user_client.get(recover_url).text)
        )
        assert response.status_code == 302

        case = CourtCase.objects.get(slug="pearson-v-callahan")
        assert [str(c) for c in case.citations.all()] == ["555 U.S. 223"]
        assert list(case.topics.all()) == [topic]
        assert client.get(case.get_absolute_url()).status_code == 200
        assert 'href="/cases/pearson-v-callahan/"' in Topic.objects.get(pk=topic.pk).body_html

    def test_a_deleted_topic_is_restored_with_its_cases(self, admin_user_client):
        topic = TopicFactory(title="Lost and found")
        case = CourtCaseFactory()
        edit(admin_user_client, f"/admin/explainer/topic/{topic.pk}/change/")
        CaseTopic.objects.create(case=case, topic=topic)
        edit(admin_user_client, f"/admin/explainer/topic/{topic.pk}/change/")
        admin_user_client.post(f"/admin/explainer/topic/{topic.pk}/delete/", {"post": "yes"})
        assert not Topic.objects.filter(title="Lost and found").exists()

        version = Version.objects.get_deleted(Topic).get()
        recover_url = f"/admin/explainer/topic/recover/{version.pk}/"
        admin_user_client.post(recover_url, form_data(admin_user_client.get(recover_url).text))
        restored = Topic.objects.get(title="Lost and found")
        assert list(restored.cases.all()) == [case]


class TestOrdering:
    def test_dragging_topics_reorders_the_explainer(self, admin_user_client, client):
        first = TopicFactory(title="Alpha section", position=1)
        second = TopicFactory(title="Beta section", position=2)
        response = admin_user_client.post(
            "/admin/explainer/topic/adminsortable2_update/",
            json.dumps({"updatedItems": [[second.pk, 1], [first.pk, 2]]}),
            content_type="application/json",
        )
        assert response.status_code == 200
        page = client.get("/").text
        assert page.index("Beta section") < page.index("Alpha section")
        revision = Version.objects.get_for_object(first).first().revision
        assert revision.comment == "Reordered in the list."
        assert revision.user.is_superuser  # who moved it, named in the history

    def test_dragging_answers_reorders_them_within_their_topic(self, admin_user_client, client):
        topic = TopicFactory()
        one = FAQItemFactory(topic=topic, question="One?", position=1)
        two = FAQItemFactory(topic=topic, question="Two?", position=2)
        admin_user_client.post(
            "/admin/explainer/faqitem/adminsortable2_update/",
            json.dumps({"updatedItems": [[two.pk, 1], [one.pk, 2]]}),
            content_type="application/json",
        )
        for page in (client.get("/faq/").text, client.get(topic.get_absolute_url()).text):
            assert page.index("Two?") < page.index("One?")

    def test_the_list_has_the_drag_handles(self, admin_user_client):
        TopicFactory()
        page = admin_user_client.get("/admin/explainer/topic/").text
        assert '<div class="drag handle"' in page


class TestReview:
    def test_needs_review_lists_what_was_not_reviewed_for_a_year(self, admin_user_client):
        today = timezone.localdate()
        TopicFactory(title="Checked last month", last_reviewed=today - timedelta(days=30))
        TopicFactory(title="Checked two years ago", last_reviewed=today - timedelta(days=730))
        TopicFactory(title="Never checked", last_reviewed=None)
        page = admin_user_client.get("/admin/explainer/topic/", {"review": "needed"}).text
        assert "Checked two years ago" in page
        assert "Never checked" in page
        assert "Checked last month" not in page

    def test_faq_items_have_the_filter_too(self, admin_user_client):
        FAQItemFactory(question="Old answer?", last_reviewed=date(2000, 1, 1))
        FAQItemFactory(question="Fresh answer?", last_reviewed=timezone.localdate())
        page = admin_user_client.get("/admin/explainer/faqitem/", {"review": "needed"}).text
        assert "Old answer?" in page
        assert "Fresh answer?" not in page

    def test_mark_reviewed_sets_today_in_one_update(self, admin_user_client, client):
        topics = TopicFactory.create_batch(2, last_reviewed=None)
        with CaptureQueriesContext(connection) as queries:
            post_action(admin_user_client, "/admin/explainer/topic/", "mark_reviewed", topics)
        assert len([q for q in queries if q["sql"].startswith('UPDATE "explainer_topic"')]) == 1
        today = timezone.localdate()
        assert set(Topic.objects.values_list("last_reviewed", flat=True)) == {today}
        page = client.get(topics[0].get_absolute_url()).text
        assert f'<time datetime="{today:%Y-%m-%d}">' in page


def answer(html, name, which):
    """The radio button `which` ("mine" or "theirs") of the question about `name`."""
    marker = f'name="{name}" value="{which}:'
    return f"{which}:" + html.split(marker)[1].split('"')[0]


class TestSavedSays:
    """After a save, the editor is told what it changed for readers."""

    def test_a_draft_made_public(self, admin_user_client):
        topic = TopicFactory(title="Going out", draft=True)
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        response = edit(admin_user_client, url, status=PublishState.PUBLISHED)
        assert "“Going out” is now public." in messages_of(response)

    def test_a_time_to_come_is_a_schedule(self, admin_user_client):
        topic = TopicFactory(title="Later", draft=True)
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        response = edit(
            admin_user_client,
            url,
            status=PublishState.PUBLISHED,
            published_at_0="2030-03-01",
            published_at_1="12:00",
        )
        said = messages_of(response)
        assert (
            "“Later” is scheduled: it goes public on 1 March 2030, 12:00 MST, with nobody "
            "acting." in said
        )

    def test_a_live_page_taken_back_to_draft(self, admin_user_client):
        topic = TopicFactory(title="Withdrawn")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        response = edit(admin_user_client, url, status=PublishState.DRAFT)
        assert "“Withdrawn” is a draft now: readers no longer see it." in messages_of(response)

    def test_a_live_page_changed_says_only_that(self, admin_user_client):
        topic = TopicFactory(title="Steady")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        said = " ".join(messages_of(edit(admin_user_client, url, body="New words.")))
        assert "was changed successfully" in said
        assert "now public" not in said and "draft now" not in said

    def test_an_answer_under_a_draft_topic_is_said_to_be_hidden(self, admin_user_client):
        item = FAQItemFactory(question="Filed where?", draft=True, topic=TopicFactory(draft=True))
        url = f"/admin/explainer/faqitem/{item.pk}/change/"
        response = edit(admin_user_client, url, status=PublishState.PUBLISHED)
        assert "“Filed where?” is published, but hidden: its topic is a draft." in messages_of(
            response
        )


class TestConcurrentEdits:
    """Ada and Bob open one topic; Ada saves first; then Bob saves."""

    @pytest.fixture
    def opened(self, client):
        topic = TopicFactory(summary="Old summary.", body="Original text.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        ada, bob = (StaffUserFactory(username=name, is_superuser=True) for name in ("ada", "bob"))
        client.force_login(ada)
        ada_form = form_data(client.get(url).text)
        client.force_login(bob)
        bob_form = form_data(client.get(url).text)
        return topic, url, (ada, ada_form), (bob, bob_form)

    def test_changes_to_different_fields_are_both_kept(self, client, opened):
        topic, url, (ada, ada_form), (bob, bob_form) = opened
        client.force_login(ada)
        assert client.post(url, {**ada_form, "summary": "Ada's summary."}).status_code == 302
        client.force_login(bob)
        response = client.post(url, {**bob_form, "body": "Bob's new paragraph."})
        assert response.status_code == 302
        saved = Topic.objects.get(pk=topic.pk)
        assert (saved.summary, saved.body) == ("Ada's summary.", "Bob's new paragraph.")
        said = " ".join(messages_of(response))
        assert "ada saved this topic at" in said
        assert "their Summary kept; your Body saved." in said

    def test_the_same_field_changed_by_both_is_asked_about(self, client, opened):
        topic, url, (ada, ada_form), (bob, bob_form) = opened
        client.force_login(ada)
        ada_form.update(summary="Ada's summary.", body="Ada's careful rewrite.")
        assert client.post(url, ada_form).status_code == 302

        client.force_login(bob)
        response = client.post(url, {**bob_form, "body": "Bob's long new paragraph."})
        assert response.status_code == 200
        page = response.text
        assert "Not saved yet: ada saved this topic at" in page
        assert "you both changed Body." in page
        assert "Ada&#x27;s careful rewrite." in re.sub(r"<[^>]+>", "", page)  # hers, beside his
        assert "Their changes to Summary are kept (the form shows them now)." in page
        history = f'<a href="/admin/explainer/topic/{topic.pk}/history/" target="_blank"'
        assert history in page
        again = form_data(page)
        assert again["body"].strip() == "Bob's long new paragraph."  # still in his form
        assert again["summary"] == "Ada's summary."  # her change, shown
        assert Topic.objects.get(pk=topic.pk).body == "Ada's careful rewrite."

        response = client.post(url, {**again, "keep_body": answer(page, "keep_body", "mine")})
        assert response.status_code == 302
        saved = Topic.objects.get(pk=topic.pk)
        assert (saved.summary, saved.body) == ("Ada's summary.", "Bob's long new paragraph.")

    @staticmethod
    def both_change_the_body(client, opened):
        """Ada saves her body, then Bob his: the page that asks him."""
        _, url, (ada, ada_form), (bob, bob_form) = opened
        client.force_login(ada)
        assert client.post(url, {**ada_form, "body": "Ada's words."}).status_code == 302
        client.force_login(bob)
        return client.post(url, {**bob_form, "body": "Bob's words."}).text

    def test_keeping_theirs_keeps_their_value(self, client, opened):
        topic, url, _, _ = opened
        page = self.both_change_the_body(client, opened)
        keep = answer(page, "keep_body", "theirs")
        assert client.post(url, {**form_data(page), "keep_body": keep}).status_code == 302
        assert Topic.objects.get(pk=topic.pk).body == "Ada's words."

    def test_an_answer_given_before_a_newer_save_is_asked_again(self, client, opened):
        topic, url, (ada, _), (bob, _) = opened
        page = self.both_change_the_body(client, opened)
        keep = answer(page, "keep_body", "mine")
        client.force_login(ada)
        ada_again = form_data(client.get(url).text)
        assert client.post(url, {**ada_again, "body": "Ada's second words."}).status_code == 302
        client.force_login(bob)
        response = client.post(url, {**form_data(page), "keep_body": keep})
        assert response.status_code == 200
        assert "Ada&#x27;s second words." in re.sub(r"<[^>]+>", "", response.text)
        assert Topic.objects.get(pk=topic.pk).body == "Ada's second words."

    @pytest.mark.parametrize(
        "carried",
        ['{"version": "x", "fields": {"body": 5}}', '{"version": "x", "fields": {}, "rows": []}'],
    )
    def test_what_a_form_carries_back_bent_out_of_shape_is_a_stop_not_an_error(
        self, admin_user_client, carried
    ):
        topic = TopicFactory(body="Original text.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        form = form_data(admin_user_client.get(url).text)
        response = admin_user_client.post(url, {**form, "opened_version": carried, "body": "B."})
        assert response.status_code == 200
        assert "Not saved:" in response.text
        assert Topic.objects.get(pk=topic.pk).body == "Original text."

    def test_a_form_opened_before_fingerprints_stops_and_save_again_replaces(self, client):
        topic = TopicFactory(body="Original text.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        client.force_login(StaffUserFactory(is_superuser=True))
        form = form_data(client.get(url).text)
        stale = {**form, "opened_version": topic.updated_at.isoformat()}
        assert client.post(url, {**form, "body": "First."}).status_code == 302
        response = client.post(url, {**stale, "body": "Second."})
        assert "Not saved:" in response.text
        assert client.post(url, form_data(response.text)).status_code == 302
        assert Topic.objects.get(pk=topic.pk).body == "Second."

    def test_saving_twice_alone_is_no_conflict(self, admin_user_client):
        topic = TopicFactory()
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        assert edit(admin_user_client, url, body="One.").status_code == 302
        assert edit(admin_user_client, url, body="Two.").status_code == 302

    def test_a_case_is_guarded_too(self, client):
        case = CourtCaseFactory()
        CitationFactory(case=case)
        url = f"/admin/cases/courtcase/{case.pk}/change/"
        client.force_login(StaffUserFactory(is_superuser=True))
        stale = form_data(client.get(url).text)
        assert client.post(url, {**stale, "holding": "First."}).status_code == 302
        response = client.post(url, {**stale, "holding": "Second."})
        assert "you both changed Holding." in response.text
        assert Citation.objects.filter(case=case).count() == 1

    def test_a_row_only_they_changed_keeps_their_change(self, client):
        case = CourtCaseFactory(holding="Held.")
        citation = CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
        url = f"/admin/cases/courtcase/{case.pk}/change/"
        client.force_login(StaffUserFactory(is_superuser=True))
        bob = form_data(client.get(url).text)
        ada = form_data(client.get(url).text)
        assert client.post(url, {**ada, "citations-0-citation": "555 U.S. 224"}).status_code == 302
        assert client.post(url, {**bob, "holding": "Bob's holding."}).status_code == 302
        citation.refresh_from_db()
        assert (citation.page, CourtCase.objects.get(pk=case.pk).holding) == (224, "Bob's holding.")

    def test_a_row_both_changed_is_asked_about(self, client):
        case = CourtCaseFactory()
        citation = CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
        url = f"/admin/cases/courtcase/{case.pk}/change/"
        ada, bob = (StaffUserFactory(username=name, is_superuser=True) for name in ("ada", "bob"))
        client.force_login(bob)
        bob_form = form_data(client.get(url).text)
        client.force_login(ada)
        ada_form = form_data(client.get(url).text)
        changed = {**ada_form, "citations-0-citation": "555 U.S. 224"}
        assert client.post(url, changed).status_code == 302
        client.force_login(bob)
        response = client.post(url, {**bob_form, "citations-0-citation": "555 U.S. 225"})
        assert response.status_code == 200
        page = response.text
        assert "ada changed this citation after you opened the form" in page
        assert "page: “224” (yours: “225”)" in page
        key = f"keep_cases.citation:{citation.pk}"
        again = {**form_data(page), key: answer(page, key, "mine")}
        assert client.post(url, again).status_code == 302
        citation.refresh_from_db()
        assert citation.page == 225
