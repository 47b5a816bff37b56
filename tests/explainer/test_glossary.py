"""Key terms: defined in the admin, opened from their first use, readable in place."""

import re

import pytest

from explainer.models import FAQItem, GlossaryTerm, Topic
from tests.factories import FAQItemFactory, GlossaryTermFactory, TopicFactory

pytestmark = pytest.mark.django_db


def term_links(html):
    """(the definition it opens, the word) for each key term's word in `html`."""
    return re.findall(
        r'<button type="button" class="glossary-term" popovertarget="([^"]+)"[^>]*>(.*?)</button>',
        html,
    )


@pytest.fixture
def good_faith():
    return GlossaryTermFactory(
        term="good faith", slug="good-faith", definition="An *honest* belief that it is lawful."
    )


def test_the_first_use_opens_its_definition_in_place(good_faith):
    topic = TopicFactory(slug="t", body="Act in good faith. Good faith again. And good faith.")
    assert term_links(topic.body_html) == [("t-term-good-faith", "good faith")]
    assert (
        '<div class="term-popover" id="t-term-good-faith" popover="" role="note" '
        'aria-label="Key term: good faith"><p class="term-popover__term"><dfn>good faith</dfn></p>'
        "<p>An <em>honest</em> belief that it is lawful.</p>"
    ) in topic.body_html
    # Where popovers are not known, the word becomes a link to the glossary (terms.js).
    assert 'data-glossary="/glossary/#good-faith"' in topic.body_html
    assert "Key term:</summary>" not in topic.body_html


def test_each_text_links_its_own_first_use(good_faith):
    topic = TopicFactory(slug="a", body="In good faith.")
    faq = FAQItemFactory(slug="b", answer="Also in good faith.", topic=topic)
    assert term_links(topic.body_html) == [("a-term-good-faith", "good faith")]
    assert term_links(faq.answer_html) == [("faq-b-term-good-faith", "good faith")]


def test_an_answer_named_like_its_topic_repeats_no_id_on_the_topic_page(client, good_faith):
    """Both texts define the term in place; following either link opens its own definition."""
    topic = TopicFactory(slug="same", body="Good faith, here.[^1]\n\n[^1]: A note.")
    FAQItemFactory(slug="same", answer="Good faith, there.[^1]\n\n[^1]: Another.", topic=topic)

    page = client.get(topic.get_absolute_url()).text

    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in ids or target == "main"


@pytest.mark.parametrize(
    "body",
    [
        "[good faith](https://example.org)",
        "## Good faith",
        "`good faith`",
        "```\ngood faith\n```",
        "goodfaith and bad faith and faithful goods",
    ],
)
def test_never_inside_a_link_heading_or_code_nor_inside_a_word(good_faith, body):
    assert term_links(TopicFactory(body=body).body_html) == []


def test_after_a_skipped_use_the_next_one_is_linked(good_faith):
    html = TopicFactory(slug="t", body="## Good faith\n\n`good faith` then good faith.").body_html
    assert term_links(html) == [("t-term-good-faith", "good faith")]
    assert html.index('class="glossary-term"') > html.index("<code>")


def test_other_forms_link_and_keep_the_readers_letter_case():
    GlossaryTermFactory(term="peace officer", slug="peace-officer", variants="peace officers")
    html = TopicFactory(slug="t", body="Peace officers may be liable.").body_html
    assert term_links(html) == [("t-term-peace-officer", "Peace officers")]


def test_a_longer_term_wins_over_a_shorter_one_inside_it():
    GlossaryTermFactory(term="immunity", slug="immunity")
    GlossaryTermFactory(term="qualified immunity", slug="qualified-immunity")
    html = TopicFactory(slug="t", body="Qualified immunity differs from immunity.").body_html
    assert term_links(html) == [
        ("t-term-qualified-immunity", "Qualified immunity"),
        ("t-term-immunity", "immunity"),
    ]


def test_texts_are_linked_again_when_a_term_is_added_changed_or_removed():
    topic = TopicFactory(slug="t", body="Officers must not be liable.")
    faq = FAQItemFactory(slug="q", answer="Who is liable?")
    assert term_links(topic.body_html) == []

    term = GlossaryTermFactory(term="liable", slug="liable", definition="First wording.")
    assert term_links(Topic.objects.get(pk=topic.pk).body_html) == [("t-term-liable", "liable")]
    answer = FAQItem.objects.get(pk=faq.pk).answer_html
    assert term_links(answer) == [("faq-q-term-liable", "liable")]

    term.definition = "Better wording."
    term.save()
    assert "Better wording." in Topic.objects.get(pk=topic.pk).body_html

    GlossaryTerm.objects.filter(pk=term.pk).unpublish()
    assert term_links(Topic.objects.get(pk=topic.pk).body_html) == []
    GlossaryTerm.objects.filter(pk=term.pk).publish_now()
    assert term_links(Topic.objects.get(pk=topic.pk).body_html) != []
    term.delete()
    assert term_links(Topic.objects.get(pk=topic.pk).body_html) == []


def test_a_draft_term_is_not_linked():
    GlossaryTermFactory(term="warrant", slug="warrant", draft=True)
    assert term_links(TopicFactory(body="A warrant.").body_html) == []


def test_no_key_term_rows_between_paragraphs(client, good_faith):
    """The definitions wait, hidden, in a group that takes no room: the paragraphs follow each
    other as written."""
    topic = TopicFactory(body="In good faith.\n\nNext paragraph.")
    page = client.get(topic.get_absolute_url()).text
    assert "<details" not in topic.body_html and "Key term: " not in strip_tags_between(page)


def strip_tags_between(page):
    """The words a reader sees before opening anything: no popover's content."""
    return re.sub(r'<div class="term-popover".*?</div>', "", page, flags=re.S)


def test_definitions_follow_the_paragraph_or_end_the_list_item(good_faith):
    html = TopicFactory(body="- In good faith, said the list.\n- Second item.").body_html
    assert re.search(r"<li>In .*?</button>, said the list\.<div class=\"term-definitions\">", html)
    html = TopicFactory(body="In good faith.\n\nNext paragraph.").body_html
    assert re.search(
        r"In .*?</button>\.</p><div class=\"term-definitions\">.*</div>\s*<p>Next", html, re.S
    )


def test_the_glossary_page_lists_published_terms_with_anchors(client, good_faith):
    GlossaryTermFactory(term="draft term", slug="draft-term", draft=True)
    page = client.get("/glossary/").text
    assert '<div class="terms__item" id="good-faith">' in page
    assert "<p>An <em>honest</em> belief that it is lawful.</p>" in page
    assert "draft term" not in page


def test_the_shipped_glossary_links_the_seed_terms(client, shipped_content):
    html = Topic.objects.get(slug="colorado-senate-bill-20-217").body_html
    linked = {text.lower() for _, text in term_links(html)}
    assert {"qualified immunity", "peace officer", "indemnify", "good faith", "judgment"} <= linked
    page = client.get("/glossary/").text
    for term in ("qualified immunity", "civil liability", "clearly established right",
                 "good faith", "indemnify", "absolute immunity", "peace officer",
                 "frivolous litigation"):  # fmt: skip
        assert f"<dfn>{term}</dfn>" in page


def test_search_reads_the_text_as_readers_do_without_the_definitions(client, good_faith):
    """A word only in a key term's definition does not make a topic a match, nor its snippet."""
    TopicFactory(title="Acting in good faith", body="Officers acted in good faith.")
    assert "Acting in good faith" in client.get("/search/", {"q": "officers"}).text
    page = client.get("/search/", {"q": "honest"}).text
    assert "Acting in good faith" not in page
