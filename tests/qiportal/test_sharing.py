"""Found and shared: sitemap, robots.txt, Atom feeds, page metadata and JSON-LD."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from explainer.models import Topic
from tests.factories import CourtCaseFactory, FAQItemFactory, GlossaryTermFactory, TopicFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def rendered(html):
    """(the elements, the text) a browser would make of an HTML fragment."""
    tags, text = [], []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

        def handle_data(self, data):
            text.append(data)

    Reader(convert_charrefs=True).feed(html)
    return tags, "".join(text)


def json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def of_type(page, kind):
    return [data for data in json_ld(page) if data["@type"] == kind]


def meta(page, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return unescape(match[1]) if match else None


class TestSitemap:
    def test_it_lists_exactly_the_published_pages(self, client):
        public_topic, public_case = TopicFactory(), CourtCaseFactory()
        TopicFactory(draft=True)
        TopicFactory(scheduled=True)
        CourtCaseFactory(draft=True)
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        locations = {url.find(f"{SITEMAP}loc").text for url in root.iter(f"{SITEMAP}url")}
        base = "http://testserver"  # the request's own scheme: https behind the proxy
        assert locations == {
            f"{base}/",
            f"{base}/faq/",
            f"{base}/glossary/",
            f"{base}/cases/",
            f"{base}/timeline/",
            f"{base}/laws/",
            f"{base}{public_topic.get_absolute_url()}",
            f"{base}{public_case.get_absolute_url()}",
        }

    def test_each_page_has_its_last_change(self, client):
        topic = TopicFactory()
        root = ET.fromstring(client.get("/sitemap.xml").content)
        for url in root.iter(f"{SITEMAP}url"):
            if url.find(f"{SITEMAP}loc").text.endswith(topic.get_absolute_url()):
                # The date where the portal is (its TIME_ZONE), whatever the hour in UTC.
                changed = timezone.localdate(topic.updated_at).isoformat()
                assert url.find(f"{SITEMAP}lastmod").text == changed
                break
        else:
            pytest.fail("the topic is not in the sitemap")

    def test_robots_points_at_it_and_keeps_crawlers_out_of_the_admin(self, client):
        response = client.get("/robots.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.text.splitlines()
        assert "Disallow: /admin/" in lines
        assert "Disallow: /search/" in lines
        assert "Sitemap: http://testserver/sitemap.xml" in lines


class TestFeeds:
    def entries(self, client, url):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        assert root.tag == f"{ATOM}feed"
        assert root.find(f"{ATOM}title").text
        assert root.find(f"{ATOM}updated").text
        return [
            (entry.find(f"{ATOM}title").text, entry.find(f"{ATOM}link").get("href"))
            for entry in root.findall(f"{ATOM}entry")
        ]

    def test_the_cases_feed_is_atom_newest_first(self, client):
        now = timezone.now()
        CourtCaseFactory(name="Older v. Case", published_at=now - timedelta(days=9))
        CourtCaseFactory(name="Newer v. Case", published_at=now - timedelta(days=1))
        CourtCaseFactory(name="Draft v. Case", draft=True)
        titles = [title for title, _ in self.entries(client, "/feeds/cases/")]
        assert [t.split(" (")[0] for t in titles] == ["Newer v. Case", "Older v. Case"]

    def test_the_updates_feed_has_every_kind_latest_change_first(self, client):
        topic = TopicFactory(title="A topic")
        FAQItemFactory(question="A question?", topic=topic)
        CourtCaseFactory(name="A v. Case")
        TopicFactory(title="Hidden draft", draft=True)
        topic.body = "Changed now."
        topic.save()
        entries = self.entries(client, "/feeds/updates/")
        titles = [title for title, _ in entries]
        assert titles[0] == "Explainer: A topic"
        assert set(titles) == {"Explainer: A topic", "Question: A question?", "Case: A v. Case"}
        assert all(link.startswith("http://testserver/") for _, link in entries)

    HOSTILE = '<script>alert("summary")</script><img src=x onerror="alert(1)">'

    @pytest.mark.parametrize(
        ("url", "titles"),
        [
            ("/feeds/updates/", {"Explainer: Odd topic", "Case: Control v. Character"}),
            ("/feeds/cases/", {"Control v. Character (2001)"}),
        ],
    )
    def test_what_an_editor_typed_reaches_a_feed_reader_as_text(self, client, url, titles):
        TopicFactory(title="Odd\x01 topic", summary=self.HOSTILE)
        CourtCaseFactory(name="Control\x01 v. Character", holding=self.HOSTILE)
        response = client.get(url)
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # well-formed XML, or this raises
        entries = root.findall(f"{ATOM}entry")
        assert entries
        assert {entry.find(f"{ATOM}title").text for entry in entries} == titles
        for entry in entries:
            summary = entry.find(f"{ATOM}summary")
            assert summary.get("type") == "html"
            # A reader renders the summary as HTML: it must hold no element, only the text.
            tags, text = rendered(summary.text)
            assert tags == []
            assert self.HOSTILE in text

    def test_pages_announce_the_feeds(self, client):
        page = client.get("/").text
        assert 'type="application/atom+xml"' in page
        assert 'href="/feeds/cases/"' in page


class TestPageMetadata:
    @pytest.mark.parametrize(
        ("url", "title"),
        [
            ("/", "Qualified Immunity | Qualified Immunity Explained"),
            ("/faq/", "Questions and answers | Qualified Immunity Explained"),
            ("/glossary/", "Key terms | Qualified Immunity Explained"),
            ("/cases/", "Case index | Qualified Immunity Explained"),
            (
                "/cases/pearson-v-callahan/",
                "Pearson v. Callahan (2009) | Qualified Immunity Explained",
            ),
            (
                "/topics/qualified-immunity-in-the-courts/",
                "Qualified immunity in the courts | Qualified Immunity Explained",
            ),
        ],
    )
    def test_every_page_has_its_title_description_canonical_and_card(
        self, client, shipped_content, url, title
    ):
        page = client.get(url).text
        assert f"<title>{title}</title>" in page
        description = meta(page, "name", "description")
        assert description
        assert f'<link rel="canonical" href="http://testserver{url}">' in page
        assert meta(page, "property", "og:title") == title.split(" | ")[0]
        assert meta(page, "property", "og:description") == description
        assert meta(page, "property", "og:url") == f"http://testserver{url}"
        assert meta(page, "name", "twitter:card") == "summary"
        assert meta(page, "name", "twitter:title") == title.split(" | ")[0]

    def test_descriptions_come_from_the_content(self, client, shipped_content):
        topic = Topic.objects.get(slug="qualified-immunity-in-the-courts")
        page = client.get(topic.get_absolute_url()).text
        assert meta(page, "name", "description") == topic.summary
        assert meta(page, "property", "og:type") == "article"
        case = client.get("/cases/pearson-v-callahan/").text
        assert meta(case, "name", "description").startswith(
            "Pearson v. Callahan, 555 U.S. 223 (2009): "
        )

    def test_a_later_page_of_the_index_is_its_own_canonical_page(self, client):
        for n in range(30):
            CourtCaseFactory(name=f"Case{n} v. X")
        page = client.get("/cases/", {"page": 2, "court": "supreme-court"}).text
        assert '<link rel="canonical" href="http://testserver/cases/?page=2">' in page


class TestStructuredData:
    def test_the_faq_page_is_an_faqpage(self, client, shipped_content):
        (faq,) = of_type(client.get("/faq/").text, "FAQPage")
        assert faq["@context"] == "https://schema.org"
        questions = faq["mainEntity"]
        assert len(questions) == 11
        first = questions[0]
        assert first["@type"] == "Question"
        assert first["name"] == "What is qualified immunity?"
        assert first["acceptedAnswer"]["@type"] == "Answer"
        assert first["acceptedAnswer"]["text"].startswith(
            "Qualified immunity is a legal principle that applies only in civil cases."
        )
        assert "<" not in first["acceptedAnswer"]["text"]

    def test_a_topic_is_an_article_with_its_dates(self, client, shipped_content):
        topic = Topic.objects.get(slug="what-is-qualified-immunity")
        (article,) = of_type(client.get(topic.get_absolute_url()).text, "Article")
        assert article["headline"] == topic.title
        assert article["dateModified"] == topic.updated_at.isoformat()
        assert article["datePublished"] == topic.published_at.isoformat()
        assert article["author"]["@type"] == "Organization"
        assert article["publisher"]["name"] == "Qualified Immunity Explained"
        assert article["mainEntityOfPage"] == f"http://testserver{topic.get_absolute_url()}"

    @pytest.mark.parametrize(
        ("url", "names"),
        [
            ("/topics/what-is-qualified-immunity/", ["Explainer", "What is qualified immunity?"]),
            ("/faq/", ["Explainer", "Questions and answers"]),
            ("/glossary/", ["Explainer", "Key terms"]),
            ("/cases/pearson-v-callahan/", ["Case index", "Pearson v. Callahan"]),
        ],
    )
    def test_inner_pages_have_breadcrumbs(self, client, shipped_content, url, names):
        page = client.get(url).text
        (crumbs,) = of_type(page, "BreadcrumbList")
        items = crumbs["itemListElement"]
        assert [item["name"] for item in items] == names
        assert [item["position"] for item in items] == list(range(1, len(names) + 1))
        assert items[-1]["item"] == f"http://testserver{url}"
        assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in page

    def test_the_home_page_has_no_breadcrumbs_but_a_site_search(self, client, shipped_content):
        page = client.get("/").text
        assert of_type(page, "BreadcrumbList") == []
        (site,) = of_type(page, "WebSite")
        assert site["potentialAction"]["target"] == (
            "http://testserver/search/?q={search_term_string}"
        )

    def test_content_cannot_break_out_of_the_json(self, client):
        topic = TopicFactory(title='Closing </script><script>alert("x")</script> tags &')
        page = client.get(topic.get_absolute_url()).text
        (article,) = of_type(page, "Article")
        assert article["headline"].startswith("Closing </script>")
        assert '</script><script>alert("x")' not in page

    def test_the_glossary_is_a_defined_term_set(self, client):
        GlossaryTermFactory(term="good faith", slug="good-faith", definition="An honest belief.")
        (terms,) = of_type(client.get("/glossary/").text, "DefinedTermSet")
        assert terms["hasDefinedTerm"] == [
            {
                "@type": "DefinedTerm",
                "name": "good faith",
                "description": "An honest belief.",
                "url": "http://testserver/glossary/#good-faith",
            }
        ]


def test_a_topic_can_be_cited(client):
    topic = TopicFactory(title="What is qualified immunity?", slug="what-is")
    changed = timezone.localtime(topic.updated_at)
    page = client.get(topic.get_absolute_url()).text
    assert (
        '<p class="cite-this__text" id="cite-page">“What is qualified immunity?” '
        "<i>Qualified Immunity Explained</i>. http://testserver/topics/what-is/. "
        f"Last changed {changed.day} {changed:%B %Y}.</p>"
    ) in page
