"""
What every Atom feed shares: text that XML 1.0 can carry.

A control character pasted into a title or a text (U+0001, say) cannot be written in XML 1.0,
and Django's feed writer refuses the whole feed for it; one such item would make the feed an
error page until someone edited it. Every text of the feed and of its entries is stripped of
the characters XML 1.0 does not allow before it is written.
"""

import re

from django.utils.feedgenerator import Atom1Feed

# Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF].
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value):
    """`value` without the characters XML 1.0 does not allow (strings, and lists of them)."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, (list, tuple)):
        return [xml_text(each) for each in value]
    return value


class AtomFeed(Atom1Feed):
    """Atom 1.0, every text of the feed and of its entries made fit for XML 1.0."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *(xml_text(arg) for arg in args), **{k: xml_text(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *(xml_text(arg) for arg in args), **{k: xml_text(v) for k, v in kwargs.items()}
        )
