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
