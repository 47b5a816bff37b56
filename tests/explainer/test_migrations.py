"""Data migrations, run as an upgrade runs them: on rows written by the code before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("explainer", "0007_editors_glossary_rights")]
AFTER = [("explainer", "0008_faq_anchor_prefix")]

OLD_ANSWER = (
    '<p><a href="#same-term-good-faith" class="glossary-term">Good faith</a>.'
    '<sup id="same-fnref:1"><a href="#same-fn:1">1</a></sup></p>'
    '<div class="term-definition__body" id="same-term-good-faith"><p>Honest.</p></div>'
    '<p>See <a href="/topics/same/">the topic</a>.</p>'
)


def migrate(targets=None):
    """To `targets`, or to the latest of every app; the apps as of then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    migrate()


@pytest.mark.django_db(transaction=True)
def test_answers_anchors_move_to_their_own_prefix_and_back(back_to_latest):
    apps = migrate(BEFORE)
    Topic = apps.get_model("explainer", "Topic")
    FAQItem = apps.get_model("explainer", "FAQItem")
    topic = Topic.objects.create(title="Same", slug="same", summary="S.", body="B.")
    item = FAQItem.objects.create(
        question="Same?", slug="same", answer="A.", answer_html=OLD_ANSWER, topic=topic
    )

    apps = migrate(AFTER)
    html = apps.get_model("explainer", "FAQItem").objects.get(pk=item.pk).answer_html
    assert 'href="#faq-same-term-good-faith"' in html
    assert 'id="faq-same-term-good-faith"' in html
    assert 'id="faq-same-fnref:1"' in html
    assert 'href="#faq-same-fn:1"' in html
    assert 'href="/topics/same/"' in html  # other links untouched

    apps = migrate(BEFORE)
    assert apps.get_model("explainer", "FAQItem").objects.get(pk=item.pk).answer_html == OLD_ANSWER
