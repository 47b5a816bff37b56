"""What the admin of every kind of content shares: here, the length limit on Markdown texts."""

import pytest
from django.core.management import call_command

from cases.models import CourtCase
from explainer.models import FAQItem, GlossaryTerm, Introduction, Topic
from tests.factories import CourtCaseFactory, FAQItemFactory, GlossaryTermFactory, TopicFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db

LINE = "Qualified immunity shields officials from suits for damages.\n"


def text_of(length):
    """Lines of Markdown, `length` characters in all (with no space at the end, which the form
    would strip)."""
    return (LINE * (length // len(LINE) + 1))[: length - 1] + "."


# Every Markdown field an editor types in: (model, how to make one, the field).
MARKDOWN_FIELDS = [
    (Introduction, lambda: Introduction.objects.create(title="QI", body="Hello."), "body"),
    (Topic, TopicFactory, "body"),
    (FAQItem, FAQItemFactory, "answer"),
    (GlossaryTerm, GlossaryTermFactory, "definition"),
    (CourtCase, CourtCaseFactory, "summary"),
]


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


@pytest.mark.parametrize(("model", "make", "field"), MARKDOWN_FIELDS)
def test_a_text_over_the_limit_is_refused_in_words_and_kept_in_the_form(
    admin_user_client, settings, model, make, field
):
    assert settings.MARKDOWN_MAX_LENGTH == 50_000
    obj = make()
    url = change_url(obj)
    typed = text_of(50_001)
    data = {**form_data(admin_user_client.get(url).text), field: typed}

    response = admin_user_client.post(url, data)

    assert response.status_code == 200
    assert (
        "This text is 50,001 characters long; a text may have at most 50,000. "
        "Shorten it, or split it into two." in response.text
    )
    assert form_data(response.text)[field] == typed
    assert getattr(model.objects.get(pk=obj.pk), field) != typed

    # Shortened in the form it came back in, it saves.
    again = {**form_data(response.text), field: typed[:50_000]}
    assert admin_user_client.post(url, again).status_code == 302
    assert getattr(model.objects.get(pk=obj.pk), field) == typed[:50_000]


def test_line_breaks_count_once_as_the_editor_sees_them(admin_user_client, settings):
    settings.MARKDOWN_MAX_LENGTH = len(LINE) * 10
    topic = TopicFactory()
    url = change_url(topic)
    typed = (LINE * 10).replace("\n", "\r\n")  # as browsers send a textarea
    data = {**form_data(admin_user_client.get(url).text), "body": typed}
    assert admin_user_client.post(url, data).status_code == 302


def test_the_limit_is_a_setting_that_needs_no_migration(admin_user_client, settings):
    settings.MARKDOWN_MAX_LENGTH = 100
    topic = TopicFactory()
    url = change_url(topic)
    data = {**form_data(admin_user_client.get(url).text), "body": text_of(101)}
    response = admin_user_client.post(url, data)
    assert "This text is 101 characters long; a text may have at most 100." in response.text
    # Raises SystemExit if the models differ from their migrations.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


class TestDatesThatAreLikelyMistakes:
    """Saved, with a warning in words."""

    def messages(self, client, url, **changes):
        data = form_data(client.get(url).text, form_id=None)
        data.update(changes)
        response = client.post(url, data, follow=True)
        assert response.redirect_chain  # saved
        return [str(message) for message in response.context["messages"]]

    def test_a_draft_with_a_time_to_come_is_told_it_never_goes_public_by_itself(
        self, admin_user_client
    ):
        topic = TopicFactory(draft=True)
        said = self.messages(
            admin_user_client,
            f"/admin/explainer/topic/{topic.pk}/change/",
            published_at_0="2099-01-01",
            published_at_1="12:00:00",
        )
        assert any("never goes public by itself" in words for words in said)
        assert any("more than a year away (1 January 2099" in words for words in said)

    def test_a_case_decided_in_a_year_to_come_is_questioned(self, admin_user_client):
        case = CourtCaseFactory(name="Future v. Past")
        url = f"/admin/cases/courtcase/{case.pk}/change/"
        said = self.messages(admin_user_client, url, year="2031")
        assert (
            "“Future v. Past” is dated 2031, a year still to come: check the year decided." in said
        )
        assert CourtCase.objects.get(pk=case.pk).year == 2031

    def test_ordinary_dates_say_nothing_of_the_kind(self, admin_user_client):
        case = CourtCaseFactory()
        said = self.messages(admin_user_client, f"/admin/cases/courtcase/{case.pk}/change/")
        assert not any("check the year" in words or "by itself" in words for words in said)


class TestTheIndexSaysWhatNeedsYou:
    def test_counts_each_with_the_link_to_its_list(self, staff_client):
        TopicFactory(draft=True)
        TopicFactory(draft=True)
        TopicFactory(scheduled=True)
        CourtCaseFactory(draft=True)
        page = staff_client.get("/admin/").text
        assert '<a href="/admin/explainer/topic/?state=draft">2 drafts</a>' in page
        assert '<a href="/admin/explainer/topic/?state=scheduled">1 scheduled</a>' in page
        assert '<a href="/admin/cases/courtcase/?state=draft">1 draft</a>' in page
        # Every topic made here was never reviewed.
        assert '<a href="/admin/explainer/topic/?review=needed">3 to check</a>' in page

    def test_recent_changes_are_everyones(self, staff_client, admin_user_client):
        topic = TopicFactory(title="Changed by the other one")
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        data = form_data(admin_user_client.get(url).text, form_id=None)
        assert admin_user_client.post(url, {**data, "summary": "New."}).status_code == 302
        recent = staff_client.get("/admin/").text.split('id="recent-changes"')[1]
        assert "changed topic" in recent and "Changed by the other one" in recent


class TestImagesWithoutADescription:
    def test_saving_a_text_whose_image_has_no_alt_text_warns_and_saves(self, admin_user_client):
        topic = TopicFactory()
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        data = form_data(admin_user_client.get(url).text, form_id=None)
        data["body"] = "A chart:\n\n![](/media/markdownx/chart.png)"
        response = admin_user_client.post(url, data, follow=True)
        said = [str(message) for message in response.context["messages"]]
        assert any("An image in “body” has no description" in words for words in said)
        assert Topic.objects.get(pk=topic.pk).body.endswith("(/media/markdownx/chart.png)")

    def test_a_described_image_says_nothing(self, admin_user_client):
        topic = TopicFactory()
        url = f"/admin/explainer/topic/{topic.pk}/change/"
        data = form_data(admin_user_client.get(url).text, form_id=None)
        data["body"] = "![A chart of claims](/media/markdownx/chart.png)"
        response = admin_user_client.post(url, data, follow=True)
        assert not any("no description" in str(m) for m in response.context["messages"])
