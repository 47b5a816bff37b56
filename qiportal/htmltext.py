"""
The text a reader sees in a rendered HTML fragment, with a way back to the tree.

The citation and glossary linkers find things in plain text (eyecite, patterns) and then wrap
them in links. `TextTree` gives them the text and does the wrapping, so neither handles markup:
text inside the elements named in `skip` is read but never wrapped, and text in different
blocks is kept apart so nothing found runs across two paragraphs.
"""

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

import lxml.html

BLOCKS = {
    "p", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "table", "tr", "td", "th",
    "h1", "h2", "h3", "h4", "h5", "h6", "div", "pre", "hr", "br", "details", "summary",
}  # fmt: skip
# Blocks a note can follow directly: a definition goes after the paragraph or into the list item
# in which its term is first used.
HOST_BLOCKS = {"p", "li", "dd", "td", "th", "blockquote"}


@dataclass
class Segment:
    node: object
    attribute: str  # "text" or "tail"
    start: int
    end: int
    linkable: bool


class TextTree:
    def __init__(self, html, skip):
        self.root = lxml.html.fragment_fromstring(html, create_parent="div")
        self.skip = set(skip)
        self.parts, self.segments, self.offset = [], [], 0
        self._walk(self.root, linkable=True)
        self.text = "".join(self.parts)
        self.starts = [segment.start for segment in self.segments]
        self.changed = False
        self._note_groups = {}

    def _add(self, node, attribute, linkable):
        value = getattr(node, attribute)
        if value:
            end = self.offset + len(value)
            self.segments.append(Segment(node, attribute, self.offset, end, linkable))
            self.parts.append(value)
            self.offset = end

    def _separate(self):
        self.parts.append("\n")
        self.offset += 1

    def _walk(self, element, linkable):
        if element.tag in BLOCKS:
            self._separate()
        self._add(element, "text", linkable)
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                self._add(child, "tail", linkable)
                continue
            self._walk(child, linkable and child.tag not in self.skip)
            if child.tag in BLOCKS:
                self._separate()
            self._add(child, "tail", linkable)

    def segment_at(self, start, end):
        """The linkable piece of text holding all of start..end (not empty), or None."""
        # Segments follow one another without overlapping: the one that may hold the span is
        # the last to start at or before it, found by bisection, not by reading them all.
        index = bisect_right(self.starts, start) - 1
        if index < 0:
            return None
        segment = self.segments[index]
        return segment if segment.linkable and end <= segment.end else None

    def wrap(self, spans):
        """Wrap each (start, end, make_element) lying in one linkable piece of text in the
        element that make_element() returns; overlapping spans after the first are skipped."""
        by_segment = {}
        for start, end, make in sorted(spans, key=lambda span: (span[0], span[1])):
            segment = self.segment_at(start, end)
            if segment is not None:
                by_segment.setdefault(id(segment), (segment, []))[1].append((start, end, make))
        for segment, found in by_segment.values():
            self._wrap_segment(segment, found)
        return [segment for segment, _ in by_segment.values()]

    def _wrap_segment(self, segment, spans):
        value = getattr(segment.node, segment.attribute)
        pieces, cursor = [], 0
        for start, end, make in spans:
            start, end = start - segment.start, end - segment.start
            if start < cursor:
                continue
            element = make()
            element.text = value[start:end]
            pieces.append((value[cursor:start], element))
            cursor = end
        if not pieces:
            return
        self.changed = True
        for index, (_, element) in enumerate(pieces):
            element.tail = pieces[index + 1][0] if index + 1 < len(pieces) else value[cursor:]
        node = segment.node
        elements = [element for _, element in pieces]
        if segment.attribute == "text":
            node.text = pieces[0][0]
            node.insert(0, elements[0])
        else:
            node.tail = pieces[0][0]
            node.addnext(elements[0])
        # Each after the one before: inserting at an index would walk the siblings every time.
        for before, element in pairwise(elements):
            before.addnext(element)

    def add_note(self, segment, note, group_class):
        """Put `note` (an element) in a group of notes after the block that holds `segment`:
        at the end of a list item or table cell, or right after a paragraph."""
        node = segment.node if segment.attribute == "text" else segment.node.getparent()
        while node is not None and node is not self.root and node.tag not in HOST_BLOCKS:
            node = node.getparent()
        if node is None:
            node = self.root
        group = self._note_groups.get(id(node))
        if group is None:
            group = element("div", class_=group_class)
            self._note_groups[id(node)] = group
            if node is self.root or node.tag != "p":
                node.append(group)
            else:
                group.tail, node.tail = node.tail, None
                node.addnext(group)
        group.append(note)
        self.changed = True

    def html(self):
        html = lxml.html.tostring(self.root, encoding="unicode", method="html")
        return html[len("<div>") : -len("</div>")]


def element(tag, text=None, **attributes):
    """An lxml element; `class_` sets the class attribute."""
    made = lxml.html.Element(tag)
    for name, value in attributes.items():
        made.set(name.rstrip("_").replace("_", "-"), value)
    if text is not None:
        made.text = text
    return made


def fragment(html):
    """Elements parsed from trusted, already sanitised HTML."""
    return lxml.html.fragments_fromstring(html)
