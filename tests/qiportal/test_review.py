"""Working copies of published items and review before publishing (qiportal.workingcopies)."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from cases.models import Citation, CourtCase
from explainer.models import Introduction, Topic
from laws.models import Law
from qiportal import scheduling, workingcopies
from qiportal.models import WorkingCopy
from qiportal.publishing import PublishState
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    FAQItemFactory,
    StaffUserFactory,
    TopicFactory,
)
from tests.forms import form_data


@pytest.fixture(autouse=True)
def review_required(settings):
    settings.REQUIRE_REVIEW = True
    settings.SITE_URL = "https://portal.example.org"


def person(username, *groups):
    user = StaffUserFactory(username=username)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor(db):
    return person("edna", "Editors")


@pytest.fixture
def reviewer(db):
    return person("rita", "Editors", "Reviewers")


@pytest.fixture
def other_reviewer(db):
    return person("ravi", "Editors", "Reviewers")


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def copy_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/working-copy/"


def save(client, obj, button, **changes):
    """Open the item's form, change fields, press `button` ("_savecopy", "_submitcopy" or
    "_save")."""
    data = form_data(client.get(change_url(obj)).text, form_id=None)
    data.update(changes)
    for other in ("_save", "_continue", "_addanother", "_savecopy", "_submitcopy"):
        data.pop(other, None)
    data[button] = "1"
    return client.post(change_url(obj), data)


def decide(client, obj, action, **fields):
    page = client.get(copy_url(obj)).text
    version = page.split('name="copy_version" value="')[1].split('"')[0]
    return client.post(copy_url(obj), {"copy_version": version, "action": action, **fields})


def topic_page(topic):
    return Client().get(topic.get_absolute_url()).text


@pytest.mark.django_db
class TestWorkingCopies:
    def test_the_live_page_stays_while_staff_see_the_copy(self, editor, committed):
        topic = TopicFactory(title="Live title", body="Live words.")
        response = committed(save, editor, topic, "_savecopy", body="Copied words.")
        assert response.status_code == 302
        assert "Live words." in topic_page(topic)
        assert "Copied words." not in topic_page(topic)
        assert Topic.objects.get(pk=topic.pk).body == "Live words."
        staff_view = editor.get(topic.get_absolute_url()).text
        assert "Unpublished changes." in staff_view
        assert "Copied words." in staff_view and "Live words." not in staff_view
        assert copy_url(topic) in staff_view
        # The form shows the copy; a second save updates the same copy.
        assert "Copied words." in editor.get(change_url(topic)).text
        save(editor, topic, "_savecopy", body="Copied again.")
        assert WorkingCopy.objects.count() == 1
        assert "Copied again." in editor.get(topic.get_absolute_url()).text

    def test_differences_mark_the_changed_words_in_the_changed_fields(self, editor):
        topic = TopicFactory(title="Live title", body="One <b>two</b> three.\nFour five.")
        save(editor, topic, "_savecopy", body="One <b>two</b> THREE.\nFour five.")
        page = editor.get(copy_url(topic)).text
        assert "One &lt;b&gt;two&lt;/b&gt; <del>three.</del><br>Four five." in page
        assert "One &lt;b&gt;two&lt;/b&gt; <ins>THREE.</ins><br>Four five." in page
        assert "<td>Title</td>" not in page  # an unchanged field is not listed

    def test_an_editor_cannot_publish_by_the_form_a_list_action_or_a_crafted_post(
        self, editor, committed
    ):
        topic = TopicFactory(body="Live words.")
        draft = TopicFactory(draft=True)
        assert save(editor, topic, "_save", body="Straight in.").status_code == 403
        assert Topic.objects.get(pk=topic.pk).body == "Live words."
        crafted = form_data(editor.get(change_url(draft)).text, form_id=None)
        crafted.update(status=PublishState.PUBLISHED, _save="1")
        assert editor.post(change_url(draft), crafted).status_code == 403
        action = {"action": "publish_now", "_selected_action": [draft.pk]}
        assert editor.post("/admin/explainer/topic/", action).status_code == 403
        assert Topic.objects.get(pk=draft.pk).status == PublishState.DRAFT
        save(editor, topic, "_submitcopy", body="Submitted.")
        assert decide(editor, topic, "publish").status_code == 403
        assert Topic.objects.get(pk=topic.pk).body == "Live words."

    def test_an_editor_cannot_delete_reorder_or_act_on_live_items_from_the_list(
        self, editor, reviewer
    ):
        live, second, draft = TopicFactory(), TopicFactory(), TopicFactory(draft=True)
        assert (
            editor.post(f"/admin/explainer/topic/{live.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
        assert Topic.objects.filter(pk=live.pk).exists()
        assert 'name="action"' not in editor.get("/admin/explainer/topic/").text
        for action in ("delete_selected", "unpublish", "mark_reviewed"):
            posted = {"action": action, "_selected_action": [live.pk], "post": "yes"}
            assert editor.post("/admin/explainer/topic/", posted).status_code == 403
        assert Topic.objects.get(pk=live.pk).status == PublishState.PUBLISHED
        order = {"updatedItems": [[live.pk, second.position], [second.pk, live.pk]]}
        moved = editor.post(
            "/admin/explainer/topic/adminsortable2_update/", order, content_type="application/json"
        )
        assert moved.status_code == 403
        assert Topic.objects.get(pk=live.pk).position == live.position
        # A draft is the editor's to delete; a reviewer may take a live page down at once.
        assert (
            editor.post(f"/admin/explainer/topic/{draft.pk}/delete/", {"post": "yes"}).status_code
            == 302
        )
        posted = {"action": "unpublish", "_selected_action": [live.pk]}
        assert reviewer.post("/admin/explainer/topic/", posted).status_code == 302
        assert Topic.objects.get(pk=live.pk).status == PublishState.DRAFT

    def test_reverting_a_live_item_makes_the_version_a_working_copy(self, editor, reviewer):
        topic = TopicFactory(body="Careful words.")
        with time_machine.travel(timezone.now() - timedelta(days=1)):
            workingcopies.record(topic, editor.user, "Saved.")
        Topic.objects.filter(pk=topic.pk).update(body="Mistaken words.")
        topic.refresh_from_db()
        workingcopies.record(topic, editor.user, "Saved.")
        careful = Version.objects.get_for_object(topic).last()
        url = f"/admin/explainer/topic/{topic.pk}/history/{careful.pk}/"
        response = editor.post(url, form_data(editor.get(url).text))
        assert response.status_code == 302
        assert Topic.objects.get(pk=topic.pk).body == "Mistaken words."  # live: as it was
        assert "Careful words." in WorkingCopy.objects.get().data
        assert "Careful words." in editor.get(change_url(topic)).text
        save(editor, topic, "_submitcopy")
        decide(reviewer, topic, "publish")
        assert Topic.objects.get(pk=topic.pk).body == "Careful words."

    def test_a_reviewer_approves_another_persons_change_and_it_goes_live(
        self, editor, reviewer, committed
    ):
        topic = TopicFactory(body="Live words.")
        committed(save, editor, topic, "_submitcopy", body="Checked words.")
        index = reviewer.get("/admin/").text
        assert "Waiting for review" in index and copy_url(topic) in index
        response = committed(decide, reviewer, topic, "publish", note="Fine.")
        assert response.status_code == 302
        assert "Checked words." in topic_page(topic)
        assert not WorkingCopy.objects.exists()
        today = timezone.localdate()
        assert Topic.objects.get(pk=topic.pk).approved_on == today
        assert "Reviewed on" in topic_page(topic)
        comments = [v.revision.comment for v in Version.objects.get_for_object(topic)]
        assert "Submitted changes for review." in comments
        assert any("approved by rita" in c and "Note: Fine." in c for c in comments)

    def test_nobody_approves_their_own_change(self, reviewer, committed):
        topic = TopicFactory(body="Live words.")
        committed(save, reviewer, topic, "_submitcopy", body="My words.")
        response = decide(reviewer, topic, "publish")
        assert response.status_code == 302
        assert Topic.objects.get(pk=topic.pk).body == "Live words."
        page = reviewer.get(copy_url(topic)).text
        assert "Nobody approves their own change" in page

    def test_a_stale_copy_is_not_approved(self, editor, reviewer):
        topic = TopicFactory(body="Live words.")
        save(editor, topic, "_submitcopy", body="First.")
        page = reviewer.get(copy_url(topic)).text
        opened = page.split('name="copy_version" value="')[1].split('"')[0]
        save(editor, topic, "_savecopy", body="Changed after the reviewer read it.")
        response = reviewer.post(copy_url(topic), {"copy_version": opened, "action": "publish"})
        assert response.status_code == 302
        assert Topic.objects.get(pk=topic.pk).body == "Live words."
        assert "changed this working copy after you opened it" in reviewer.get(copy_url(topic)).text

    def test_a_copy_saved_by_someone_else_meanwhile_is_not_overwritten(self, editor, reviewer):
        topic = TopicFactory(body="Live words.")
        save(editor, topic, "_savecopy", body="Edna's words.")
        mine = form_data(reviewer.get(change_url(topic)).text, form_id=None)
        save(editor, topic, "_savecopy", body="Edna's second words.")
        mine.update(body="Rita's words.", _savecopy="1")
        mine.pop("_save", None)
        response = reviewer.post(change_url(topic), mine)
        assert response.status_code == 200
        assert "after you opened it" in response.text
        assert "Rita&#x27;s words." in response.text  # what she typed stays
        assert "Edna's second words." in WorkingCopy.objects.get().data

    def test_sent_back_with_a_comment_the_editor_sees(self, editor, reviewer, committed):
        topic = TopicFactory(body="Live words.")
        save(editor, topic, "_submitcopy", body="Hasty words.")
        mail.outbox.clear()
        committed(decide, reviewer, topic, "send-back", comment="Cite the case, please.")
        form = editor.get(change_url(topic)).text
        assert "Sent back by rita" in form and "Cite the case, please." in form
        assert Topic.objects.get(pk=topic.pk).body == "Live words."
        assert [m.to for m in mail.outbox] == [["edna@example.org"]]

    def test_discard_drops_the_copy_and_keeps_the_live_item(self, editor):
        topic = TopicFactory(body="Live words.")
        save(editor, topic, "_savecopy", body="Unwanted.")
        assert decide(editor, topic, "discard").status_code == 302
        assert not WorkingCopy.objects.exists()
        assert "Unwanted." not in editor.get(topic.get_absolute_url()).text
        comments = [v.revision.comment for v in Version.objects.get_for_object(topic)]
        assert "Discarded the working copy." in comments

    def test_an_approved_copy_goes_live_at_its_time_with_nobody_acting(
        self, editor, reviewer, committed
    ):
        topic = TopicFactory(body="Live words.")
        save(editor, topic, "_submitcopy", body="Tomorrow's words.")
        when = timezone.localtime() + timedelta(days=1)
        decide(reviewer, topic, "publish", publish_at=when.strftime("%Y-%m-%dT%H:%M"))
        assert "Live words." in topic_page(topic)
        with time_machine.travel(when + timedelta(minutes=1), tick=False):
            committed(scheduling.content_state)
            assert "Tomorrow's words." in topic_page(topic)
        assert not WorkingCopy.objects.exists()
        assert Topic.objects.get(pk=topic.pk).approved_on is not None

    def test_saving_a_working_copy_says_its_warnings(self, editor):
        topic = TopicFactory(title="Pictured", body="Live words.")
        response = save(editor, topic, "_savecopy", body="See ![](/media/uploads/chart.png).")
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("An image in “body” has no description" in each for each in said)
        assert any("as a working copy" in each for each in said)
        assert not any("was changed successfully" in each for each in said)  # not live

    def test_a_time_the_clocks_repeat_is_refused_in_words(self, editor, reviewer):
        topic = TopicFactory(body="Live words.")
        save(editor, topic, "_submitcopy", body="New words.")
        response = decide(reviewer, topic, "publish", publish_at="2030-11-03 01:30")
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert said == [
            "Not published: 3 November 2030, 01:30 happens twice in America/Denver: the clocks "
            "go back an hour then. Choose a time outside that hour."
        ]
        assert WorkingCopy.objects.get().publish_at is None
        assert Topic.objects.get(pk=topic.pk).body == "Live words."

    def test_publishing_a_copy_leaves_the_order_as_it_is_now(self, editor, reviewer):
        topic = TopicFactory(body="Live words.", position=1)
        save(editor, topic, "_submitcopy", body="New words.")
        Topic.objects.filter(pk=topic.pk).update(position=9)  # dragged meanwhile
        decide(reviewer, topic, "publish")
        topic.refresh_from_db()
        assert (topic.body, topic.position) == ("New words.", 9)

    def test_a_draft_is_submitted_and_published_by_the_approval(self, editor, reviewer):
        topic = TopicFactory(draft=True, body="New page.")
        save(editor, topic, "_submitcopy")
        assert Topic.objects.get(pk=topic.pk).status == PublishState.DRAFT
        decide(reviewer, topic, "publish")
        assert "New page." in topic_page(topic)

    def test_a_case_copy_keeps_its_citations(self, editor, reviewer):
        case = CourtCaseFactory(name="Pearson v. Callahan")
        CitationFactory(case=case, volume=555, page=223)
        data = form_data(editor.get(change_url(case)).text, form_id=None)
        data["citations-0-DELETE"] = "on"
        data["_savecopy"] = "1"
        data.pop("_save", None)
        assert editor.post(change_url(case), data).status_code == 302
        assert Citation.objects.filter(case=case).count() == 1  # live: still cited
        decide(reviewer, case, "publish")
        assert Citation.objects.filter(case=case).count() == 0
        assert CourtCase.objects.get(pk=case.pk).approved_on is not None

    def test_a_law_copy_keeps_its_answers_until_approved(self, editor, reviewer):
        call_command("load_laws", stdout=StringIO())
        law = Law.objects.published().filter(answers__isnull=False).first()
        answer = law.answers.order_by("pk").first()
        data = form_data(editor.get(change_url(law)).text, form_id=None)
        index = next(k for k, v in data.items() if k.endswith("-id") and v == str(answer.pk))
        data[index.replace("-id", "-answer")] = "A corrected answer."
        data["_submitcopy"] = "1"
        data.pop("_save", None)
        assert editor.post(change_url(law), data).status_code == 302
        assert "A corrected answer." not in Client().get(law.get_absolute_url()).text
        decide(reviewer, law, "publish")
        assert "A corrected answer." in Client().get(law.get_absolute_url()).text

    def test_a_faq_answer_has_its_copy_and_the_list_says_so(self, editor, reviewer):
        answer = FAQItemFactory(answer="Live answer.")
        save(editor, answer, "_submitcopy", answer="Checked answer.")
        listing = editor.get("/admin/explainer/faqitem/").text
        assert "Changes: Waiting for review" in listing
        assert "Checked answer." not in Client().get("/faq/").text
        decide(reviewer, answer, "publish")
        assert "Checked answer." in Client().get("/faq/").text
        assert "Changes:" not in editor.get("/admin/explainer/faqitem/").text

    def test_the_introduction_has_working_copies_too(self, editor, reviewer, shipped_content):
        intro = Introduction.objects.get()
        save(editor, intro, "_submitcopy", body="A new introduction.")
        assert "A new introduction." not in Client().get("/").text
        decide(reviewer, intro, "publish")
        assert "A new introduction." in Client().get("/").text

    def test_a_copy_of_an_item_deleted_meanwhile_is_kept_and_the_reviewer_told(
        self, editor, reviewer, admin_user_client
    ):
        topic = TopicFactory(body="Live words.")
        save(editor, topic, "_submitcopy", body="Orphan.")
        pk = topic.pk
        Topic.objects.filter(pk=pk).delete()
        page = reviewer.get(f"/admin/explainer/topic/{pk}/working-copy/").text
        assert "was deleted after this copy was begun" in page
        assert WorkingCopy.objects.filter(object_id=str(pk)).exists()


@pytest.mark.django_db
class TestEmail:
    def test_submission_tells_the_reviewers_and_the_decision_tells_the_editor(
        self, editor, reviewer, other_reviewer, committed
    ):
        topic = TopicFactory(title="Who may sue")
        committed(save, editor, topic, "_submitcopy", body="New.")
        (sent,) = mail.outbox
        assert sorted(sent.to) == ["ravi@example.org", "rita@example.org"]
        assert "Who may sue" in sent.subject
        assert f"https://portal.example.org{copy_url(topic)}" in sent.body
        mail.outbox.clear()
        committed(decide, reviewer, topic, "publish")
        assert [m.to for m in mail.outbox] == [["edna@example.org"]]

    def test_a_failure_to_send_keeps_the_change(self, editor, reviewer, committed, settings):
        settings.EMAIL_BACKEND = "tests.qiportal.test_review.BrokenBackend"
        topic = TopicFactory(body="Live words.")
        assert committed(save, editor, topic, "_submitcopy", body="Kept.").status_code == 302
        assert WorkingCopy.objects.get().state == WorkingCopy.State.SUBMITTED
        committed(decide, reviewer, topic, "publish")
        assert Topic.objects.get(pk=topic.pk).body == "Kept."


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


@pytest.mark.django_db
class TestWithoutReview:
    def test_editors_publish_their_own_changes(self, editor, settings):
        settings.REQUIRE_REVIEW = False
        topic = TopicFactory(body="Live words.")
        assert save(editor, topic, "_save", body="Straight in.").status_code == 302
        assert "Straight in." in topic_page(topic)
        assert Topic.objects.get(pk=topic.pk).approved_on is None
        save(editor, topic, "_savecopy", body="Later.")
        assert decide(editor, topic, "publish").status_code == 302
        assert "Later." in topic_page(topic)
        assert "Reviewed on" not in topic_page(topic)  # nobody else read it


def test_the_reviewers_group_may_publish(db):
    reviewers = Group.objects.get(name="Reviewers")
    assert reviewers.permissions.filter(codename="publish").exists()
    assert workingcopies.PUBLISH_RIGHT == "qiportal.publish"
