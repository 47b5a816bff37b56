"""Data migrations, run as an upgrade runs them: on rows written by the code before them."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Version as ReversionVersion

from explainer.models import CaseTopic

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
    applied = [target for target in targets if target[1] is not None]  # (app, None): none of it
    return executor.loader.project_state(applied).apps


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


BEFORE_THE_CORE = [
    ("cases", "0007_index_the_public_count"),
    ("explainer", "0008_faq_anchor_prefix"),
    ("qiportal", None),
    ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
]


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_keeps_mentions_topics_history_and_rights(back_to_latest):
    """The case index's mentions name their texts another way, and the topics of a case, the
    search entries and their history move to the apps that own them: nothing is lost, old
    versions still restore, and the Editors keep their rights."""
    apps = migrate(BEFORE_THE_CORE)
    Court, CourtCase = apps.get_model("cases", "Court"), apps.get_model("cases", "CourtCase")
    Mention, OldCaseTopic = apps.get_model("cases", "Mention"), apps.get_model("cases", "CaseTopic")
    Topic, FAQItem = apps.get_model("explainer", "Topic"), apps.get_model("explainer", "FAQItem")
    Introduction = apps.get_model("explainer", "Introduction")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision, Version = (
        apps.get_model("reversion", "Revision"),
        apps.get_model("reversion", "Version"),
    )

    court = Court.objects.create(name="A court", short_name="A", slug="a")
    case = CourtCase.objects.create(
        name="Old v. Case", slug="old", court=court, year=2001, holding="H.", outcome="granted"
    )
    topic = Topic.objects.create(title="T", slug="t", summary="S.", body="B.")
    answer = FAQItem.objects.create(question="Q?", slug="q", answer="A.", topic=topic)
    intro = Introduction.objects.create(title="I", body="B.")
    key = {"volume": 555, "reporter": "U.S.", "page": 223}
    for source in ({"topic": topic}, {"faq_item": answer}, {"introduction": intro}):
        Mention.objects.create(case=case, linked=True, **key, **source)
    Mention.objects.create(citing_case=case, **key)  # a case citing itself, say
    link = OldCaseTopic.objects.create(case=case, topic=topic)
    old_type, _ = ContentType.objects.get_or_create(app_label="cases", model="casetopic")
    right, _ = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=old_type, codename="change_casetopic", defaults={"name": "Can change"}
    )
    apps.get_model("auth", "Group").objects.get_or_create(name="Editors")[0].permissions.add(right)
    kept = Version.objects.create(
        revision=Revision.objects.create(date_created=timezone.now(), comment="Before."),
        object_id=str(link.pk),
        content_type=old_type,
        db="default",
        format="json",
        serialized_data=json.dumps(
            [
                {
                    "model": "cases.casetopic",
                    "pk": link.pk,
                    "fields": {"case": case.pk, "topic": topic.pk},
                }
            ]
        ),
        object_repr="Old v. Case under T",
    )

    apps = migrate()
    mentions = apps.get_model("cases", "Mention").objects.values_list("text_type", "text_id")
    assert sorted(mentions) == sorted(
        [
            ("explainer.topic", topic.pk),
            ("explainer.faqitem", answer.pk),
            ("explainer.introduction", intro.pk),
            ("cases.courtcase", case.pk),
        ]
    )
    assert list(apps.get_model("explainer", "Topic").objects.get(pk=topic.pk).cases.all()) == [
        apps.get_model("cases", "CourtCase").objects.get(pk=case.pk)
    ]
    assert ContentType.objects.get(pk=old_type.pk).app_label == "explainer"
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(
        content_type__app_label="explainer", codename="change_casetopic"
    ).exists()
    assert ContentType.objects.filter(app_label="qiportal", model="searchentry").exists()
    restored = ReversionVersion.objects.get(pk=kept.pk)._object_version.object
    assert isinstance(restored, CaseTopic)
    assert (restored.case_id, restored.topic_id) == (case.pk, topic.pk)

    apps = migrate(BEFORE_THE_CORE)  # and back down, the mentions with their columns
    assert apps.get_model("cases", "Mention").objects.filter(topic_id=topic.pk).count() == 1
    assert apps.get_model("cases", "Mention").objects.filter(citing_case_id=case.pk).count() == 1
    assert ContentType.objects.get(pk=old_type.pk).app_label == "cases"
