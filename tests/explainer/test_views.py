import pytest
from django.utils import timezone

from explainer.models import Topic
from tests.factories import CitationFactory, CourtCaseFactory, FAQItemFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_explainer_shows_the_introduction_contents_and_sections_in_order(client, shipped_content):
    page = client.get("/").text
    assert "<h1>Qualified Immunity</h1>" in page
    assert "Every day, law enforcement officers work to keep Colorado communities safe." in page
    slugs = [
        "what-is-qualified-immunity",
        "what-does-qualified-immunity-not-protect",
        "qualified-immunity-vs-other-legal-immunities",
        "qualified-immunity-in-the-courts",
        "practical-effects-of-qualified-immunity",
        "colorado-senate-bill-20-217",
    ]
    for slug in slugs:
        assert f'<a href="#{slug}">' in page  # the table of contents
        assert f'<section class="topic" id="{slug}"' in page
    positions = [page.index(f'<section class="topic" id="{slug}"') for slug in slugs]
    assert positions == sorted(positions)


def test_contents_show_each_topics_summary(client):
    TopicFactory(title="Alpha", summary="The first thing to know.")
    page = client.get("/").text
    assert "The first thing to know." in page


def test_explainer_follows_the_editors_order(client):
    TopicFactory(title="Shown second", slug="second", position=20)
    TopicFactory(title="Shown first", slug="first", position=10)
    page = client.get("/").text
    assert page.index('id="first"') < page.index('id="second"')


def test_topic_page_has_its_answers_cases_and_neighbours(client):
    first = TopicFactory(title="First topic", position=1)
    topic = TopicFactory(title="Middle topic", position=2, summary="What this is about.")
    last = TopicFactory(title="Last topic", position=3)
    FAQItemFactory(topic=topic, question="Is this answered here?")
    case = CitationFactory(volume=555, reporter="U.S.", page=223).case
    case.topics.add(topic)

    response = client.get(topic.get_absolute_url())
    page = response.text
    assert "<h1>Middle topic</h1>" in page
    assert '<meta name="description" content="What this is about.">' in page
    assert "Is this answered here?" in page
    assert case.name in page and "555 U.S. 223" in page
    assert f'href="{first.get_absolute_url()}" rel="prev"' in page
    assert f'href="{last.get_absolute_url()}" rel="next"' in page


def test_faq_groups_answers_by_topic_each_with_its_own_anchor(client):
    one, two = TopicFactory(title="Topic one", position=1), TopicFactory(title="Topic two")
    FAQItemFactory(topic=two, question="Second group?", slug="second-group")
    FAQItemFactory(topic=one, question="First group?", slug="first-group")
    page = client.get("/faq/").text
    assert 'id="first-group"' in page and 'id="second-group"' in page
    group_one, group_two = page.index(">Topic one</h2>"), page.index(">Topic two</h2>")
    assert group_one < page.index('id="first-group"') < group_two < page.index('id="second-group"')


def test_unknown_topic_is_a_styled_404(client):
    response = client.get("/topics/no-such-topic/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "not legal advice" in response.text  # the site's own template, not Django's


def test_unknown_address_is_a_styled_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/", 2),
        ("/faq/", 3),
        # Its text, answers, cases, neighbours, its laws, and the timeline's picture (cases,
        # relations).
        ("/topics/qualified-immunity-in-the-courts/", 8),
        # The cases, the relations, and the topics for the filter: none per case or relation.
        ("/timeline/", 3),
        ("/timeline/?kind=relies-on&topic=qualified-immunity-in-the-courts", 3),
    ],
)
def test_public_pages_use_a_fixed_number_of_queries(
    client, shipped_content, count_queries, url, queries
):
    with count_queries(queries):
        assert client.get(url).status_code == 200


def test_topic_page_queries_do_not_grow_with_its_cases(client, count_queries):
    topic = TopicFactory()
    for _ in range(30):
        CitationFactory().case.topics.add(topic)
    with count_queries(6):  # the topic, its answers, cases and their citations, laws, neighbours
        client.get(topic.get_absolute_url())


def test_faq_queries_do_not_grow_with_the_answers(client, count_queries):
    for _ in range(5):
        FAQItemFactory.create_batch(6, topic=TopicFactory())
    # Topics, their answers, and the answers' plain text for the page's structured data.
    with count_queries(3):
        page = client.get("/faq/").text
    assert page.count('class="faq-item"') == 30


def test_case_without_citations_renders(client):
    case = CourtCaseFactory()
    assert "None recorded" in client.get(case.get_absolute_url()).text


def test_the_last_change_is_given_to_machines_in_whole_seconds(client):
    """HTML's date-time syntax allows three digits of a fraction at most; Python gives six."""
    topic = TopicFactory()
    topic.updated_at = topic.updated_at.replace(microsecond=123456)
    Topic.objects.filter(pk=topic.pk).update(updated_at=topic.updated_at)

    page = client.get(topic.get_absolute_url()).text

    moment = timezone.localtime(topic.updated_at).replace(microsecond=0).isoformat()
    assert f'<time datetime="{moment}">' in page
