"""
Which cache entry a page comes from: its path and the parameters its view reads, in their
normal form. Tracking tags and junk never make an entry; a flood of new queries never evicts
the pages everyone reads nor grows the cache past its limit.
"""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Outcome
from qiportal.parameters import declared
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    CourtFactory,
    FAQItemFactory,
    GlossaryTermFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings, tmp_path):
    """The page cache on, in files of the test's own, which the tests count."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        "default": {"BACKEND": "qiportal.filecache.FileCache", "LOCATION": str(tmp_path)}
    }
    settings.PAGE_CACHE_TAIL_ENTRIES = 2000


@pytest.fixture
def entries(tmp_path):
    """The number of entries in the cache now."""
    return lambda: len(list(tmp_path.glob("*.djcache")))


@pytest.fixture
def site():
    topic = TopicFactory(title="Qualified immunity in the courts", slug="in-the-courts")
    FAQItemFactory(topic=topic, question="Who decides?")
    GlossaryTermFactory(term="clearly established")
    tenth = CourtFactory(name="Tenth Circuit", short_name="10th Cir.", slug="tenth-circuit")
    cases = {
        "pearson": CourtCaseFactory(
            name="Pearson v. Callahan", slug="pearson-v-callahan", year=2009,
            outcome=Outcome.GRANTED, holding="Judges may choose the order of the questions.",
        ),
        "hope": CourtCaseFactory(
            name="Hope v. Pelzer", slug="hope-v-pelzer", year=2002, outcome=Outcome.DENIED,
            holding="Officials can be on notice in novel facts.",
        ),
        "circuit": CourtCaseFactory(
            name="Circuit v. Case", slug="circuit-v-case", court=tenth, year=2015,
            outcome=Outcome.DENIED, holding="A circuit holding on qualified immunity.",
        ),
    }  # fmt: skip
    CitationFactory(case=cases["pearson"], volume=555, reporter="U.S.", page=223)
    return {"topic": topic, **cases}


PUBLIC_PAGES = [
    "/",
    "/topics/in-the-courts/",
    "/faq/",
    "/glossary/",
    "/search/?q=qualified+immunity",
    "/cases/",
    "/cases/?court=tenth-circuit",
    "/cases/pearson-v-callahan/",
    "/cases/export.json",
    "/feeds/updates/",
    "/feeds/cases/",
    "/sitemap.xml",
    "/robots.txt",
]


def with_parameter(url, parameter):
    return f"{url}{'&' if '?' in url else '?'}{parameter}"


@pytest.mark.parametrize("url", PUBLIC_PAGES)
@pytest.mark.parametrize(
    "junk", ["utm_source=newsletter&utm_medium=email", "fbclid=IwAR0x", "gclid=abc", "ref=a"]
)
def test_a_tracking_tag_or_unknown_parameter_is_served_from_the_pages_own_entry(
    client, site, entries, url, junk
):
    plain = client.get(url)
    assert plain.status_code == 200
    assert plain["X-Cache"] == "miss"
    before = entries()
    tagged = client.get(with_parameter(url, junk))
    assert tagged["X-Cache"] == "hit"
    assert tagged.content == plain.content
    assert entries() == before


def test_every_public_view_declares_what_it_reads():
    """A view that declares nothing is never cached: every page readers get must declare."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    undeclared = [
        route
        for route, view in walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "markdownx/", "^media/", "media/"))
        and declared(view) is None
    ]
    assert undeclared == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/cases/?court=tenth-circuit&outcome=denied", "/cases/?outcome=denied&court=tenth-circuit"),  # noqa: E501
        ("/cases/?page=1", "/cases/"),
        ("/cases/?sort=newest", "/cases/"),
        ("/cases/?year_from=2001", "/cases/?year_from=+2001+"),
        ("/cases/?court=supreme-court&court=tenth-circuit", "/cases/?court=tenth-circuit"),
        ("/cases/?q=Hope&utm_campaign=x", "/cases/?q=++Hope"),
        ("/search/?q=qualified+immunity", "/search/?q=+qualified++immunity+"),
        ("/search/?q=qualified+immunity&page=1", "/search/?q=qualified%20immunity"),
        ("/sitemap.xml?p=1", "/sitemap.xml"),
        ("/search/?kind=case&q=hope", "/search/?q=hope&kind=case&fbclid=x"),
    ],
)  # fmt: skip
def test_the_same_page_written_another_way_shares_its_entry(client, site, entries, first, second):
    one = client.get(first)
    assert one["X-Cache"] == "miss"
    before = entries()
    other = client.get(second)
    assert other["X-Cache"] == "hit"
    assert other.content == one.content
    assert entries() == before


def test_different_filters_get_different_entries_each_the_right_page(client, site, entries):
    denied = client.get("/cases/?outcome=denied")
    granted = client.get("/cases/?outcome=granted")
    tenth = client.get("/cases/?outcome=denied&court=tenth-circuit")
    assert [r["X-Cache"] for r in (denied, granted, tenth)] == ["miss"] * 3
    assert "Hope v. Pelzer" in denied.text and "Pearson v. Callahan" not in denied.text
    assert "Pearson v. Callahan" in granted.text and "Hope v. Pelzer" not in granted.text
    assert "Circuit v. Case" in tenth.text and "Hope v. Pelzer" not in tenth.text
    assert client.get("/cases/?outcome=granted").content == granted.content
    assert client.get("/cases/?outcome=denied")["X-Cache"] == "hit"


def test_a_search_keeps_its_case_where_case_finds_another_page(client, site):
    """Case is not folded: a citation in capitals names its case exactly, in lower case it
    does not, so the two are different pages."""
    assert client.get("/search/?q=555+US+223")["X-Cache"] == "miss"
    assert client.get("/search/?q=555+us+223")["X-Cache"] == "miss"


def test_a_flood_of_new_searches_leaves_the_pages_everyone_reads_and_the_limit(
    client, site, entries, settings
):
    settings.PAGE_CACHE_TAIL_ENTRIES = 20
    for url in ("/", "/faq/", "/cases/"):
        client.get(url)
    before = entries()
    for number in range(300):
        assert client.get("/search/", {"q": f"immunity {number}"})["X-Cache"] == "miss"
    for url in ("/", "/faq/", "/cases/"):
        assert client.get(url)["X-Cache"] == "hit"
    assert before <= entries() <= before + 20


def test_a_search_that_shares_a_slot_with_another_is_never_served_the_others_page(
    client, site, settings
):
    settings.PAGE_CACHE_TAIL_ENTRIES = 1
    pelzer = client.get("/search/?q=pelzer")
    callahan = client.get("/search/?q=callahan")
    assert "Hope v. Pelzer" in pelzer.text
    again = client.get("/search/?q=pelzer")
    assert again["X-Cache"] == "miss"
    assert "Hope v. Pelzer" in again.text and "Pearson v. Callahan" not in again.text
    assert "Pearson v. Callahan" in callahan.text


def test_with_no_room_for_queries_pages_with_one_are_served_and_not_kept(
    client, site, entries, settings
):
    settings.PAGE_CACHE_TAIL_ENTRIES = 0
    client.get("/")
    before = entries()
    for _ in range(2):
        response = client.get("/search/?q=pelzer")
        assert "Hope v. Pelzer" in response.text
        assert "X-Cache" not in response
    assert entries() == before
    assert client.get("/")["X-Cache"] == "hit"


def test_a_content_change_shows_on_the_next_request_for_a_page_with_a_query(
    client, site, django_capture_on_commit_callbacks
):
    url = "/cases/?outcome=denied"
    assert "Hope v. Pelzer" in client.get(url).text
    assert client.get(url)["X-Cache"] == "hit"
    hope = site["hope"]
    hope.name = "Hope v. Pelzer (renamed)"
    with django_capture_on_commit_callbacks(execute=True):
        hope.save()
    assert "Hope v. Pelzer (renamed)" in client.get(url).text


def test_the_page_a_reader_gets_is_the_one_its_parameters_make(client, site):
    """The view reads the normal form: what a reader sees is what every way of writing it
    gets from the cache."""
    response = client.get("/cases/?q=++Hope+&year_from=02001&page=1&sort=newest")
    assert response.context["form"].data.dict() == {"q": "Hope", "year_from": "2001"}
    assert 'value="Hope"' in response.text
    assert '<link rel="canonical" href="http://testserver/cases/">' in response.text


# Each made three ways (n = 0, 1, 2): variants that differ in a value the page refuses or
# does not read, which must not make an entry each.
BAD_QUERIES = {
    "a parameter repeated 1,000 times": lambda n: "&".join([f"court=c{n}"] * 1000),
    "a value of 10,000 characters": lambda n: f"q={n}" + "x" * 10_000,
    "a search longer than the limit": lambda n: "q=" + "immunity+" * 1_100 + str(n),
    "a NUL byte": lambda n: f"q=a%00b&court=a%00{n}&year_from=1%00{n}",
    "invalid percent-escapes": lambda n: f"q=%zz%ff%e2%82&court=%{n}",
    "a 100 KB query string": lambda n: f"junk{n}=" + "y" * 100_000,
    "a page out of range": lambda n: f"page={999_999 + n}",
    "a page that is no number": lambda n: f"page=abc{n}",
    "a court that does not exist": lambda n: f"court=no-such-court-{n}",
    "years the wrong way round": lambda n: f"year_from=2020&year_to={1990 + n}",
    "a kind of result that does not exist": lambda n: f"q=pelzer&kind=nothing-{n}",
}


@pytest.mark.parametrize("path", ["/cases/", "/search/", "/", "/cases/export.json"])
@pytest.mark.parametrize("query", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
def test_bad_queries_get_a_normal_answer_and_no_entry_of_their_own(
    client, site, entries, path, query
):
    client.get(path)  # the page's own entry, and the content's state
    before = entries()
    for n in range(3):
        response = client.get(f"{path}?{query(n)}")
        assert response.status_code in (200, 400, 404), response.status_code
    # At most one: a value the page reads and cleans (the NUL dropped from a search) is a
    # page of its own, once.
    assert entries() <= before + 1


def test_a_thousand_and_one_parameters_are_refused_in_words(client, site):
    response = client.get("/cases/?" + "&".join(f"a{n}=1" for n in range(1001)))
    assert response.status_code == 400


def test_staff_get_the_same_normal_form_without_the_cache(staff_client, site):
    response = staff_client.get("/cases/?outcome=denied&utm_source=x&page=1")
    assert "X-Cache" not in response
    assert response.context["form"].data.dict() == {"outcome": "denied"}


def test_the_admin_gets_its_query_as_sent(admin_user_client, site):
    response = admin_user_client.get("/admin/cases/courtcase/?q=Hope&o=1")
    assert response.status_code == 200
    assert response.context["cl"].query == "Hope"


def test_cache_entries_do_not_depend_on_an_encoding_of_the_same_value(client, site):
    client.get("/search/?q=" + quote("Hope v. Pelzer"))
    assert client.get("/search/?q=Hope+v.+Pelzer")["X-Cache"] == "hit"
    assert cache.get("qiportal:content-version") is not None
