"""
What the apps above the case index add to it, without the case index knowing them. Each app
registers its additions in its AppConfig.ready() (the explainer does, for its topics).

- A facet: a way of grouping cases that another app owns, such as the explainer's topics. The
  case index offers it as a filter, its downloads as a column, a case's page as a list of links.
- A discussion: a kind of text that cites cases, listed on a case's page under "Discussed in".
"""

from dataclasses import dataclass


class Facet:
    name = ""  # its filter's query-string parameter, e.g. "topic"
    label = ""  # its filter's label, e.g. "Topic"
    plural = ""  # the downloads' column and the case page's heading, e.g. "topics"
    any_label = ""  # the filter's first choice, e.g. "All topics"

    def choices(self):
        """(value, label, key) for each public group: its value in the filter's query string,
        its label in the menu, and what `condition()` is given for it. Read once per content
        version (qiportal.memo)."""
        raise NotImplementedError

    def condition(self, key):
        """A condition on CourtCase that selects each case at most once: the cases in the group
        whose key (from `choices()`) is `key`. Built once per content version and group."""
        raise NotImplementedError

    def prefetch(self):
        """A Prefetch that fetches each case's public groups with the cases."""
        raise NotImplementedError

    def of(self, case):
        """The public groups of a case fetched with `prefetch()`: objects with a str() and a
        get_absolute_url()."""
        raise NotImplementedError


@dataclass(frozen=True)
class Discussion:
    model: type  # a RenderedText model with a published() queryset
    label: str  # what a text of it is called in the list, e.g. "explainer"


_facets = []
_discussions = []


def register_facet(facet):
    _facets.append(facet)


def facets():
    return list(_facets)


def register_discussion(model, label):
    _discussions.append(Discussion(model, label))


def discussions():
    return list(_discussions)
