"""Links follow the index: a citation links while its case is public, and never goes stale."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.messages import get_messages

from cases.models import CourtCase, Mention, texts_citing
from explainer.models import FAQItem, Introduction, Topic
from qiportal.publishing import PublishState
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    FAQItemFactory,
    TopicFactory,
    make_published_cases,
)
from tests.forms import form_data

pytestmark = pytest.mark.django_db

PEARSON_LINK = '<a href="/cases/pearson-v-callahan/" class="citation">555 U.S. 223</a>'


@contextmanager
def no_markdown_rendering():
    """Fail if anything renders Markdown: pages are served from what saving stored."""
    refuse = AssertionError("Markdown was rendered during a request")
    with mock.patch("qiportal.texts.render_markdown", side_effect=refuse):
        yield


def pearson(**kwargs):
    case = CourtCaseFactory(name="Pearson v. Callahan", slug="pearson-v-callahan", **kwargs)
    CitationFactory(case=case, volume=555, reporter="U.S.", page=223)
    return case


class TestShippedContent:
    SEED_LINKS = [
        '<a href="/cases/pearson-v-callahan/" class="citation">555 U.S. 223</a>',
        '<a href="/cases/ziglar-v-abbasi/" class="citation">137 S. Ct. 1843</a>',
        '<a href="/cases/mullenix-v-luna/" class="citation">136 S. Ct. 305</a>',
    ]

    @pytest.mark.parametrize("url", ["/", "/topics/qualified-immunity-in-the-courts/", "/faq/"])
    def test_every_seed_citation_links_to_its_case(self, client, shipped_content, url):
        page = client.get(url).text
        for link in self.SEED_LINKS:
            assert link in page

    @pytest.mark.parametrize("slug", ["pearson-v-callahan", "ziglar-v-abbasi", "mullenix-v-luna"])
    def test_each_seed_case_says_where_it_is_discussed(self, client, shipped_content, slug):
        page = client.get(f"/cases/{slug}/").text
        discussed = page[page.index("Discussed in") :]
        assert 'href="/topics/qualified-immunity-in-the-courts/"' in discussed
        assert 'href="/faq/#which-court-decisions-does-the-explainer-cite"' in discussed

    def test_the_topic_lists_the_cases_it_cites(self, client, shipped_content):
        page = client.get("/topics/qualified-immunity-in-the-courts/").text
        cited = page[page.index("Cases cited in this topic") :]
        for name in ("Pearson v. Callahan", "Ziglar v. Abbasi", "Mullenix v. Luna"):
            assert name in cited


def test_links_appear_and_disappear_with_the_case(client):
    topic = TopicFactory(body="As held in Pearson v. Callahan, 555 U.S. 223 (2009).")
    faq = FAQItemFactory(answer="See 555 U.S. 223.", topic=topic)
    intro = Introduction.objects.create(title="QI", body="Start with 555 U.S. 223.")

    case = pearson()  # added after the texts that cite it
    for model, obj, field in [
        (Topic, topic, "body_html"),
        (FAQItem, faq, "answer_html"),
        (Introduction, intro, "body_html"),
    ]:
        assert PEARSON_LINK in getattr(model.objects.get(pk=obj.pk), field)

    with no_markdown_rendering():
        assert PEARSON_LINK in client.get(topic.get_absolute_url()).text
        assert PEARSON_LINK in client.get("/faq/").text
        assert PEARSON_LINK in client.get("/").text

    case.status = PublishState.DRAFT  # unpublished: the link goes
    case.save()
    with no_markdown_rendering():
        page = client.get(topic.get_absolute_url()).text
    assert "555 U.S. 223" in page
    assert 'href="/cases/pearson-v-callahan/"' not in page

    case.status = PublishState.PUBLISHED  # published again: it comes back
    case.save()
    assert PEARSON_LINK in Topic.objects.get(pk=topic.pk).body_html


def test_refreshing_links_is_not_an_edit(client):
    topic = TopicFactory(body="See 555 U.S. 223.")
    changed = Topic.objects.get(pk=topic.pk).updated_at
    pearson()
    topic = Topic.objects.get(pk=topic.pk)
    assert PEARSON_LINK in topic.body_html
    assert topic.updated_at == changed


def test_a_new_citation_on_an_existing_case_links_the_texts_that_use_it():
    topic = TopicFactory(body="Also reported at 129 S. Ct. 808.")
    case = pearson()
    assert "<a" not in Topic.objects.get(pk=topic.pk).body_html
    CitationFactory(case=case, volume=129, reporter="S. Ct.", page=808)
    assert (
        '<a href="/cases/pearson-v-callahan/" class="citation">129 S. Ct. 808</a>'
        in Topic.objects.get(pk=topic.pk).body_html
    )


def test_a_changed_or_removed_citation_takes_its_link_away():
    topic = TopicFactory(body="See 555 U.S. 223.")
    case = pearson()
    citation = case.citations.get()
    citation.page = 224
    citation.save()
    assert "<a" not in Topic.objects.get(pk=topic.pk).body_html
    citation.page = 223
    citation.save()
    assert PEARSON_LINK in Topic.objects.get(pk=topic.pk).body_html
    citation.delete()
    assert "<a" not in Topic.objects.get(pk=topic.pk).body_html


def test_a_renamed_address_is_followed():
    topic = TopicFactory(body="See 555 U.S. 223.")
    case = pearson()
    case.slug = "pearson"
    case.save()
    assert 'href="/cases/pearson/"' in Topic.objects.get(pk=topic.pk).body_html


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_a_case_takes_its_links_away(how):
    topic = TopicFactory(body="See 555 U.S. 223.")
    case = pearson()
    if how == "instance":
        case.delete()
    else:
        CourtCase.objects.filter(pk=case.pk).delete()
    assert "<a" not in Topic.objects.get(pk=topic.pk).body_html


def test_case_summaries_link_to_other_cases():
    case = pearson()
    other = CourtCaseFactory(summary="Relied on 555 U.S. 223.")
    assert PEARSON_LINK in other.summary_html
    assert Mention.objects.get(Mention.in_text(other)).case == case


def test_which_texts_cite_a_case_is_recorded():
    case = pearson()
    topic = TopicFactory(body="555 U.S. 223")
    faq = FAQItemFactory(answer="Id. and 555 U.S. 223")
    assert set(texts_citing(case, Topic)) == {topic}
    assert set(texts_citing(case, FAQItem)) == {faq}
    topic.body = "No citation any more."
    topic.save()
    assert not texts_citing(case, Topic).exists()


def test_discussed_in_shows_only_public_texts(client):
    case = pearson()
    TopicFactory(title="Public topic citing it", body="555 U.S. 223")
    TopicFactory(title="Draft topic citing it", body="555 U.S. 223", draft=True)
    page = client.get(case.get_absolute_url()).text
    assert "Public topic citing it" in page
    assert "Draft topic citing it" not in page


def test_saving_a_text_with_unknown_citations_warns_and_still_saves(admin_user_client):
    pearson()
    response = admin_user_client.post(
        "/admin/explainer/topic/add/",
        {
            "title": "New",
            "slug": "new",
            "summary": "S.",
            "body": "Known 555 U.S. 223; unknown 999 U.S. 1 and 998 F.3d 2.",
            "status": PublishState.DRAFT,
            "published_at_0": "2020-01-01",
            "published_at_1": "00:00:00",
            "position": "1",
        },
    )
    assert response.status_code == 302
    assert Topic.objects.filter(slug="new").exists()
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("998 F.3d 2; 999 U.S. 1" in m and "not in the case index" in m for m in warnings)
    assert not any("555 U.S. 223" in m for m in warnings)


def test_no_warning_when_every_citation_is_known(admin_user_client):
    topic = TopicFactory(body="x")
    pearson()
    response = admin_user_client.post(
        f"/admin/explainer/topic/{topic.pk}/change/",
        {
            "title": topic.title,
            "slug": topic.slug,
            "summary": "S.",
            "body": "Only 555 U.S. 223.",
            "status": PublishState.PUBLISHED,
            "published_at_0": "2020-01-01",
            "published_at_1": "00:00:00",
            "position": "1",
        },
    )
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert not any("not in the case index" in m for m in warnings)


def test_a_topic_citing_1500_cases_saves_and_lists_them(
    admin_user_client, client, sqlite_with_its_smallest_limit
):
    cases = make_published_cases(1500)  # cited as 1000 U.S. 1, 1001 U.S. 1, ... 2499 U.S. 1
    topic = TopicFactory(body="To be written.")
    url = f"/admin/explainer/topic/{topic.pk}/change/"
    body = "See " + "; ".join(f"{1000 + n} U.S. 1" for n in range(1500)) + "."
    data = {**form_data(admin_user_client.get(url).text), "body": body}

    response = admin_user_client.post(url, data)

    assert response.status_code == 302
    assert not any("not in the case index" in str(m) for m in get_messages(response.wsgi_request))
    page = client.get(topic.get_absolute_url()).text
    cited = page[page.index("Cases cited in this topic") :]
    assert cited.count('href="/cases/bulk-') >= 1500
    assert page.count('class="citation"') == 1500
    assert topic.title in client.get(cases[1499].get_absolute_url()).text  # "Discussed in"

    CourtCase.objects.filter(pk__in=[case.pk for case in cases[:700]]).unpublish()
    assert Topic.objects.get(pk=topic.pk).body_html.count('class="citation"') == 800
