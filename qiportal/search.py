"""
Site search: one small interface over two real full-text engines, for every kind of content
that registers itself (each app does, in its AppConfig.ready(): the explainer its topics and
answers, the case index its cases).

- PostgreSQL: a tsvector column (title and citations weighted A, text B) with a GIN index,
  queried with plainto_tsquery, ranked by ts_rank, snippets by ts_headline.
- SQLite: an FTS5 table (porter stemming) kept in step with the entries by triggers, ranked by
  bm25 with the title and citations weighted above the text, snippets by snippet().

Entries are written again or removed through qiportal.changes, which every change passes through
(`depending_on`, `reindex`, `remove`); `Results` answers the view, a page at a time. Entries copy
the publish state, so drafts never show and scheduled items show from their time on.

Nothing typed is read as an operator (quotes, *, NEAR, OR, parentheses): SQLite gets each word
quoted, PostgreSQL gets plainto_tsquery, which has no operators. Snippets come back with
private-use markers around the matched words; the text is escaped first and only then are the
markers turned into <mark>, so highlighting is built from escaped text, never from raw input.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import lxml.html
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from qiportal.database import chunks
from qiportal.htmltext import BLOCKS
from qiportal.models import SearchEntry

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
RESULTS_PER_PAGE = 20
MARK_START, MARK_END = "\ue000", "\ue001"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Searchable:
    """A kind of content the search looks through. The model gives `search_document()` (a dict:
    title and body, optionally citations, status, published_at) and `get_absolute_url()`."""

    model: type
    kind: str  # stored on its entries, at most 10 characters
    label: str  # what a result of this kind is called ("Case")
    plural: str = ""  # what several are called, in the filter by kind ("Cases"); else label
    # Relations whose change changes this model's entries: "topic" (an answer is public while
    # its topic is), "citations" (a case's entry lists them).
    follows: tuple = ()
    select_related: tuple = ()
    prefetch_related: tuple = ()
    # text -> pk of the item the query names exactly, or None (a citation names its case).
    exact: Callable | None = None


_searchables = {}


def register(model, *, kind, label, **options):
    _searchables[model] = Searchable(model, kind, label, **options)


def searchables():
    """What is searched, in the order the apps registered it."""
    return list(_searchables.values())


def kind_labels():
    return {searchable.kind: searchable.label for searchable in _searchables.values()}


def kind_plurals():
    """{kind: what results of that kind are called}, in the order the apps registered them."""
    return {
        searchable.kind: searchable.plural or searchable.label
        for searchable in _searchables.values()
    }


def depending_on(model, pks):
    """{searchable model: pks} whose entries a change to these rows of `model` may change."""
    found = {}
    for searchable in _searchables.values():
        ids = set(pks) if searchable.model is model else set()
        for relation in searchable.follows:
            if searchable.model._meta.get_field(relation).related_model is model:
                for part in chunks(pks):
                    ids.update(
                        searchable.model._base_manager.filter(
                            **{f"{relation}__in": part}
                        ).values_list("pk", flat=True)
                    )
        if ids:
            found[searchable.model] = ids
    return found


def reindex(model, pks):
    """Write again the entries of these items; an item that no longer exists loses its entry."""
    searchable = _searchables.get(model)
    if searchable is None:
        return
    for part in chunks(pks):
        items = (
            model._base_manager.filter(pk__in=part)
            .select_related(*searchable.select_related)
            .prefetch_related(*searchable.prefetch_related)
        )
        found = set()
        for item in items:
            index(item, searchable.kind)
            found.add(item.pk)
        remove(model, set(part) - found)


def rebuild():
    """Every entry written again from the content (after a restore, say)."""
    SearchEntry.objects.all().delete()
    for searchable in _searchables.values():
        reindex(searchable.model, searchable.model._base_manager.values_list("pk", flat=True))
    return SearchEntry.objects.count()


@dataclass
class Hit:
    entry_id: int
    kind: str
    kind_label: str
    title: str
    url: str
    citations: str
    snippet: str  # safe HTML: escaped text with <mark> around matched words


def terms_of(text):
    """The words of a query, without anything either engine would read as syntax."""
    words = re.findall(
        r"\w+", text[:MAX_QUERY_LENGTH].replace(MARK_START, " ").replace(MARK_END, " ")
    )
    return words[:MAX_TERMS]


def plain_text(html):
    """What a reader reads in rendered HTML before opening anything: without popovers (the
    key terms' definitions)."""
    if not html:
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for popover in root.xpath(".//*[@popover]"):
        popover.drop_tree()
    for block in root.iter(*BLOCKS):  # inline elements run together; blocks stay apart
        block.tail = f" {block.tail or ''}"
    text = re.sub(r"\s+", " ", root.text_content())
    return text.replace(MARK_START, "").replace(MARK_END, "").strip()


def index(item, kind):
    """Write the search entry of one item."""
    document = item.search_document()
    fields = {
        "url": item.get_absolute_url(),
        "title": document["title"],
        "citations": document.get("citations", ""),
        "body": plain_text(document.get("body", "")),
        "status": document.get("status", item.status),
        "published_at": document.get("published_at", item.published_at),
    }
    entry, _ = SearchEntry.objects.update_or_create(kind=kind, object_id=item.pk, defaults=fields)
    backend().written([entry.pk])


def remove(model, pks):
    searchable = _searchables.get(model)
    if searchable is not None and pks:
        for part in chunks(pks):
            SearchEntry.objects.filter(kind=searchable.kind, object_id__in=part).delete()


class Results(Sequence):
    """
    The public matches of a query, best first, the item the query names exactly (the case a
    typed citation names) before all the rest; fetched a page at a time (Django's Paginator
    asks for the count and for slices). Matches that rank the same come by title, then by
    address (a topic and its answer may share both words and title), so the order never
    depends on how the rows happen to be stored.
    """

    def __init__(self, text, kind=None):
        self.text = text.strip()[:MAX_QUERY_LENGTH]
        self.kind = kind  # only results of this kind, if given; counts are of every kind
        self.terms = terms_of(self.text)
        self.now = timezone.now()
        self.engine = backend()
        self.cited = _exact_entry(self.text) if self.terms else None
        self._counts = None

    @property
    def exclude(self):
        return self.cited.entry_id if self.cited else None

    def counts(self):
        """{kind: number of matches}."""
        if self._counts is None:
            self._counts = (
                self.engine.count(self.text, self.terms, self.now, self.exclude)
                if self.terms
                else {}
            )
            if self.cited:
                self._counts[self.cited.kind] = self._counts.get(self.cited.kind, 0) + 1
        return self._counts

    def __len__(self):
        if self.kind:
            return self.counts().get(self.kind, 0)
        return sum(self.counts().values())

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, min(index.stop, len(self))
        if not self.terms or stop <= start:
            return []
        head = []
        if self.cited and self.kind in (None, self.cited.kind):
            head = [self.cited] if start == 0 else []
            start, stop = max(start - 1, 0), stop - 1
        return head + self.engine.page(
            self.text, self.terms, self.now, start, stop - start, self.exclude, self.kind
        )


def _exact_entry(text):
    """The public item the query names exactly ("555 US 223": its case), as a hit, or None."""
    for searchable in _searchables.values():
        pk = searchable.exact(text) if searchable.exact else None
        if pk is None:
            continue
        entry = SearchEntry.objects.filter(
            kind=searchable.kind,
            object_id=pk,
            status="published",
            published_at__lte=timezone.now(),
        ).first()
        if entry:
            return _hit(entry, escape(entry.body[:240]))
    return None


def _hit(entry, snippet_html):
    return Hit(
        entry_id=entry.pk,
        kind=entry.kind,
        kind_label=kind_labels().get(entry.kind, entry.kind),
        title=entry.title,
        url=entry.url,
        citations=entry.citations,
        snippet=snippet_html,
    )


def highlighted(snippet):
    """Escape the engine's snippet, then turn its markers into <mark>."""
    html = escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


class SQLiteSearch:
    """FTS5, on the table made by migration explainer 0006 (when the search was the explainer's;
    the table keeps its name)."""

    TABLE = f"{SearchEntry._meta.db_table}_fts"

    def written(self, ids):
        """Triggers keep the FTS5 table in step with the entries."""

    def _where(self, terms, now, exclude, kind=None):
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        # CROSS JOIN keeps the full-text match as the outer loop whatever the planner's
        # statistics say; probing FTS once per entry instead took 760 ms at 10,000 cases.
        sql = (
            f"FROM {self.TABLE} AS f CROSS JOIN {SearchEntry._meta.db_table} AS e "
            "ON e.id = f.rowid "
            f"WHERE {self.TABLE} MATCH %s AND e.status = 'published' AND e.published_at <= %s "
            "AND e.id != %s"
        )
        # The time as Django stores it (UTC, no offset), not as sqlite3 would turn an aware
        # datetime into text by itself.
        params = [match, connection.ops.adapt_datetimefield_value(now), exclude or 0]
        if kind:
            sql += " AND e.kind = %s"
            params.append(kind)
        return sql, params

    def count(self, text, terms, now, exclude):
        where, params = self._where(terms, now, exclude)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT e.kind, count(*) {where} GROUP BY e.kind", params)
            return dict(cursor.fetchall())

    def page(self, text, terms, now, offset, limit, exclude, kind=None):
        where, params = self._where(terms, now, exclude, kind)
        # What a hit shows of its entry comes with the match (read as instances afterwards, the
        # entries of a page of 20 took 0.4 ms more).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.id, e.kind, e.title, e.url, e.citations, "
                f"snippet({self.TABLE}, 2, %s, %s, %s, 24) {where} "
                f"ORDER BY bm25({self.TABLE}, 10.0, 10.0, 1.0), e.title, e.url LIMIT %s OFFSET %s",
                [MARK_START, MARK_END, ELLIPSIS, *params, limit, offset],
            )
            rows = cursor.fetchall()
        labels = kind_labels()
        return [
            Hit(pk, kind, labels.get(kind, kind), title, url, citations, highlighted(snippet))
            for pk, kind, title, url, citations, snippet in rows
        ]


class PostgresSearch:
    def written(self, ids):
        from django.contrib.postgres.search import SearchVector

        SearchEntry.objects.filter(pk__in=ids).update(
            vector=SearchVector("title", weight="A", config="english")
            + SearchVector("citations", weight="A", config="simple")
            + SearchVector("body", weight="B", config="english")
        )

    @staticmethod
    def _matches(text, now, exclude):
        """plainto_tsquery reads no operators, so it gets the words as typed ("U.S." stays
        one token, as in the documents)."""
        from django.contrib.postgres.search import SearchQuery

        text = text.replace(MARK_START, " ").replace(MARK_END, " ").replace("\x00", " ")
        query = SearchQuery(text, search_type="plain", config="english") | SearchQuery(
            text, search_type="plain", config="simple"
        )
        entries = SearchEntry.objects.filter(
            vector=query, status="published", published_at__lte=now
        )
        return entries.exclude(pk=exclude) if exclude else entries, query

    def count(self, text, terms, now, exclude):
        entries, _ = self._matches(text, now, exclude)
        return dict(entries.order_by().values_list("kind").annotate(n=Count("pk")))

    def page(self, text, terms, now, offset, limit, exclude, kind=None):
        from django.contrib.postgres.search import SearchHeadline, SearchRank

        entries, query = self._matches(text, now, exclude)
        if kind:
            entries = entries.filter(kind=kind)
        entries = entries.annotate(
            rank=SearchRank(F("vector"), query),
            snippet=SearchHeadline(
                "body",
                query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=30,
                min_words=12,
                fragment_delimiter=f" {ELLIPSIS} ",
                max_fragments=2,
            ),
        ).order_by("-rank", "title", "url")[offset : offset + limit]
        return [_hit(entry, highlighted(entry.snippet)) for entry in entries]


def backend():
    return PostgresSearch() if connection.vendor == "postgresql" else SQLiteSearch()
