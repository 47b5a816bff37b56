"""A slug becomes an anchor on the page that shows its item: it may not take an id the page
uses for its own parts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from explainer.models import FAQItem
from qiportal.anchors import not_a_page_id
from tests.factories import TopicFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# An id made of a slug alone is the item's own anchor; every other id is the page's.
ITEM_ANCHOR = re.compile(r"^\{\{ (?:item|topic|term)\.slug \}\}$")
# The admin's pages, and the history's (django-reversion's and reversion-compare's, as the
# portal words them).
ADMIN_PAGES = {"admin", "reversion", "reversion-compare"}


def page_ids():
    """Every id the public templates write, a slug or name in it stood in for by 'sample'
    (the admin's pages show no item by its anchor)."""
    for template in TEMPLATES.rglob("*.html"):
        if template.relative_to(TEMPLATES).parts[0] in ADMIN_PAGES:
            continue
        for found in re.findall(r'\bid="([^"]+)"', template.read_text()):
            if not ITEM_ANCHOR.match(found):
                yield template.name, re.sub(r"\{\{[^}]*\}\}", "sample", found)


@pytest.mark.parametrize(("template", "page_id"), sorted(set(page_ids())))
def test_no_slug_can_take_an_id_of_the_page_itself(template, page_id):
    with pytest.raises(ValidationError):
        not_a_page_id(page_id)


@pytest.mark.parametrize(
    "slug", ["what-is-qualified-immunity", "cite-this", "queue", "main-points"]
)
def test_ordinary_slugs_are_accepted(slug):
    not_a_page_id(slug)


@pytest.mark.django_db
def test_an_answer_named_like_the_cite_box_is_refused_in_words(staff_client):
    topic = TopicFactory()
    response = staff_client.post(
        "/admin/explainer/faqitem/add/",
        {
            "question": "How do I cite this page?",
            "slug": "cite-page",
            "topic": topic.pk,
            "answer": "Words I typed.",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "00:00:00",
            "position": "1",
        },
    )
    assert response.status_code == 200
    assert "is a name the page itself uses for one of its parts" in response.text
    assert "Words I typed." in response.text
    assert not FAQItem.objects.exists()
