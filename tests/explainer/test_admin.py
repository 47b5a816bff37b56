"""Staff edit through the admin forms, and readers see the result."""

import pytest

from explainer.models import CaseTopic, FAQItem, Introduction, Topic
from qiportal.publishing import PublishState
from tests.factories import CourtCaseFactory, FAQItemFactory, TopicFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def topic_form(**overrides):
    data = {
        "title": "A new topic",
        "slug": "a-new-topic",
        "summary": "What the new topic is about.",
        "body": "The *new* topic's text.",
        "status": PublishState.PUBLISHED,
        "published_at_0": "2020-01-01",
        "published_at_1": "00:00:00",
        "position": "70",
        "last_reviewed": "",
    }
    data.update(overrides)
    return data


def test_topic_form_has_the_markdown_editor(admin_user_client):
    page = admin_user_client.get("/admin/explainer/topic/add/").text
    assert 'markdownx-editor"' in page
    preview = "/markdownx/markdownify/?text=explainer.topic&amp;item="
    assert f'data-markdownx-urls-path="{preview}"' in page
    assert "markdownx/js/markdownx" in page
    assert "Times are Mountain Time (America/Denver)." in page  # typed in the zone named
    assert "editor/editor.js" in page


def test_staff_add_a_topic_and_readers_see_it(admin_user_client, client):
    response = admin_user_client.post("/admin/explainer/topic/add/", topic_form())
    assert response.status_code == 302
    topic = Topic.objects.get(slug="a-new-topic")
    assert topic.body_html == "<p>The <em>new</em> topic's text.</p>"
    page = client.get("/").text
    assert "A new topic" in page and "The <em>new</em> topic" in page


def test_staff_change_a_topic_and_the_public_page_follows(admin_user_client, client):
    topic = TopicFactory(body="Old words.")
    data = topic_form(title=topic.title, slug=topic.slug, body="Fresh **words**.")
    response = admin_user_client.post(f"/admin/explainer/topic/{topic.pk}/change/", data)
    assert response.status_code == 302
    page = client.get(topic.get_absolute_url()).text
    assert "Fresh <strong>words</strong>." in page
    assert "Old words." not in page


def test_a_duplicate_slug_is_explained_and_the_typed_text_kept(admin_user_client):
    TopicFactory(slug="taken", title="The first one")
    data = topic_form(slug="taken", body="Words I typed and must not lose.")
    response = admin_user_client.post("/admin/explainer/topic/add/", data)
    assert response.status_code == 200
    assert (
        "Another topic, “The first one”, already has the address (slug) “taken”. Choose one of "
        "this topic&#x27;s own." in response.text
    )
    assert "Words I typed and must not lose." in response.text
    assert Topic.objects.filter(slug="taken").count() == 1


def test_a_missing_field_is_explained_and_the_typed_text_kept(admin_user_client):
    response = admin_user_client.post(
        "/admin/explainer/topic/add/", topic_form(title="", body="Keep this body.")
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Keep this body." in response.text
    assert not Topic.objects.filter(slug="a-new-topic").exists()


def test_staff_add_an_faq_item_and_readers_see_it(admin_user_client, client):
    topic = TopicFactory()
    page = admin_user_client.get("/admin/explainer/faqitem/add/").text
    assert 'markdownx-editor"' in page
    response = admin_user_client.post(
        "/admin/explainer/faqitem/add/",
        {
            "question": "Can I ask this?",
            "slug": "can-i-ask-this",
            "topic": topic.pk,
            "answer": "Yes, *you* can.",
            "status": PublishState.PUBLISHED,
            "published_at_0": "2020-01-01",
            "published_at_1": "00:00:00",
            "position": "1",
        },
    )
    assert response.status_code == 302
    assert FAQItem.objects.get().answer_html == "<p>Yes, <em>you</em> can.</p>"
    page = client.get("/faq/").text
    assert 'id="can-i-ask-this"' in page and "Yes, <em>you</em> can." in page


def test_faq_slug_clash_is_explained(admin_user_client):
    item = FAQItemFactory(slug="taken", question="Who was first?")
    response = admin_user_client.post(
        "/admin/explainer/faqitem/add/",
        {"question": "Q?", "slug": "taken", "topic": item.topic.pk, "answer": "Typed answer."},
    )
    assert "Another FAQ item, “Who was first?”, already has the address (slug) “taken”." in (
        response.text
    )
    assert "Typed answer." in response.text


def test_the_introduction_is_edited_not_added_twice(admin_user_client, client, shipped_content):
    intro = Introduction.objects.get()
    assert admin_user_client.get("/admin/explainer/introduction/add/").status_code == 403
    response = admin_user_client.post(
        f"/admin/explainer/introduction/{intro.pk}/change/",
        {"title": "Qualified Immunity", "body": "A *new* opening."},
    )
    assert response.status_code == 302
    assert "A <em>new</em> opening." in client.get("/").text


def test_a_topic_with_answers_cannot_be_deleted_by_accident(admin_user_client):
    item = FAQItemFactory()
    page = admin_user_client.get(f"/admin/explainer/topic/{item.topic.pk}/delete/").text
    assert "would require deleting the following protected related objects" in page


def test_deleting_a_case_names_the_links_that_go_not_the_topics(admin_user_client):
    case = CourtCaseFactory()
    for topic in TopicFactory.create_batch(2):
        CaseTopic.objects.create(case=case, topic=topic)
    page = admin_user_client.get(f"/admin/cases/courtcase/{case.pk}/delete/").text
    assert "<li>Links between cases and topics: 2</li>" in page
    assert "Topics: 2" not in page
    assert Topic.objects.count() == 2  # only asked: nothing went


def test_the_topic_picker_offers_title_matches_first(admin_user_client):
    TopicFactory(title="What is qualified immunity?", body="Decided by the courts.", position=1)
    TopicFactory(title="Qualified immunity in the courts", body="Cases.", position=2)
    found = admin_user_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "explainer",
            "model_name": "faqitem",
            "field_name": "topic",
            "term": "courts",
        },
    ).json()["results"]
    assert [result["text"] for result in found] == [
        "Qualified immunity in the courts",
        "What is qualified immunity?",
    ]


def test_the_topic_picker_says_a_draft_topic_hides_its_answers(admin_user_client):
    TopicFactory(title="Drafted topic", draft=True)
    TopicFactory(title="Live topic")
    found = admin_user_client.get(
        "/admin/autocomplete/",
        {"app_label": "explainer", "model_name": "faqitem", "field_name": "topic"},
    ).json()["results"]
    assert {result["text"] for result in found} == {
        "Drafted topic (draft: not public; its answers are hidden too)",
        "Live topic",
    }


def test_an_answer_under_a_draft_topic_is_shown_as_hidden_not_published(admin_user_client):
    hidden = FAQItemFactory(question="Under a draft?", topic=TopicFactory(draft=True))
    shown = FAQItemFactory(question="Under a live topic?")
    listing = admin_user_client.get("/admin/explainer/faqitem/").text
    assert "Published, but hidden: its topic is a draft" in listing
    filtered = admin_user_client.get("/admin/explainer/faqitem/", {"state": "hidden"}).text
    assert hidden.question in filtered and shown.question not in filtered
    filtered = admin_user_client.get("/admin/explainer/faqitem/", {"state": "published"}).text
    assert shown.question in filtered and hidden.question not in filtered
    form = admin_user_client.get(f"/admin/explainer/faqitem/{hidden.pk}/change/").text
    assert "<strong>Published, but hidden:</strong> its topic is a draft." in form
    form = admin_user_client.get(f"/admin/explainer/faqitem/{shown.pk}/change/").text
    assert "Published, but hidden" not in form


def test_a_time_typed_wrong_is_refused_with_the_format(admin_user_client):
    topic = TopicFactory()
    data = form_data(admin_user_client.get(f"/admin/explainer/topic/{topic.pk}/change/").text)
    data.update(published_at_0="1st December", published_at_1="2pm")
    response = admin_user_client.post(f"/admin/explainer/topic/{topic.pk}/change/", data)
    assert "Enter the date as YYYY-MM-DD, for example 2026-12-01." in response.text
    assert "Enter the time as HH:MM, for example 14:30." in response.text
