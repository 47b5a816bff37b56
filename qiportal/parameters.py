"""
The query parameters a public page reads, each in its normal form.

Links arrive with parameters no page reads (`?utm_source=newsletter`, `?fbclid=…`) and with
the ones it reads written many ways (`?page=1` or none, filters in any order, a search with
other spacing). Each public view declares what it reads:

    class FAQView(TemplateView):
        query_parameters = QueryParameters()  # reads none

    class CaseListView(ListView):
        query_parameters = QueryParameters(page=page_number, q=words, court=choice)

and before the view runs, its request's query is replaced by the normal form of the declared
parameters (`normal_query_string`): known parameters only, in a fixed order, the one value a
form reads (the last), each value cleaned. Everything the view reads, it reads from that, so
every URL that has the same normal form gets the same page, and the page cache keys it on that
form alone (qiportal.cache). A view that declares nothing gets its query as sent, and is never
cached.

A cleaner takes the value as sent and returns its normal form, or "" for "as if not given". It
must not change what the page shows: it does only what the view's own form would do (strip,
read a number), and leaves alone a value it cannot read, for the view to say what is wrong with
it (such a page is not cached: `add_never_cache_headers`).
"""

import re
from functools import cached_property, lru_cache
from urllib.parse import urlencode

from django.http import QueryDict


class QueryParameters:
    """
    `name=cleaner` for each parameter a page reads; or one callable returning that mapping,
    read on first use (for parameters that apps register once they are ready).
    """

    def __init__(self, cleaners=None, /, **named):
        self._cleaners, self._named = cleaners, named
        # The query strings asked for most, already in normal form: a cached page's query is
        # read and cleaned once, not on every hit. Short ones only, so the memo stays small.
        self._remembered = lru_cache(maxsize=1024)(self._normal_query_string)

    @cached_property
    def cleaners(self):
        found = dict(self._cleaners() if callable(self._cleaners) else self._cleaners or {})
        return dict(sorted({**found, **self._named}.items()))

    def normal_query_string(self, query_string):
        """The query string as the page reads it."""
        if not self.cleaners:  # most pages: nothing to read, nothing to parse
            return ""
        if len(query_string) > 1024:
            return self._normal_query_string(query_string)
        return self._remembered(query_string)

    def _normal_query_string(self, query_string):
        # Parsed as Django parses a request's query (and refused past its limit on fields).
        query, pairs = QueryDict(query_string), []
        for name, clean in self.cleaners.items():
            if name in query:
                value = clean(query.getlist(name)[-1])
                if value != "":
                    pairs.append((name, value))
        return urlencode(pairs)


def reads_query(parameters):
    """Declare on a function view (or the function `as_view()` returned) what it reads."""

    def declare(view):
        view.query_parameters = parameters
        return view

    return declare


def declared(view):
    """The view's QueryParameters, or None if it declares none."""
    found = getattr(view, "query_parameters", None)
    if found is None:
        found = getattr(getattr(view, "view_class", None), "query_parameters", None)
    return found


# Cleaners.


def text(value):
    """Typed text: one space between words, none at either end."""
    return " ".join(value.split())


def choice(value):
    """A value from a menu: as sent, without spaces around it."""
    return value.strip()


def whole_number(value):
    """A whole number written as a form reads it ("2009", " 2009 ", "02009"); anything else as
    sent, for the view to refuse."""
    value = value.strip()
    return str(int(value)) if re.fullmatch(r"[+-]?\d{1,9}", value) else value


def page_number(value):
    """A page number: page 1 is the page without one."""
    value = whole_number(value)
    return "" if value == "1" else value
