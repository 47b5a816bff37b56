"""Nothing lost: all content goes out to one file and comes back the same."""

import json
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.models import Citation, Court, CourtCase, Mention
from explainer.models import CaseTopic, FAQItem, GlossaryTerm, Introduction, ShippedItem, Topic
from qiportal.contentfile import export_content
from qiportal.models import SearchEntry
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    FAQItemFactory,
    TopicFactory,
    make_published_cases,
)

pytestmark = pytest.mark.django_db


# Searches a reader might make: words, a phrase that stems, a citation, a party's name.
SEARCHES = ["qualified immunity", "clearly established", "555 U.S. 223", "Pearson", "officers"]


def public_pages(client):
    """Every public page, as readers get it: the explainer, each topic, the FAQ, the key terms,
    search results, the case index (two orders, a filter) and its downloads, each case, both
    feeds, the sitemap and robots.txt."""
    urls = ["/", "/faq/", "/glossary/", "/cases/", "/cases/?page=1&sort=name"]
    urls += ["/cases/?outcome=granted", "/cases/export.csv", "/cases/export.json"]
    urls += ["/cases/export.csv?sort=name", "/feeds/updates/", "/feeds/cases/"]
    urls += ["/sitemap.xml", "/robots.txt"]
    urls += [f"/search/?{urlencode({'q': query})}" for query in SEARCHES]
    urls += [topic.get_absolute_url() for topic in Topic.objects.published()]
    urls += [case.get_absolute_url() for case in CourtCase.objects.published()]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = b"".join(response) if response.streaming else response.content
    return pages


def wipe_content():
    for model in (Mention, Citation, CaseTopic, CourtCase, Court, FAQItem, Topic, Introduction):
        model.objects.all().delete()
    GlossaryTerm.objects.all().delete()
    assert not SearchEntry.objects.exists()
    ShippedItem.objects.all().delete()


@pytest.fixture
def edited_content(shipped_content):
    """The shipped content, loaded a year ago, after some editing: order, drafts, schedules,
    reviews. (A year ago: every date readers see then tells whether it came back.)"""
    a_year_ago = timezone.now() - timedelta(days=365)
    for model in (GlossaryTerm, Topic, FAQItem, CourtCase):
        model.objects.update(created_at=a_year_ago, updated_at=a_year_ago, published_at=a_year_ago)
    Introduction.objects.update(updated_at=a_year_ago)
    Topic.objects.filter(slug="colorado-senate-bill-20-217").update(position=1)
    TopicFactory(title="A draft in progress", draft=True)
    FAQItemFactory(question="Scheduled question?", published_at=timezone.now() + timedelta(days=3))
    case = CourtCaseFactory(name="Newer v. Case", summary="Relies on 555 U.S. 223.")
    CitationFactory(case=case, volume=600, reporter="U.S.", page=1)
    Topic.objects.filter(slug="what-is-qualified-immunity").mark_reviewed()
    CourtCase.objects.get(slug="kisela-v-hughes").delete()


def test_export_then_import_into_an_empty_database_gives_the_same_pages(
    client, edited_content, tmp_path
):
    before = public_pages(client)
    # What is compared holds what readers look for.
    assert b"Pearson v. Callahan" in before["/search/?q=555+U.S.+223"]
    assert b"Newer v. Case" in before["/cases/export.csv"]
    assert b"Newer v. Case" in before["/feeds/cases/"]
    assert b'id="good-faith"' in before["/glossary/"]
    file = tmp_path / "content.json"
    call_command("export_content", str(file), stderr=StringIO())
    data = json.loads(file.read_text())
    assert len(data["topics"]) == 8  # 6 shipped, a draft, the scheduled answer's topic
    assert "kisela-v-hughes" not in [case["slug"] for case in data["cases"]]

    wipe_content()
    assert client.get("/").status_code == 200
    out = StringIO()
    call_command("import_content", str(file), stdout=out)
    assert "Imported 17 key terms, 1 introduction, 8 topics" in out.getvalue()

    after = public_pages(client)
    assert after.keys() == before.keys()
    for url in before:
        assert after[url] == before[url], f"{url} differs after the round trip"
    assert Topic.objects.get(title="A draft in progress").status == "draft"
    assert FAQItem.objects.get(question="Scheduled question?").is_scheduled


def test_a_deleted_shipped_item_does_not_come_back_after_an_import(edited_content, tmp_path):
    file = tmp_path / "content.json"
    call_command("export_content", str(file), stderr=StringIO())
    wipe_content()
    call_command("import_content", str(file), stdout=StringIO())
    call_command("load_content", stdout=StringIO())
    assert not CourtCase.objects.filter(slug="kisela-v-hughes").exists()


def test_export_to_standard_output(shipped_content):
    out = StringIO()
    call_command("export_content", stdout=out)
    assert json.loads(out.getvalue())["format"] == "qiportal-content"


def test_import_refuses_a_database_with_content(shipped_content, tmp_path):
    file = tmp_path / "content.json"
    call_command("export_content", str(file), stderr=StringIO())
    with pytest.raises(CommandError, match=r"already has content .*6 topics"):
        call_command("import_content", str(file))
    assert Topic.objects.count() == 6


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "is not JSON"),
        ('{"format": "something-else"}', "not a qiportal-content file"),
        ('{"format": "qiportal-content", "version": 9}', "version 9"),
        ('{"format": "qiportal-content", "version": 1, "topics": [{"slug": "x"}]}', "missing"),
    ],
)
def test_a_bad_file_is_refused_in_words_and_nothing_is_loaded(db, tmp_path, text, says):
    file = tmp_path / "bad.json"
    file.write_text(text)
    with pytest.raises(CommandError, match=says):
        call_command("import_content", str(file))
    assert not Topic.objects.exists()


def test_a_missing_file_is_reported(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_content", str(tmp_path / "nope.json"))


def test_a_large_index_exports_and_downloads_where_a_query_takes_999_values_at_most(
    client, sqlite_with_its_smallest_limit
):
    make_published_cases(1200, topic=TopicFactory(slug="under-this-topic"))
    data = export_content()
    assert len(data["cases"]) == 1200
    assert all(case["citations"] and case["topics"] for case in data["cases"])
    download = client.get("/cases/export.json")
    assert (
        json.loads(
            b"".join(download.streaming_content) if download.streaming else download.content
        )["count"]
        == 1200
    )
