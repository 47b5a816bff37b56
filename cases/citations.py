"""
Case citations in text, found with eyecite (Free Law Project's citation extractor).

Citations are matched on volume, reporter and page only, never on party names: eyecite 2.7.8
attaches the wrong names to the second of two citations in consecutive sentences (its issue
#321), so short forms are resolved here by volume, reporter and pin page instead of by name.

This module knows nothing of the database: `link_citations()` takes a `lookup` that says where
each citation should point.
"""

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from eyecite import get_citations, resolve_citations
from eyecite.models import FullCaseCitation, IdCitation, ShortCaseCitation

from qiportal.htmltext import TextTree, element

# Text inside these is never linked: it is a link already, or code.
NOT_LINKED = {"a", "code", "pre"}

CITATION_FORM = "555 U.S. 223 (volume, reporter, first page)"


@dataclass(frozen=True, order=True)
class CitationKey:
    """A full citation's identity: what a case in the index is matched on."""

    volume: int
    reporter: str
    page: int

    def __str__(self):
        return f"{self.volume} {self.reporter} {self.page}"


def key_of(citation):
    """The key of an eyecite full or short case citation, or None without a numeric page."""
    volume, page = citation.groups.get("volume"), citation.groups.get("page")
    if not (volume and volume.isdigit() and page and page.isdigit()):
        return None
    return CitationKey(int(volume), citation.corrected_reporter(), int(page))


def parse_citation(text):
    """
    One citation as an editor types it ("555 U.S. 223", "129 S.Ct. 808"), normalised by eyecite
    ("129 S. Ct. 808"). Raises ValueError, in words, for anything eyecite cannot read as exactly
    one case citation with a page number.
    """
    text = " ".join(str(text).split())
    found = get_citations(text) if text else []
    if len(found) == 1 and isinstance(found[0], FullCaseCitation):
        citation = found[0]
        key = key_of(citation)
        if key and citation.span() == (0, len(text)):
            return key
    raise ValueError(
        f"“{text}” is not a case citation. Write volume, reporter and first page, "
        f"for example {CITATION_FORM}."
    )


@dataclass
class Target:
    """Where a citation should point: a case's page (url), and the case's id for the record."""

    url: str | None
    case_id: int | None


@dataclass
class Linked:
    html: str
    # Every citation found, short forms resolved to the full citation they refer to.
    mentions: list[CitationKey] = field(default_factory=list)
    # Full citations that matched no case in the index.
    unmatched: list[CitationKey] = field(default_factory=list)
    # What the lookup answered for the citations found.
    targets: dict = field(default_factory=dict)


def link_citations(html, lookup):
    """
    Link every citation in `html` that `lookup` knows.

    `lookup(keys)` answers {key: Target} for the keys it knows. Short forms ("555 U.S. at 236",
    "Id.") are linked to what their full citation is linked to. Text inside links and code is
    read (for context) but never linked.
    """
    if not html or not re.search(r"\d", html):
        return Linked(html)
    tree = TextTree(html, skip=NOT_LINKED)
    earlier = EarlierFullCitations()
    resolutions = resolve_citations(
        get_citations(tree.text),
        resolve_full_citation=earlier.resolve_full,
        resolve_shortcase_citation=earlier.resolve_short,
        resolve_supra_citation=lambda citation, resolved: None,
        resolve_reference_citation=lambda citation, resolved: None,
    )
    resolutions = {key: cites for key, cites in resolutions.items() if key is not None}
    targets = lookup(set(resolutions)) if resolutions else {}

    spans = []
    for key, citations in resolutions.items():
        target = targets.get(key)
        if not (target and target.url):
            continue
        for citation in citations:
            if isinstance(citation, FullCaseCitation | ShortCaseCitation | IdCitation):
                start, end = citation.span()
                spans.append(
                    (start, end, partial(element, "a", href=target.url, class_="citation"))
                )
    tree.wrap(spans)
    mentions = sorted(resolutions)
    unmatched = [key for key in mentions if key not in targets]
    return Linked(tree.html() if tree.changed else html, mentions, unmatched, targets)


class EarlierFullCitations:
    """
    Resolves citations in the order of the text: each full citation to its key, and each short
    form to one of the full citations before it. The keys seen so far are kept by volume and
    reporter, in order of first page, so a short form is resolved by bisection instead of by
    reading every full citation before it (which made a long text's save grow with the square
    of its length).
    """

    def __init__(self):
        self.by_reporter = defaultdict(list)  # (volume, reporter): distinct keys, by first page

    def resolve_full(self, citation):
        key = key_of(citation) if isinstance(citation, FullCaseCitation) else None
        if key is not None:
            keys = self.by_reporter[key.volume, key.reporter]
            index = bisect_left(keys, key.page, key=_page)
            if index == len(keys) or keys[index] != key:
                keys.insert(index, key)
        return key

    def resolve_short(self, short, resolved_full_citations):
        """The earlier full citation with the same volume and reporter whose first page is the
        nearest at or before the pin page (or the only candidate, without a pin)."""
        keys = self.by_reporter.get(
            (_int(short.groups.get("volume")), short.corrected_reporter()), []
        )
        pin = _int(short.groups.get("page") or short.metadata.pin_cite)
        if pin is not None:
            index = bisect_right(keys, pin, key=_page)
            return keys[index - 1] if index else None
        return keys[0] if len(keys) == 1 else None


def _page(key):
    return key.page


def _int(value):
    match = re.match(r"(?:at )?(\d+)", value or "")
    return int(match[1]) if match else None
