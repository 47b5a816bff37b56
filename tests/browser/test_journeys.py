"""What readers and editors do, done in the browser, click by click."""

import csv
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cases.models import CourtCase
from explainer.models import FAQItem, Topic
from tests.browser.pages import Reader


def test_a_reader_follows_the_contents_and_a_citation_then_filters_and_downloads(reader):
    page = reader.open("/")
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="Qualified immunity in the courts").click()
    expect(page).to_have_url(re.compile(r"/#qualified-immunity-in-the-courts$"))
    section = page.locator("#qualified-immunity-in-the-courts")
    expect(section.get_by_role("heading", level=2)).to_be_in_viewport()

    # A citation in the text is a link to its case.
    section.get_by_role("link", name="555 U.S. 223").click()
    expect(page).to_have_url(re.compile(r"/cases/pearson-v-callahan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pearson v. Callahan")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.get_by_text("Filter by court, topic, outcome or year").click()
    page.get_by_label("Outcome for the official").select_option(label="Immunity denied")
    page.get_by_role("button", name="Show cases").click()
    expect(page).to_have_url(re.compile(r"[?&]outcome=denied(&|$)"))
    denied = list(
        CourtCase.objects.published().filter(outcome="denied").values_list("name", flat=True)
    )
    assert len(denied) >= 2
    expect(page.get_by_role("status").first).to_contain_text(f"{len(denied)} cases match")
    shown = page.locator("table.cases-table tbody th").all_inner_texts()
    assert sorted(shown) == sorted(denied)

    # The download holds exactly what the page shows.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "qualified-immunity-cases.csv"
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["name"] for row in rows] == shown
    assert {row["outcome"] for row in rows} == {"Immunity denied"}


def test_a_shared_link_opens_the_faq_at_its_answer(reader):
    item = FAQItem.objects.published().order_by("topic__position", "position").last()

    page = reader.open(f"/faq/#{item.slug}")

    answer = page.locator(f"#{item.slug}")
    expect(answer.get_by_role("heading", level=3)).to_have_text(item.question)
    expect(answer).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == item.slug
    # The answer arrived at is marked, so the reader sees which one it is.
    other = page.locator(".faq-item").first
    assert answer.evaluate("e => getComputedStyle(e).backgroundColor") != other.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )


@pytest.fixture
def editor(django_user_model, site):
    user = django_user_model.objects.create_user("editor", password="a long pass phrase")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_an_editor_writes_previews_a_draft_and_publishes_it(browser, site, editor):
    topic = Topic.objects.get(slug="what-is-qualified-immunity")
    sentence = "A sentence an editor added in the browser."
    staff = Reader(browser, site)
    reader = Reader(browser, site)
    try:
        page = staff.open("/admin/login/?next=/admin/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("a long pass phrase")
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Topics").first.click()
        page.get_by_role("link", name=topic.title, exact=True).click()

        # The markdownx editor previews the Markdown as it is typed.
        body = page.locator("#id_body")
        body.press("Control+End")
        body.press_sequentially(f"\n\n**{sentence}**")
        expect(page.locator(".markdownx-preview strong")).to_have_text(sentence)

        page.get_by_label("Status").select_option("Draft")
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

        # Staff see the draft on the site, under the banner; readers do not see it at all.
        page.get_by_role("link", name="View on site").click()
        expect(page.locator(".publish-banner")).to_contain_text("Draft, not public.")
        expect(page.locator("main strong", has_text=sentence)).to_be_visible()
        reader.open(topic.get_absolute_url(), status=404)

        page.go_back()
        page.get_by_label("Status").select_option("Published")
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

        public = reader.open(topic.get_absolute_url())
        expect(public.locator("main strong", has_text=sentence)).to_be_visible()
        expect(public.locator(".publish-banner")).to_have_count(0)
        assert staff.problems == [] and reader.problems == []
    finally:
        staff.close()
        reader.close()
