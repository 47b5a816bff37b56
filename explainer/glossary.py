"""
Key terms linked to their definitions, at save time.

The first use of each term in a text becomes a button that opens the term's definition in
place, over the page, with the paragraph flowing as before: HTML's `popover`, which needs no
script (Enter or a tap opens it; Escape, a tap outside or its Close button closes it, and focus
returns to the word). The definition is kept in a group after the paragraph (or at the end of
the list item), hidden until opened. Where a browser does not know `popover`, qiportal's
static/js/terms.js turns each word into a link to the term on the glossary page. Printed pages
leave the definitions out (the glossary page prints them all). Never inside a link, a heading
or code.
"""

import re
from dataclasses import dataclass
from functools import partial

import lxml.html

from qiportal.htmltext import TextTree, element, fragment

NOT_LINKED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "details"}


@dataclass(frozen=True)
class Term:
    term: str
    slug: str
    forms: tuple  # the term and its other forms, as written in text
    definition_html: str
    url: str  # the term on the glossary page


def pattern(forms):
    """Any of the forms, as whole words, in any letter case; longer forms first."""
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def link_terms(html, terms, anchor_prefix):
    """Link the first use of each term in `html` and add its definition next to it."""
    if not html or not terms:
        return html
    tree = TextTree(html, skip=NOT_LINKED)
    taken = []  # spans already linked: a shorter term never splits a longer one
    found = []
    for term in sorted(terms, key=lambda t: -max(len(form) for form in t.forms)):
        for match in pattern(term.forms).finditer(tree.text):
            start, end = match.span()
            overlaps = any(
                start < other_end and other_start < end for other_start, other_end in taken
            )
            if not overlaps and tree.segment_at(start, end) is not None:
                taken.append((start, end))
                found.append((start, end, term))
                break
    if not found:
        return html
    found.sort(key=lambda item: item[0])
    spans, notes = [], []
    for start, end, term in found:
        target = f"{anchor_prefix}-term-{term.slug}"
        button = partial(
            element,
            "button",
            type="button",
            class_="glossary-term",
            popovertarget=target,
            data_glossary=term.url,
        )
        spans.append((start, end, button))
        notes.append((tree.segment_at(start, end), definition(term, target)))
    tree.wrap(spans)
    for segment, note in notes:
        tree.add_note(segment, note, group_class="term-definitions")
    return tree.html()


def definition(term, target):
    """The definition, hidden until its word opens it (a popover named for screen readers)."""
    card = element(
        "div",
        class_="term-popover",
        id=target,
        popover="",
        role="note",
        aria_label=f"Key term: {term.term}",
    )
    name = element("p", class_="term-popover__term")
    name.append(element("dfn", term.term))
    card.append(name)
    for part in fragment(term.definition_html):
        if isinstance(part, str):
            part = element("p", part)
        card.append(part)
    more = element("p", class_="term-popover__actions")
    more.append(element("a", "All key terms", href=term.url))
    more.append(
        element(
            "button",
            "Close",
            type="button",
            popovertarget=target,
            popovertargetaction="hide",
        )
    )
    card.append(more)
    return card


def without_popovers(html):
    """A text for where popovers do not work (a feed reader): each key term a link to its
    definition on the glossary page, and the definitions themselves left out."""
    if "glossary-term" not in html:
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for group in root.find_class("term-definitions"):
        group.drop_tree()
    for button in root.find_class("glossary-term"):
        href = button.get("data-glossary", "")
        button.attrib.clear()
        button.tag = "a"
        button.set("href", href)
        button.set("class", "glossary-term")
    return lxml.html.tostring(root, encoding="unicode", method="html")[
        len("<div>") : -len("</div>")
    ]
