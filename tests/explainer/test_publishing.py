"""The publishing rule: drafts and scheduled items are public only to staff, with a banner."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import CourtCase
from explainer.models import FAQItem, Topic
from qiportal.publishing import PublishState
from tests.factories import CourtCaseFactory, FAQItemFactory, TopicFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db

DRAFT_BANNER = "Draft, not public."
SCHEDULED_BANNER = "Scheduled, not public yet."


@pytest.mark.parametrize("factory", [TopicFactory, CourtCaseFactory])
class TestDetailPages:
    def test_published_is_public_without_a_banner(self, client, factory):
        item = factory()
        response = client.get(item.get_absolute_url())
        assert response.status_code == 200
        assert DRAFT_BANNER not in response.text
        assert SCHEDULED_BANNER not in response.text

    def test_draft_is_404_for_the_public(self, client, factory):
        item = factory(draft=True)
        response = client.get(item.get_absolute_url())
        assert response.status_code == 404
        assert "Page not found" in response.text

    def test_draft_is_shown_to_staff_with_the_banner(self, staff_client, factory):
        item = factory(draft=True)
        response = staff_client.get(item.get_absolute_url())
        assert response.status_code == 200
        assert DRAFT_BANNER in response.text

    def test_scheduled_is_404_for_the_public_until_its_time(self, client, factory):
        item = factory(scheduled=True)
        assert client.get(item.get_absolute_url()).status_code == 404

    def test_scheduled_is_shown_to_staff_with_its_date(self, staff_client, factory):
        item = factory(scheduled=True)
        response = staff_client.get(item.get_absolute_url())
        assert response.status_code == 200
        assert SCHEDULED_BANNER in response.text

    def test_a_logged_in_user_who_is_not_staff_gets_404(self, client, django_user_model, factory):
        item = factory(draft=True)
        client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
        assert client.get(item.get_absolute_url()).status_code == 404


def test_published_querysets_follow_the_rule():
    published, draft, scheduled = (
        TopicFactory(),
        TopicFactory(draft=True),
        TopicFactory(scheduled=True),
    )
    assert list(Topic.objects.published()) == [published]
    assert draft.is_public is False
    assert scheduled.is_scheduled is True
    case = CourtCaseFactory()
    CourtCaseFactory(draft=True)
    assert list(CourtCase.objects.published()) == [case]


def test_an_answer_is_public_only_while_its_topic_is():
    visible = FAQItemFactory()
    FAQItemFactory(topic=TopicFactory(draft=True))
    FAQItemFactory(draft=True, topic=visible.topic)
    assert list(FAQItem.objects.published()) == [visible]


def test_explainer_lists_only_published_topics(client):
    TopicFactory(title="Out in the open")
    TopicFactory(title="Still a draft", draft=True)
    TopicFactory(title="Coming next week", scheduled=True)
    page = client.get("/").text
    assert "Out in the open" in page
    assert "Still a draft" not in page
    assert "Coming next week" not in page


def test_faq_hides_drafts_from_the_public(client):
    FAQItemFactory(question="Published question?")
    FAQItemFactory(question="Draft question?", draft=True)
    FAQItemFactory(question="Question under a draft topic?", topic=TopicFactory(draft=True))
    page = client.get("/faq/").text
    assert "Published question?" in page
    assert "Draft question?" not in page
    assert "Question under a draft topic?" not in page


def test_faq_shows_staff_the_drafts_at_their_anchor_with_a_banner(staff_client):
    item = FAQItemFactory(question="Draft question?", slug="draft-question", draft=True)
    page = staff_client.get(item.get_absolute_url().split("#")[0]).text
    assert 'id="draft-question"' in page
    assert DRAFT_BANNER in page


def test_case_index_lists_only_published_cases(client):
    CourtCaseFactory(name="Public v. Case")
    CourtCaseFactory(name="Draft v. Case", draft=True)
    CourtCaseFactory(name="Future v. Case", scheduled=True)
    page = client.get("/cases/").text
    assert "Public v. Case" in page
    assert "Draft v. Case" not in page
    assert "Future v. Case" not in page


def test_a_draft_topic_does_not_appear_on_a_published_case(client):
    case = CourtCaseFactory()
    case.topics.set([TopicFactory(title="Public topic"), TopicFactory(title="Hidden", draft=True)])
    page = client.get(case.get_absolute_url()).text
    assert "Public topic" in page
    assert "Hidden" not in page


class TestRulesEditorsSee:
    def test_a_draft_with_a_time_to_come_is_a_draft_not_scheduled(self, admin_user_client):
        TopicFactory(title="Still being written", draft=True, scheduled=True)
        assert not Topic.objects.scheduled().exists()
        listed = admin_user_client.get("/admin/explainer/topic/", {"state": "scheduled"}).text
        assert "Still being written" not in listed
        listed = admin_user_client.get("/admin/explainer/topic/", {"state": "draft"}).text
        assert "Still being written" in listed

    @pytest.mark.parametrize(("action", "draft"), [("publish_now", True), ("unpublish", False)])
    def test_a_list_action_is_a_change_that_a_form_opened_before_cannot_overwrite(
        self, admin_user_client, client, action, draft
    ):
        topic = TopicFactory(draft=draft, body="As it was.")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        opened = form_data(admin_user_client.get(url).text)
        later = timezone.now() + timedelta(days=2)
        with time_machine.travel(later, tick=False):
            admin_user_client.post(
                "/admin/explainer/topic/", {"action": action, "_selected_action": [topic.pk]}
            )
            response = admin_user_client.post(url, {**opened, "body": "From the old form."})
        assert response.status_code == 302
        topic.refresh_from_db()
        assert topic.status == (PublishState.PUBLISHED if draft else PublishState.DRAFT)
        assert topic.body == "From the old form."  # the form's change, beside the action's

    def test_editing_a_published_item_keeps_its_publication_date(self, admin_user_client):
        topic = TopicFactory(body="First words.")
        published_at = topic.published_at
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        with time_machine.travel(timezone.now() + timedelta(days=3)):
            data = form_data(admin_user_client.get(url).text)
            assert admin_user_client.post(url, {**data, "body": "Second."}).status_code == 302
        topic.refresh_from_db()
        assert topic.published_at == published_at.replace(microsecond=0)  # as the form shows it
