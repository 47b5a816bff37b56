"""
Key terms linked to their definitions, at save time.

The first use of each term in a text becomes a link to the term's definition, which is placed
in a native <details> right after the paragraph (or at the end of the list item) where the term
is used: readable in place, without leaving the page and without hover. Never inside a link,
a heading or code.
"""

import re
from dataclasses import dataclass
from functools import partial

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
        spans.append((start, end, partial(element, "a", href=f"#{target}", class_="glossary-term")))
        notes.append((tree.segment_at(start, end), definition(term, target)))
    tree.wrap(spans)
    for segment, note in notes:
        tree.add_note(segment, note, group_class="term-definitions")
    return tree.html()


def definition(term, target):
    """<details> with the definition; the id is inside, so following the link opens it."""
    details = element("details", class_="term-definition")
    summary = element("summary", "Key term: ")
    summary.append(element("dfn", term.term))
    details.append(summary)
    body = element("div", class_="term-definition__body", id=target)
    for part in fragment(term.definition_html):
        if isinstance(part, str):
            part = element("p", part)
        body.append(part)
    more = element("p", class_="term-definition__more")
    more.append(element("a", "All key terms", href=term.url))
    body.append(more)
    details.append(body)
    return details
