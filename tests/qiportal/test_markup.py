"""The one Markdown pipeline: what it keeps, and what it removes."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from explainer.models import Topic
from qiportal.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from tests.factories import FAQItemFactory, TopicFactory
from tests.qiportal.hostile import HOSTILE_MARKDOWN

SAFE_SCHEMES = {"", "http", "https", "mailto"}
GENERATED_ATTRIBUTES = {"rel", "class"}  # added by the sanitiser, or filtered by class


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html):
    parser = Elements()
    parser.feed(html)
    return parser.found


def assert_safe(html):
    """Only allowed tags and attributes, no event handlers, no dangerous URLs."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {html!r}"
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | GENERATED_ATTRIBUTES
        for name, value in attrs.items():
            assert name in allowed, f"{name}= survived on <{tag}> in {html!r}"
            assert not name.startswith("on")
            if name in {"href", "src"}:
                assert urlsplit(value.strip()).scheme.lower() in SAFE_SCHEMES, value
            if name == "src":
                assert value.startswith("/media/"), f"foreign image {value!r}"
            if name == "style":
                assert value.replace(" ", "").startswith("text-align:"), value
    for needle in ("<script", "<iframe", "<style", "<form", "<object", "<embed", "<svg"):
        assert needle not in html.lower(), f"{needle} survived in {html!r}"


def test_there_are_enough_hostile_inputs():
    assert len(HOSTILE_MARKDOWN) >= 20


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_hostile_markdown_renders_safely(source):
    assert_safe(render_markdown(source))


@pytest.mark.django_db
@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_saved_content_keeps_the_source_and_stores_safe_html(source):
    topic = TopicFactory(body=source)
    faq = FAQItemFactory(answer=source, topic=topic)
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.body == source  # nothing an editor wrote is lost
    assert faq.answer == source
    assert_safe(topic.body_html)
    assert_safe(faq.answer_html)


def test_script_content_is_removed_not_shown_as_text():
    assert "alert" not in render_markdown("Before <script>alert(1)</script> after")


def test_iframe_style_and_form_are_removed_with_what_is_inside():
    html = render_markdown("<iframe>frame</iframe><style>p{}</style><form>form text</form>ok")
    assert html == "<p>ok</p>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("*em* and **strong**", "<p><em>em</em> and <strong>strong</strong></p>"),
        ("# Heading", "<h3>Heading</h3>"),
        ("## Sub", "<h4>Sub</h4>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        (
            "[site](https://example.org)",
            '<p><a href="https://example.org" rel="noopener noreferrer">site</a></p>',
        ),
        (
            "[mail](mailto:editor@example.org)",
            '<p><a href="mailto:editor@example.org" rel="noopener noreferrer">mail</a></p>',
        ),
        (
            "[case](/cases/pearson-v-callahan/)",
            '<p><a href="/cases/pearson-v-callahan/" rel="noopener noreferrer">case</a></p>',
        ),
        (
            "![A chart](/media/uploads/chart.png)",
            '<p><img alt="A chart" src="/media/uploads/chart.png"></p>',
        ),
    ],
)
def test_the_allow_list_keeps_what_editors_need(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    "src",
    [
        "/media/../manage.py",
        "/media/%2e%2e/manage.py",
        "/media/%2E%2E/%2e%2e/etc/passwd",
        "/media/uploads/.%2e/.%2E/db.sqlite3",
        "/media/%2e./x.png",
        "/media/uploads%5c..%5cx.png",
        "/media/uploads%5C%2e%2e%5Cx.png",
    ],
)
def test_images_that_climb_out_of_the_media_folder_are_removed(src):
    for source in (f"![x]({src})", f'<img src="{src}" alt="x">'):
        html = render_markdown(source)
        assert "src=" not in html, html


def test_tables_keep_their_alignment_only():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in html and "<th>a</th>" not in html
    assert '<td style="text-align:right">2</td>' in html.replace(
        "text-align: right", "text-align:right"
    )


def test_footnotes_link_both_ways_and_carry_a_prefix():
    html = render_markdown("Claim.[^1]\n\n[^1]: Source.", anchor_prefix="topic-a")
    assert 'href="#topic-a-fn:1"' in html
    assert 'id="topic-a-fn:1"' in html
    assert 'href="#topic-a-fnref:1"' in html
    assert 'id="topic-a-fnref:1"' in html


def test_two_bodies_on_one_page_have_different_footnote_ids():
    first = render_markdown("A[^1]\n\n[^1]: x", anchor_prefix="one")
    second = render_markdown("B[^1]\n\n[^1]: y", anchor_prefix="two")
    ids = {attrs["id"] for html in (first, second) for _, attrs in elements(html) if "id" in attrs}
    assert len(ids) == 4


@pytest.mark.parametrize(
    "source",
    [
        '<p id="main">x</p>',
        # Footnotes may carry ids on these two, but only footnotes' own ("fn:1", "fnref:1").
        'Text<sup id="main">1</sup>',
        '<ol><li id="cite-page">x</li></ol>',
    ],
)
def test_editors_cannot_set_their_own_ids(source):
    """An id of the editor's own could take the page's (the main content's, the Copy box's)."""
    assert "id=" not in render_markdown(source)


def test_empty_source_renders_empty():
    assert render_markdown("") == ""
