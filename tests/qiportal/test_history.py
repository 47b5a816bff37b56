"""Reverting and recovering: only this model's versions, only with the rights, always recorded."""

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from reversion.models import Version

from cases.models import Citation, CourtCase
from explainer.models import CaseTopic, FAQItem, Topic
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    CourtFactory,
    FAQItemFactory,
    StaffUserFactory,
    TopicFactory,
)
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def saved(*objects, user=None):
    """Save the objects as one change kept in the history; its versions, in the same order."""
    with reversion.create_revision():
        reversion.set_user(user)
        for obj in objects:
            obj.save()
    return [Version.objects.get_for_object(obj).first() for obj in objects]


def client_with(*codenames):
    """A staff member's browser, with exactly these permissions."""
    user = StaffUserFactory(username=f"with-{len(codenames)}-{'-'.join(codenames)}"[:150])
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def restore(client, url):
    """Open a revert or recover page and save it as shown: what an editor does."""
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page.text))


class TestOnlyThisModelsVersions:
    COURTS_ONLY = ("add_court", "change_court", "delete_court", "view_court")

    def test_a_topic_version_cannot_be_reverted_through_the_courts(self):
        topic = TopicFactory(body="Careful text.")
        (old,) = saved(topic)
        topic.body = "Current text."
        saved(topic)
        court = CourtFactory(pk=topic.pk)  # so the court's address names the topic's id too
        url = f"/admin/cases/court/{court.pk}/history/{old.pk}/"
        courts_only = client_with(*self.COURTS_ONLY)
        assert courts_only.get(url).status_code == 404
        assert courts_only.post(url, {"name": "x", "slug": "x"}).status_code == 404
        assert Topic.objects.get(pk=topic.pk).body == "Current text."

    def test_a_deleted_topic_cannot_be_recovered_through_the_courts(self):
        topic = TopicFactory(title="Deleted on purpose", slug="deleted")
        (version,) = saved(topic)
        topic.delete()
        url = f"/admin/cases/court/recover/{version.pk}/"
        courts_only = client_with(*self.COURTS_ONLY)
        assert courts_only.get(url).status_code == 404
        assert courts_only.post(url, {"name": "x", "slug": "x"}).status_code == 404
        assert not Topic.objects.exists()

    def test_a_version_of_another_topic_is_refused(self, staff_client):
        one, other = TopicFactory(body="One."), TopicFactory(body="Other.")
        (other_version,) = saved(other)
        url = f"/admin/explainer/topic/{one.pk}/history/{other_version.pk}/"
        assert staff_client.get(url).status_code == 404
        assert staff_client.post(url, {}).status_code == 404
        assert Topic.objects.get(pk=one.pk).body == "One."

    def test_recover_is_for_deleted_items_only(self, staff_client):
        topic = TopicFactory(body="Still here.")
        (version,) = saved(topic)
        response = staff_client.get(f"/admin/explainer/topic/recover/{version.pk}/")
        assert response.status_code == 404

    def test_a_version_that_does_not_exist_is_404(self, staff_client):
        topic = TopicFactory()
        assert staff_client.get("/admin/explainer/topic/recover/999999/").status_code == 404
        url = f"/admin/explainer/topic/{topic.pk}/history/999999/"
        assert staff_client.get(url).status_code == 404
        assert staff_client.get("/admin/explainer/topic/999999/history/1/").status_code == 404


class TestRights:
    def test_reading_an_old_version_needs_the_view_right_and_reverting_the_change_right(self):
        topic = TopicFactory(body="Careful text.")
        (old,) = saved(topic)
        topic.body = "Current text."
        saved(topic)
        url = f"/admin/explainer/topic/{topic.pk}/history/{old.pk}/"
        reader = client_with("view_topic")
        page = reader.get(url)
        assert page.status_code == 200
        assert "Careful text." in page.text
        assert reader.post(url, form_data(page.text)).status_code == 403
        assert client_with().get(url).status_code == 403
        assert Topic.objects.get(pk=topic.pk).body == "Current text."

    def test_recovering_needs_the_add_right(self, staff_client):
        topic = TopicFactory(title="Gone")
        (version,) = saved(topic)
        topic.delete()
        url = f"/admin/explainer/topic/recover/{version.pk}/"
        changer = client_with("view_topic", "change_topic", *self.LINKS)
        assert changer.get(url).status_code == 403
        assert changer.post(url, {"title": "Gone"}).status_code == 403
        assert not Topic.objects.filter(title="Gone").exists()

    LINKS = ("add_casetopic", "change_casetopic", "delete_casetopic")

    def test_reverting_a_case_needs_the_rights_on_its_citations_too(self):
        case = CourtCaseFactory(holding="Held one thing.")
        CitationFactory(case=case)
        (old,) = saved(case)
        case.holding = "Held another."
        saved(case)
        url = f"/admin/cases/courtcase/{case.pk}/history/{old.pk}/"
        cases_only = client_with("view_courtcase", "change_courtcase", *self.LINKS)
        data = form_data(cases_only.get(url).text)
        assert cases_only.post(url, data).status_code == 403
        assert CourtCase.objects.get(pk=case.pk).holding == "Held another."


class TestRecorded:
    def test_a_revert_is_in_the_history_and_the_log_with_who_did_it(self, staff_client, staff_user):
        topic = TopicFactory(body="Careful text.")
        (old,) = saved(topic, user=StaffUserFactory(username="author"))
        topic.body = "A mistake."
        saved(topic)

        url = f"/admin/explainer/topic/{topic.pk}/history/{old.pk}/"
        response = restore(staff_client, url)
        assert response.status_code == 302
        assert Topic.objects.get(pk=topic.pk).body == "Careful text."

        latest = Version.objects.get_for_object(topic).first()
        assert latest.revision.user == staff_user
        assert latest.revision.comment.startswith("Reverted to the version saved on ")
        assert latest.revision.comment.endswith(" by author.")
        assert latest.field_dict["body"] == "Careful text."
        entry = LogEntry.objects.get(object_id=str(topic.pk), content_type__model="topic")
        assert entry.user == staff_user
        assert entry.get_change_message() == latest.revision.comment
        history = staff_client.get(f"/admin/explainer/topic/{topic.pk}/history/").text
        assert latest.revision.comment in history

    def test_a_change_made_in_the_revert_form_is_recorded_with_it(self, staff_client):
        topic = TopicFactory(title="Old title", body="Careful text.")
        (old,) = saved(topic)
        topic.body = "A mistake."
        saved(topic)
        url = f"/admin/explainer/topic/{topic.pk}/history/{old.pk}/"
        data = form_data(staff_client.get(url).text)
        staff_client.post(url, {**data, "title": "New title"})
        entry = LogEntry.objects.get(object_id=str(topic.pk), content_type__model="topic")
        assert entry.get_change_message().endswith("Changed Title.")
        assert entry.get_change_message().startswith("Reverted to the version saved on ")

    def test_a_recover_is_in_the_history_and_the_log_with_who_did_it(
        self, staff_client, staff_user
    ):
        topic = TopicFactory(title="Lost and found")
        (version,) = saved(topic)
        pk = topic.pk
        topic.delete()

        response = restore(staff_client, f"/admin/explainer/topic/recover/{version.pk}/")
        assert response.status_code == 302
        recovered = Topic.objects.get(pk=pk)
        latest = Version.objects.get_for_object(recovered).first()
        assert latest.revision.user == staff_user
        assert latest.revision.comment.startswith("Recovered as it was saved on ")
        entry = LogEntry.objects.get(object_id=str(pk), content_type__model="topic")
        assert entry.user == staff_user
        assert entry.get_change_message() == latest.revision.comment

    def test_showing_an_old_version_changes_nothing(self, staff_client):
        topic = TopicFactory(body="Careful text.")
        (old,) = saved(topic)
        topic.body = "Current text."
        saved(topic)
        staff_client.get(f"/admin/explainer/topic/{topic.pk}/history/{old.pk}/")
        assert Topic.objects.get(pk=topic.pk).body == "Current text."
        assert not LogEntry.objects.exists()
        assert Version.objects.get_for_object(topic).count() == 2


class TestOneItem:
    def test_reverting_one_of_several_items_saved_together_leaves_the_others(self, staff_client):
        one, other = TopicFactory(body="One, then."), TopicFactory(body="Other, then.")
        one_then, _ = saved(one, other)  # one change to both: a list action's, say
        one.body, other.body = "One, now.", "Other, now."
        saved(one, other)

        restore(staff_client, f"/admin/explainer/topic/{one.pk}/history/{one_then.pk}/")
        assert Topic.objects.get(pk=one.pk).body == "One, then."
        assert Topic.objects.get(pk=other.pk).body == "Other, now."

    def test_reverting_the_shipped_version_of_a_topic_leaves_the_rest_of_the_site(
        self, staff_client, shipped_content
    ):
        topic, other = Topic.objects.all()[:2]
        case = CourtCase.objects.first()
        shipped = Version.objects.get_for_object(topic).get()
        Topic.objects.filter(pk__in=[topic.pk, other.pk]).update(summary="Edited since.")
        CourtCase.objects.filter(pk=case.pk).update(holding="Edited since.")

        restore(staff_client, f"/admin/explainer/topic/{topic.pk}/history/{shipped.pk}/")
        assert Topic.objects.get(pk=topic.pk).summary != "Edited since."
        assert Topic.objects.get(pk=other.pk).summary == "Edited since."
        assert CourtCase.objects.get(pk=case.pk).holding == "Edited since."

    def test_a_case_comes_back_with_its_own_citations_only(self, staff_client):
        case = CourtCaseFactory(holding="Held one thing.")
        CitationFactory(case=case, volume=555, page=223)
        (old,) = saved(case)
        CitationFactory(case=case, volume=556, page=1)
        case.holding = "Held another."
        saved(case)

        restore(staff_client, f"/admin/cases/courtcase/{case.pk}/history/{old.pk}/")
        assert CourtCase.objects.get(pk=case.pk).holding == "Held one thing."
        assert [str(c) for c in Citation.objects.filter(case=case)] == ["555 U.S. 223"]


class TestWhatCannotComeBack:
    def test_a_case_is_recovered_without_its_place_under_a_topic_deleted_since(self, staff_client):
        topic = TopicFactory(title="Gone since")
        case = CourtCaseFactory(name="Kept v. Case")
        CaseTopic.objects.create(case=case, topic=topic)
        (version,) = saved(case)
        case.delete()
        topic.delete()

        url = f"/admin/cases/courtcase/recover/{version.pk}/"
        response = restore(staff_client, url)
        assert response.status_code == 302
        recovered = CourtCase.objects.get(name="Kept v. Case")
        assert not CaseTopic.objects.filter(case=recovered).exists()
        warnings = [str(m) for m in get_messages(response.wsgi_request)]
        assert "“Kept v. Case under Gone since” was not restored" in " ".join(warnings)

    def test_an_answer_whose_topic_was_deleted_is_refused_with_a_reason(self, staff_client):
        item = FAQItemFactory(question="Orphan?")
        (version,) = saved(item)
        topic = item.topic
        item.delete()
        topic.delete()

        response = staff_client.get(f"/admin/explainer/faqitem/recover/{version.pk}/", follow=True)
        assert response.status_code == 200
        assert "“Orphan?” cannot be restored: its topic has been deleted since." in response.text
        assert not FAQItem.objects.exists()

    def test_a_topic_whose_address_was_taken_since_is_refused_with_a_reason(self, staff_client):
        topic = TopicFactory(title="First", slug="the-address")
        (version,) = saved(topic)
        topic.delete()
        TopicFactory(title="Second", slug="the-address")

        response = staff_client.get(f"/admin/explainer/topic/recover/{version.pk}/", follow=True)
        assert response.status_code == 200
        assert "“First” cannot be restored as it was" in response.text
        assert list(Topic.objects.values_list("title", flat=True)) == ["Second"]

    def test_a_version_cannot_be_saved_as_a_new_item(self, staff_client):
        topic = TopicFactory(body="Careful text.")
        (old,) = saved(topic)
        url = f"/admin/explainer/topic/{topic.pk}/history/{old.pk}/"
        data = form_data(staff_client.get(url).text)
        response = staff_client.post(url, {**data, "_saveasnew": "1", "slug": "a-copy"})
        assert response.status_code == 400
        assert Topic.objects.count() == 1
