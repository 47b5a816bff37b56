"""
For `make bench`: URLs that no earlier request of the run used (issue 16), so that every request
of a scenario meets a page the cache does not hold yet, or, for tracking tags, a URL the cache
has never seen.

Each generator yields paths that stay distinct after the page cache normalises a URL as the
view's form cleans it (known parameters only, in a fixed order, values cleaned: case and spacing
of `q`, `sort=newest` the same as no sort): they differ in what a page reads, never in spelling,
order or parameters a page ignores. `FreshPaths` hands them out once each, to wrk (through
bench/fresh.lua) and to the bundled client alike.
"""

import bisect
import collections
import itertools
import math
import re
import threading
from urllib.parse import urlencode

# Read from the deployment's database: the texts search looks in; the values the case index's
# form accepts for its filters (only valid values: an invalid filter makes a page that is never
# cached, by design), the topics being the facet the explainer registers; and each public case's
# values, so that every filter combination requested selects a case.
CONTENT = """
import json
import django
django.setup()
from cases.forms import SORTS
from cases.models import Court, CourtCase, Outcome
from explainer.models import CaseTopic, Topic
from qiportal.search import plain_text

cases = CourtCase.objects.published()
topics = Topic.objects.published()
texts = {f"{topic.summary} {plain_text(topic.body_html)}" for topic in topics}
texts |= {f"{name} {holding}" for name, holding in cases.values_list("name", "holding")}
rows = {
    pk: {"court": court, "year": year, "outcome": outcome, "topic": []}
    for pk, court, year, outcome in cases.values_list("pk", "court__slug", "year", "outcome")
}
links = CaseTopic.objects.filter(case__in=cases, topic__in=topics)
for case, topic in links.values_list("case_id", "topic__slug"):
    rows[case]["topic"].append(topic)
choices = {
    "court": list(Court.objects.values_list("slug", flat=True)),
    "outcome": list(Outcome.values),
    "topic": list(topics.values_list("slug", flat=True)),
    "sort": list(SORTS),
}
print(json.dumps({"texts": sorted(texts), "choices": choices, "cases": list(rows.values())}))
"""

# Words of four letters or more that say nothing about a page: no one searches for them alone,
# and PostgreSQL's full-text search drops them.
STOP_WORDS_TEXT = """
about above after again against also among another because been before being below between both
cannot could does doing down during each either even every from further have having here hers
herself himself into itself just least less made make many more most much must neither only
other ought ours ourselves over same shall should since some such than that their theirs them
themselves then there these they this those through under until upon very were what when where
whether which while whom whose will with within without would your yours yourself yourselves
"""
STOP_WORDS = frozenset(STOP_WORDS_TEXT.split())
WORD = re.compile(r"\b[^\W\d_]{4,}\b")


class FreshPaths:
    """Paths from `paths` (an iterable of distinct paths), each handed out once, for requests to
    `base`. wrk is given a batch ahead (`ahead`) and then says how many of them it took
    (`skip`); what it did not take is handed out next."""

    def __init__(self, base, paths, what):
        self.base = base
        self.what = what
        self._paths = iter(paths)
        self._ahead = collections.deque()
        self._lock = threading.Lock()
        self.used = 0

    def _fill(self, count):
        while len(self._ahead) < count:
            try:
                self._ahead.append(next(self._paths))
            except StopIteration:
                raise RuntimeError(
                    f"Ran out of distinct {self.what} after {self.used:,} requests."
                ) from None

    def take(self):
        with self._lock:
            self._fill(1)
            self.used += 1
            return self._ahead.popleft()

    def ahead(self, count):
        """The next `count` paths, still to be handed out."""
        with self._lock:
            self._fill(count)
            return list(itertools.islice(self._ahead, count))

    def skip(self, count):
        """Mark the first `count` of `ahead()` as used (requested, or passed over)."""
        with self._lock:
            self._fill(count)
            for _ in range(count):
                self._ahead.popleft()
            self.used += count


def document_words(texts):
    """Each text as its searchable words in order: lower case, letters only, four or more of
    them, no stop words. Texts with the same words (generated cases) count once."""
    documents = {}
    for text in texts:
        words = tuple(word for word in WORD.findall(text.lower()) if word not in STOP_WORDS)
        if words:
            documents.setdefault(words, None)
    return list(documents)


def search_paths(texts, exclude=()):
    """
    /search/?q=… for real words of the content: one word and a pair in turn while single words
    last, then pairs only. A pair is two words of the same text (a topic, or a case's name and
    holding), nearest first ("qualified immunity", then words two apart, …), so each search
    finds something. The shipped content holds about 10,000 such pairs, fewer than a run needs,
    so past them a further word: three words of the same text, the texts taking turns.

    Distinct: each query is a set of words never used before (a pair counts as used in either
    order), so two queries differ in a word, not in spelling, case, spacing or order, whatever
    the cache's normalisation does with those. `exclude` holds the word sets of searches other
    scenarios of the run request (their pages may be cached already).
    """
    documents = document_words(texts)
    seen = {frozenset(words) for words in exclude}

    def fresh(groups):
        for words in groups:
            key = frozenset(words)
            if len(key) == len(words) and key not in seen:
                seen.add(key)
                yield words

    singles = fresh((word,) for words in documents for word in words)
    longest = max(len(words) for words in documents)
    pairs = fresh(
        (words[i], words[i + distance])
        for distance in range(1, longest)
        for words in documents
        for i in range(len(words) - distance)
    )
    triples = fresh(in_turn(itertools.combinations(dict.fromkeys(words), 3) for words in documents))
    # A single word and a pair in turn, until the last single word.
    alternating = itertools.chain.from_iterable(zip(singles, pairs, strict=False))
    for words in itertools.chain(alternating, singles, pairs, triples):
        yield "/search/?" + urlencode({"q": " ".join(words)})


def in_turn(iterables):
    """The items of each iterable, one of each in turn, until all are used up."""
    iterators = collections.deque(iter(iterable) for iterable in iterables)
    while iterators:
        iterator = iterators.popleft()
        try:
            yield next(iterator)
        except StopIteration:
            continue
        iterators.append(iterator)


def filter_paths(choices, cases):
    """
    /cases/?… with filter combinations the index's form accepts and that select at least one
    case (a page that lists cases, as a reader's filters mostly do): a court or none, a year
    range (always: from <= to, within the years of the public cases), an outcome or none, a
    topic or none, and a sort (always given, so `newest` never stands beside the same page
    without one).

    Distinct: the combinations are numbered 0 … M-1, and the k-th one tried is number k·P mod M,
    P a step with no common factor with M: this visits each combination once (and changes most
    filters from one request to the next), so two paths differ in a filter's cleaned value. The
    year range is never left out, so no path is /cases/ itself or the benchmark's filtered
    index.
    """
    years = [case["year"] for case in cases]
    first, last = min(years), max(years)
    # The years of the cases each (court, outcome, topic) selects, None standing for any.
    selected = collections.defaultdict(list)
    for case in cases:
        for court in (None, case["court"]):
            for outcome in (None, case["outcome"]):
                for topic in (None, *case["topic"]):
                    selected[court, outcome, topic].append(case["year"])
    for found in selected.values():
        found.sort()
    courts, outcomes, topics = ([None, *choices[name]] for name in ("court", "outcome", "topic"))
    ranges = [(start, end) for start in range(first, last + 1) for end in range(start, last + 1)]
    sorts = choices["sort"]
    dimensions = [courts, ranges, outcomes, topics, sorts]
    count = math.prod(len(values) for values in dimensions)
    step = int(count * 0.618) | 1
    while math.gcd(step, count) != 1:
        step += 2
    for k in range(count):
        number, chosen = k * step % count, []
        for values in dimensions:
            number, index = divmod(number, len(values))
            chosen.append(values[index])
        court, (start, end), outcome, topic, sort = chosen
        found = selected.get((court, outcome, topic), [])
        at = bisect.bisect_left(found, start)
        if at == len(found) or found[at] > end:
            continue  # no case in the range
        query = {"court": court, "year_from": start, "year_to": end, "outcome": outcome}
        query |= {"topic": topic, "sort": sort}
        yield "/cases/?" + urlencode({name: value for name, value in query.items() if value})


def tag_paths():
    """/ with a tracking tag that no request used before: utm_source, fbclid and gclid in
    turn, each with the request's own number."""
    for n in itertools.count(1):
        name = ("utm_source", "fbclid", "gclid")[(n - 1) % 3]
        yield f"/?{name}={n}"
