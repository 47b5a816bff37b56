"""Who may do what: the Editors group edits content, and nothing else; log-ins lock out."""

import re
from datetime import timedelta

import pytest
import reversion
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from explainer.models import Topic
from qiportal.publishing import PublishState
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    FAQItemFactory,
    StaffUserFactory,
    TopicFactory,
)
from tests.forms import form_data
from tests.qiportal.test_editor import image_bytes, upload

pytestmark = pytest.mark.django_db

CONTENT_ADMIN_PAGES = [
    "/admin/explainer/topic/",
    "/admin/explainer/topic/add/",
    "/admin/explainer/faqitem/add/",
    "/admin/cases/courtcase/add/",
    "/admin/cases/court/add/",
    "/admin/explainer/topic/recover/",
    "/admin/cases/courtcase/recover/",
]
ACCOUNT_ADMIN_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/",
    "/admin/axes/accessattempt/",
]


def test_the_editors_group_has_exactly_the_editing_rights():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    for model in (
        "topic",
        "faqitem",
        "court",
        "courtcase",
        "citation",
        "casetopic",
        "caserelation",
    ):
        assert {f"add_{model}", f"change_{model}", f"delete_{model}"} <= codenames
    assert {"change_introduction", "upload_image"} <= codenames
    on_accounts = Permission.objects.filter(
        group__name="Editors", content_type__app_label__in=["auth", "axes", "contenttypes"]
    )
    assert not on_accounts.exists()


class TestAnEditor:
    @pytest.mark.parametrize("url", CONTENT_ADMIN_PAGES)
    def test_can_open_every_editing_page(self, staff_client, url):
        assert staff_client.get(url).status_code == 200

    @pytest.mark.parametrize("url", ACCOUNT_ADMIN_PAGES)
    def test_cannot_open_users_groups_or_permissions(self, staff_client, url):
        assert staff_client.get(url).status_code == 403

    def test_can_do_the_whole_job(self, staff_client, client):
        page = staff_client.get("/admin/explainer/topic/add/").text
        data = form_data(page)
        data.update(
            title="Written by an editor",
            slug="by-an-editor",
            summary="One sentence.",
            body="Body text.",
            status=PublishState.PUBLISHED,
            published_at_0="2020-01-01",
            published_at_1="00:00:00",
        )
        assert staff_client.post("/admin/explainer/topic/add/", data).status_code == 302
        topic = Topic.objects.get(slug="by-an-editor")
        assert client.get(topic.get_absolute_url()).status_code == 200

        item = FAQItemFactory()
        url = f"/admin/explainer/faqitem/{item.pk}/delete/"
        assert staff_client.post(url, {"post": "yes"}).status_code == 302
        case = CourtCaseFactory()
        CitationFactory(case=case)
        url = f"/admin/cases/courtcase/{case.pk}/change/"
        data = form_data(staff_client.get(url).text)
        assert staff_client.post(url, {**data, "holding": "Edited."}).status_code == 302

    def test_can_upload_images(self, staff_client):
        assert upload(staff_client, "a.png", image_bytes(), "image/png").status_code == 200


class TestStaffOutsideTheGroup:
    @pytest.fixture
    def helper_client(self, staff_outside_editors):
        client = Client()
        client.force_login(staff_outside_editors)
        return client

    @pytest.mark.parametrize("url", CONTENT_ADMIN_PAGES)
    def test_cannot_open_editing_pages(self, helper_client, url):
        assert helper_client.get(url).status_code == 403

    def test_cannot_change_content(self, helper_client):
        topic = TopicFactory(title="Untouched")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        response = helper_client.post(url, {"title": "Vandalised", "slug": topic.slug})
        assert response.status_code == 403
        assert Topic.objects.get(pk=topic.pk).title == "Untouched"

    def test_cannot_upload_images(self, helper_client):
        assert upload(helper_client, "a.png", image_bytes(), "image/png").status_code == 403

    @pytest.mark.parametrize("factory", [TopicFactory, CourtCaseFactory])
    @pytest.mark.parametrize("state", ["draft", "scheduled"])
    def test_gets_404_for_an_unpublished_item_as_a_reader_does(
        self, helper_client, client, factory, state
    ):
        item = factory(**{state: True}, summary="Not announced yet.")
        for browser in (helper_client, client):
            response = browser.get(item.get_absolute_url())
            assert response.status_code == 404
            assert "Not announced yet." not in response.text

    def test_sees_only_published_answers_on_the_faq_page(self, helper_client):
        FAQItemFactory(question="Published question?")
        FAQItemFactory(question="Draft question?", draft=True)
        FAQItemFactory(question="Under a draft topic?", topic=TopicFactory(draft=True))
        page = helper_client.get("/faq/").text
        assert "Published question?" in page
        assert "Draft question?" not in page
        assert "Under a draft topic?" not in page
        assert "Draft, not public." not in page

    @pytest.mark.parametrize(
        ("factory", "path"),
        [(TopicFactory, "explainer/topic"), (CourtCaseFactory, "cases/courtcase")],
    )
    def test_cannot_read_history_or_compare_versions(
        self, helper_client, staff_client, factory, path
    ):
        item = factory(draft=True, summary="Not announced yet.")
        for summary in ("Not announced yet.", "Still not announced."):
            with reversion.create_revision():
                item.summary = summary
                item.save()
        newer, older = Version.objects.get_for_object(item)
        history = f"/admin/{path}/{item.pk}/history/"
        compare = f"{history}compare/?version_id1={older.pk}&version_id2={newer.pk}"
        for url in (history, compare):
            response = helper_client.get(url)
            assert response.status_code == 403
            assert "announced" not in response.text
        # An editor reads both.
        assert staff_client.get(history).status_code == 200
        compared = staff_client.get(compare).text
        assert "<ins>" in compared
        assert "Still not announced." in re.sub(r"</?(?:ins|del)>", "", compared)


class TestPreviews:
    """Drafts at their public address, for staff who may see them in the admin."""

    def test_staff_see_the_drafts_of_what_they_may_see_in_the_admin(self, client):
        topic, case = TopicFactory(draft=True), CourtCaseFactory(draft=True)
        user = StaffUserFactory()
        user.user_permissions.add(Permission.objects.get(codename="view_topic"))
        client.force_login(user)
        response = client.get(topic.get_absolute_url())
        assert response.status_code == 200
        assert "Draft, not public." in response.text
        assert client.get(case.get_absolute_url()).status_code == 404

    def test_a_superuser_sees_every_draft(self, admin_user_client):
        item = FAQItemFactory(
            question="Draft question?", draft=True, topic=TopicFactory(draft=True)
        )
        assert admin_user_client.get(item.topic.get_absolute_url()).status_code == 200
        assert "Draft question?" in admin_user_client.get("/faq/").text
        case = CourtCaseFactory(scheduled=True)
        assert admin_user_client.get(case.get_absolute_url()).status_code == 200


class TestLogInLockOut:
    LOGIN = "/admin/login/"

    @pytest.fixture
    def editor(self, staff_user):
        staff_user.set_password("the right password")
        staff_user.save()
        return staff_user

    def attempt(self, client, username, password, ip="203.0.113.7"):
        return client.post(
            self.LOGIN,
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=ip,
        )

    def test_five_failures_lock_the_user_name_at_that_address(self, client, editor):
        for _ in range(4):
            response = self.attempt(client, editor.username, "wrong")
            assert response.status_code == 200
            assert "Please enter the correct username and password" in response.text
        response = self.attempt(client, editor.username, "wrong")
        assert response.status_code == 429
        assert "Log-in paused" in response.text
        assert "15 minutes" in response.text

        # Locked: even the right password is refused, with the same clear page.
        response = self.attempt(client, editor.username, "the right password")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_lock_is_for_that_pair_only(self, client, editor, django_user_model):
        for _ in range(5):
            self.attempt(client, editor.username, "wrong")
        other_address = self.attempt(client, editor.username, "the right password", "198.51.100.2")
        assert other_address.status_code == 302

    def test_the_lock_lifts_after_the_cool_off(self, client, editor):
        for _ in range(5):
            self.attempt(client, editor.username, "wrong")
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            assert self.attempt(client, editor.username, "the right password").status_code == 302

    def test_a_successful_log_in_resets_the_count(self, client, editor):
        for _ in range(4):
            self.attempt(client, editor.username, "wrong")
        assert self.attempt(client, editor.username, "the right password").status_code == 302
        client.logout()
        for _ in range(4):
            assert self.attempt(client, editor.username, "wrong").status_code == 200
