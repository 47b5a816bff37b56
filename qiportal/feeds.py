"""
What every Atom feed shares: text that XML 1.0 can carry; and the updates feed, to which each
app adds its kinds of content (`register_update()` in its AppConfig.ready()).

A control character pasted into a title or a text (U+0001, say) cannot be written in XML 1.0,
and Django's feed writer refuses the whole feed for it; one such item would make the feed an
error page until someone edited it. Every text of the feed and of its entries is stripped of
the characters XML 1.0 does not allow before it is written.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import get_text_list

from qiportal.parameters import QueryParameters

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


@dataclass(frozen=True)
class Update:
    """A kind of content in the updates feed."""

    model: type  # with published(), updated_at, published_at, slug, get_absolute_url()
    label: str  # what an entry's title starts with: "Case: Pearson v. Callahan"
    plural: str  # what the feed's subtitle calls them: "cases"
    describe: object  # item -> its summary, as HTML (escape plain text)
    select_related: tuple = ()


_updates = []


def register_update(model, *, label, plural, describe, select_related=()):
    _updates.append(Update(model, label, plural, describe, tuple(select_related)))


FEED_LENGTH = 50


class UpdatesFeed(Feed):
    """Every registered kind of content, as it is published or changed, the latest first."""

    feed_type = AtomFeed
    query_parameters = QueryParameters()
    title = f"{settings.SITE_NAME}: updates"
    link = "/"

    def subtitle(self):
        return f"New and changed {get_text_list([u.plural for u in _updates], 'and')}."

    def items(self):
        # Items changed at the same moment (one list action changes many) come in slug order,
        # so the feed is the same whatever order the rows are stored in (after an import, say).
        recent = [
            (update, item)
            for update in _updates
            for item in update.model.objects.published()
            .select_related(*update.select_related)
            .order_by("-updated_at", "slug")[:FEED_LENGTH]
        ]
        # A stable sort: at the same moment, in the order the kinds were registered.
        recent.sort(key=lambda pair: pair[1].updated_at, reverse=True)
        return recent[:FEED_LENGTH]

    def item_title(self, pair):
        update, item = pair
        return f"{update.label}: {item}"

    def item_description(self, pair):
        """Atom's summary is HTML here: each kind says how its item is summed up (plain text
        escaped, so a feed reader shows it as typed, as the site's own pages do)."""
        update, item = pair
        return update.describe(item)

    def item_link(self, pair):
        return pair[1].get_absolute_url()

    def item_guid(self, pair):
        item = pair[1]
        return f"{item.get_absolute_url()}#{item.updated_at.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, pair):
        return pair[1].published_at

    def item_updateddate(self, pair):
        return pair[1].updated_at
