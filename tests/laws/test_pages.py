"""/laws/ and a law's page, as readers get them."""

import re

import pytest
from django.core.management import call_command

from laws.models import Law, LawStatus
from laws.tilegrid import TILES

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped_laws(db):
    from io import StringIO

    call_command("load_laws", stdout=StringIO())
    call_command("load_content", stdout=StringIO())


def tiles(page):
    """(code, category, link, words) of each square of the map."""
    return re.findall(
        r'<li class="tile tile--([a-z-]+)[^"]*"[^>]*>\s*<a href="([^"]+)"[^>]*><abbr title="[^"]*">'
        r"([A-Z]{2})</abbr><span class=\"tile__label\">([^<]+)<",
        page,
    )


class TestTheMap:
    def test_one_square_per_state_and_dc_each_with_words_and_a_link(self, client, shipped_laws):
        page = client.get("/laws/").text
        found = tiles(page)
        assert sorted(code for _, _, code, _ in found) == sorted(TILES)
        for _category, link, code, words in found:
            assert link == f"#state-{code.lower()}"
            assert f'id="state-{code.lower()}"' in page, code  # the link lands somewhere
            assert words.strip()

    def test_each_square_says_what_its_laws_do(self, client, shipped_laws):
        found = {
            code: (category, words) for category, _, code, words in tiles(client.get("/laws/").text)
        }
        assert found["CO"] == ("barred", "Barred")
        assert found["NM"] == ("barred", "Barred")
        assert found["CA"] == ("not-changed", "Not changed")
        assert found["CT"] == ("unverified", "Not verified")
        assert found["TX"] == ("nothing", "Nothing")
        # A law taken back changes its square on the next request.
        Law.objects.filter(slug="colorado-sb-20-217").unpublish()
        assert "tile--failed" in re.search(
            r'<li class="tile [^"]*"[^>]*>\s*<a href="#state-co"', client.get("/laws/").text
        ).group(0)

    def test_new_york_city_is_marked_on_new_york(self, client, shipped_laws):
        page = client.get("/laws/").text
        assert re.search(
            r'class="tile tile--nothing tile--with-city"[^>]*>\s*<a href="#state-ny"', page
        )
        assert "<strong>New York City</strong>" in page
        assert 'href="/laws/new-york-city-qualified-immunity/"' in page

    def test_the_table_holds_every_public_law_and_sorts_by_a_plain_parameter(
        self, client, shipped_laws
    ):
        page = client.get("/laws/").text
        rows = re.findall(r'<th scope="row" data-label="Law"><a href="/laws/([^/]+)/">', page)
        assert sorted(rows) == sorted(Law.objects.published().values_list("slug", flat=True))
        by_law = client.get("/laws/", {"sort": "law"}).text
        names = re.findall(r'data-label="Law"><a href="[^"]+">([^<]+)</a>', by_law)
        assert names == sorted(names, key=str.lower)
        # A bill that failed says what it would have done.
        assert "Would have barred" in page

    def test_the_table_filters_by_enactment(self, client, shipped_laws):
        page = client.get("/laws/", {"enacted": "not-enacted", "sort": "law"}).text
        rows = re.findall(r'<th scope="row" data-label="Law"><a href="/laws/([^/]+)/">', page)
        assert sorted(rows) == sorted(
            Law.objects.published().filter(enactment="not-enacted").values_list("slug", flat=True)
        )
        assert "colorado-sb-20-217" not in rows

    @pytest.mark.parametrize(
        "query",
        [
            {"sort": "nonsense"},
            {"sort": "<script>"},
            {"sort": "a" * 5000},
            {"sort": "\x00"},
            {"enacted": "maybe"},
            {"enacted": "<script>", "sort": "law"},
        ],
    )
    def test_unknown_choices_give_the_usual_page_and_say_so(self, client, shipped_laws, query):
        response = client.get("/laws/", query)
        assert response.status_code == 200
        assert "Some choices were ignored" in response.text
        assert "<script>" not in response.text.split("<main", 1)[1]
        assert "no-cache" in response["Cache-Control"]

    def test_a_fixed_number_of_queries(self, client, shipped_laws, count_queries):
        with count_queries(2):  # the jurisdictions, and their public laws
            client.get("/laws/")


class TestALawsPage:
    def test_every_fact_with_its_source_and_not_yet_verified_as_such(self, client, shipped_laws):
        page = client.get("/laws/colorado-sb-20-217/").text
        assert "C.R.S. § 13-21-131" in page
        assert "Qualified immunity is not a defense to liability pursuant to this section." in page
        assert 'href="https://leg.colorado.gov/bills/sb20-217"' in page
        # The limitations period is not verified: said so, and the secondary source's words
        # are only what it says.
        limitations = page[page.index("<dt>Limitations period</dt>") :]
        limitations = limitations[: limitations.index("</dd>")]
        assert "Not yet verified." in limitations
        assert "What others say (not verified): Mabel Nash Greenberg says" in limitations
        assert "Claims under 42 U.S.C. § 1983 are still subject to qualified immunity." in page
        assert "General information, not legal advice." in page
        assert 'href="/topics/colorado-senate-bill-20-217/"' in page  # its topic

    def test_the_colorado_topic_links_to_the_law(self, client, shipped_laws):
        page = client.get("/topics/colorado-senate-bill-20-217/").text
        assert re.search(r"Read the law</h2>.*?href=\"/laws/colorado-sb-20-217/\"", page, re.S)

    def test_a_draft_is_404_for_readers_and_shown_to_staff(
        self, client, staff_client, shipped_laws
    ):
        Law.objects.filter(slug="colorado-sb-25-065").unpublish()
        assert client.get("/laws/colorado-sb-25-065/").status_code == 404
        staff = staff_client.get("/laws/colorado-sb-25-065/")
        assert staff.status_code == 200
        assert "Draft, not public." in staff.text
        assert "SB 25-065" not in client.get("/laws/").text

    def test_search_sitemap_and_feed_find_laws(self, client, shipped_laws):
        found = client.get("/search/", {"q": "New Mexico Civil Rights Act"}).text
        assert 'href="/laws/new-mexico-civil-rights-act/"' in found
        assert 'href="/laws/colorado-sb-20-217/"' in client.get("/search/", {"q": "13-21-131"}).text
        assert "/laws/colorado-sb-20-217/</loc>" in client.get("/sitemap.xml").text
        assert "/laws/</loc>" in client.get("/sitemap.xml").text
        feed = client.get("/feeds/updates/").text
        assert re.search(r"<title>Law: [^<]+</title>.*?<link href=\"[^\"]*/laws/", feed, re.S)

    def test_a_bill_that_failed_says_where_it_stopped(self, client, shipped_laws):
        page = client.get("/laws/colorado-sb-21-183/").text
        assert (
            "Not enacted: &quot;Introduced Lost&quot;" in page
            or 'Not enacted: "Introduced Lost"' in page
        )
        assert Law.objects.get(slug="colorado-sb-21-183").enactment == LawStatus.NOT_ENACTED
