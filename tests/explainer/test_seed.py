"""The seed document is reproduced on the explainer, every paragraph and bullet of it."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

# A verbatim copy of the seed document lives beside the content made from it, so these tests
# run anywhere; the last test checks the copy against the original when ../shared is there.
SEED = settings.BASE_DIR / "explainer" / "content" / "seed.txt"
SHARED_SEED = settings.BASE_DIR.parent / "shared" / "seed" / "000_cb2d100556acdf3d.txt"
BULLETS = "▪•●"


def seed_passages(text):
    """The seed's paragraphs and bullets, with the PDF's wrapping and glyphs undone."""
    passages, lines = [], []

    def flush():
        if lines:
            passages.append(normalise(join_wrapped(lines)))
            lines.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line[0] in BULLETS:
            flush()
            lines.append(line[1:].strip())
        else:
            lines.append(line)
    flush()
    return [passage for passage in passages if passage]


def join_wrapped(lines):
    """Join wrapped lines; a line ending in a hyphen continues the word ('split-' 'second')."""
    joined = ""
    for line in lines:
        if joined.endswith("-"):
            joined += line
        else:
            joined = f"{joined} {line}" if joined else line
    return joined


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


BLOCK_TAGS = {
    "p", "li", "ul", "ol", "div", "section", "article", "header", "footer", "nav", "main",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "details", "summary",
    "blockquote", "dl", "dt", "dd", "br",
}  # fmt: skip


class TextOf(HTMLParser):
    """The text a reader sees in a page's <body>: inline pieces run together, blocks apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self.skip += 1
        if tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self.skip -= 1
        if tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return normalise("".join(parser.parts))


@pytest.fixture
def seed_text():
    return SEED.read_text(encoding="utf-8")


def test_the_parser_finds_the_seeds_passages(seed_text):
    passages = seed_passages(seed_text)
    assert "Qualified Immunity" in passages
    assert any(p.startswith("Qualified immunity does not apply when state") for p in passages)
    assert any("split-second" in p for p in passages)
    assert not any(glyph in p for p in passages for glyph in BULLETS)


def test_every_paragraph_and_bullet_of_the_seed_is_on_the_explainer(
    client, shipped_content, seed_text
):
    page = TextOf.of(client.get("/").content.decode())
    missing = [passage for passage in seed_passages(seed_text) if passage not in page]
    assert not missing, f"{len(missing)} passages of the seed are not on /:\n" + "\n".join(missing)


def test_each_court_finding_keeps_its_citation(client, shipped_content):
    page = TextOf.of(client.get("/").content.decode())
    for citation in (
        "Pearson v. Callahan, 555 U.S. 223 (2009)",
        "Ziglar v. Abbasi, 137 S. Ct. 1843 (2017)",
        "Mullenix v. Luna, 136 S. Ct. 305 (2015).",
    ):
        assert citation in page


def test_the_copy_is_the_shared_seed_document():
    if not SHARED_SEED.exists():
        pytest.skip(f"No ../shared beside this checkout to compare with ({SHARED_SEED}).")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()
