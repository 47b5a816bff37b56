"""What readers and editors do, done in the browser, click by click."""

import csv
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cases.models import CourtCase
from explainer.models import FAQItem, Topic
from tests.browser.pages import AXE_SCRIPT, Reader


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


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_a_key_term_opens_in_place_by_mouse_and_keyboard(browser, site, width):
    reader = Reader(browser, site, width=width, axe=AXE_SCRIPT.exists())
    try:
        page = reader.open("/topics/qualified-immunity-in-the-courts/")
        term = page.locator("main button.glossary-term").first
        definition = page.get_by_role("note", name="Key term: qualified immunity")
        # Nothing between the paragraphs until the reader asks.
        expect(definition).to_be_hidden()
        assert page.locator("main .term-definitions").first.bounding_box() is None

        term.focus()
        page.keyboard.press("Enter")
        expect(definition).to_be_visible()
        expect(definition).to_contain_text("protects government officials")
        if AXE_SCRIPT.exists():
            assert reader.axe_violations() == []
        page.keyboard.press("Escape")
        expect(definition).to_be_hidden()
        assert page.evaluate("document.activeElement.classList.contains('glossary-term')")

        term.click()
        expect(definition).to_be_visible()
        definition.get_by_role("button", name="Close").click()
        expect(definition).to_be_hidden()
        # The definition's own link leads to the glossary.
        term.click()
        definition.get_by_role("link", name="All key terms").click()
        expect(page).to_have_url(re.compile(r"/glossary/#qualified-immunity$"))
        assert reader.problems == []
    finally:
        reader.close()


def test_a_reader_follows_the_doctrine_from_the_timeline_to_a_case_and_back(reader):
    page = reader.open("/timeline/")
    page.get_by_label("Relation").select_option(label="Overrules in part")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"[?&]kind=overrules-in-part(&|$)"))
    expect(page.get_by_role("status").first).to_contain_text("2 cases and 1 relation")
    page.locator(
        "svg.timeline__drawing--across .timeline__name", has_text="Pearson v. Callahan"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pearson v. Callahan")
    relation = page.locator(".relation").first
    expect(relation).to_contain_text("overruled in part")
    relation.get_by_role("link", name="Saucier v. Katz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saucier v. Katz")
    expect(page.get_by_role("heading", name="What this case started")).to_be_visible()


def log_in(staff, username):
    page = staff.open("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Log in").click()
    return page


def test_an_editor_submits_a_change_a_reviewer_approves_and_only_then_readers_see_it(
    browser, site, editor, django_user_model, settings, screenshots
):
    settings.REQUIRE_REVIEW = True
    reviewer = django_user_model.objects.create_user(
        "reviewer", password="a long pass phrase", is_staff=True
    )
    reviewer.groups.add(*Group.objects.filter(name__in=["Editors", "Reviewers"]))
    topic = Topic.objects.get(slug="what-is-qualified-immunity")
    sentence = "A sentence that waits for a second reader."
    staff, checker, reader = Reader(browser, site), Reader(browser, site), Reader(browser, site)
    try:
        page = log_in(staff, "editor")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("link", name="Topics").first.click()
        page.get_by_role("link", name=topic.title, exact=True).click()
        body = page.locator("#id_body")
        body.press("Control+End")
        body.press_sequentially(f"\n\n**{sentence}**")
        page.get_by_role("button", name="Submit for review").click()
        expect(page.locator(".messagelist")).to_contain_text("Submitted the changes")
        expect(page.locator(".working-copy-note")).to_contain_text("Waiting for review")
        page.screenshot(path=screenshots / "review-editor-form.png", full_page=True)

        public = reader.open(topic.get_absolute_url())
        expect(public.locator("main strong", has_text=sentence)).to_have_count(0)
        own = staff.open(topic.get_absolute_url())
        expect(own.locator(".publish-banner--copy")).to_contain_text("Unpublished changes.")
        expect(own.locator("main strong", has_text=sentence)).to_be_visible()

        page = log_in(checker, "reviewer")
        page.set_viewport_size({"width": 1280, "height": 900})
        waiting = page.locator("#waiting-for-review")
        waiting.get_by_role("link", name=topic.title).click()
        expect(page.locator(".working-copy-differences ins")).to_contain_text(sentence)
        page.screenshot(path=screenshots / "review-differences.png", full_page=True)
        page.get_by_label("Note for the history").fill("Checked against the seed.")
        page.get_by_role("button", name="Approve and publish").click()
        expect(page.locator(".messagelist")).to_contain_text("Published the changes")

        public = reader.open(topic.get_absolute_url())
        expect(public.locator("main strong", has_text=sentence)).to_be_visible()
        expect(public.locator(".page-reviewed")).to_contain_text("Reviewed on")
        assert staff.problems == [] and checker.problems == [] and reader.problems == []
    finally:
        staff.close()
        checker.close()
        reader.close()


def test_leaving_a_form_with_unsaved_typing_asks_first_and_saving_does_not(browser, site, editor):
    topic = Topic.objects.get(slug="what-is-qualified-immunity")
    staff = Reader(browser, site)
    asked = []
    try:
        page = log_in(staff, "editor")
        page.goto(f"{site}/admin/explainer/topic/{topic.pk}/change/")
        page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
        page.locator("#id_summary").fill("A summary typed and not saved.")
        page.get_by_role("link", name="History").click()
        expect(page.locator("#id_summary")).to_have_value("A summary typed and not saved.")
        assert asked == ["beforeunload"]
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        assert asked == ["beforeunload"]  # saving did not ask
    finally:
        staff.close()


@pytest.mark.parametrize("width", [1280, 1366])
def test_every_content_list_shows_the_state_inside_the_window(browser, site, editor, width):
    staff = Reader(browser, site)
    try:
        page = log_in(staff, "editor")
        page.set_viewport_size({"width": width, "height": 900})
        for path in [
            "/admin/cases/courtcase/",
            "/admin/explainer/topic/",
            "/admin/explainer/faqitem/",
            "/admin/explainer/glossaryterm/",
            "/admin/laws/law/",
        ]:
            page.goto(f"{site}{path}")
            state = page.locator("#result_list thead th.column-state")
            results = page.locator("#changelist .results")
            state_box, shown_box = state.bounding_box(), results.bounding_box()
            right = min(shown_box["x"] + shown_box["width"], width)
            assert state_box["x"] + state_box["width"] <= right, path
    finally:
        staff.close()


def test_an_editor_adds_an_image_with_the_button_and_describes_it(browser, site, editor, tmp_path):
    from PIL import Image

    picture = tmp_path / "chart.png"
    Image.new("RGB", (40, 30), (30, 90, 200)).save(picture)
    topic = Topic.objects.get(slug="what-is-qualified-immunity")
    staff = Reader(browser, site)
    try:
        page = log_in(staff, "editor")
        page.goto(f"{site}/admin/explainer/topic/{topic.pk}/change/")
        page.on("dialog", lambda dialog: dialog.accept("A blue chart"))
        body = page.locator("#id_body")
        body.press("Control+End")
        control = page.locator(".markdownx-add-image").first
        expect(control).to_contain_text("Add image")
        expect(control).to_contain_text("drop or paste")
        control.locator("input[type=file]").set_input_files(picture)
        expect(body).to_have_value(re.compile(r"!\[A blue chart\]\(/media/uploads/.+\.png\)"))
        expect(page.locator(".markdownx-preview img[alt='A blue chart']")).to_have_count(1)
        assert staff.problems == []
    finally:
        staff.close()


def test_two_editors_saving_one_topic_keep_both_changes_and_are_asked_when_they_meet(
    browser, site, editor, django_user_model, screenshots
):
    second = django_user_model.objects.create_user(
        "second", password="a long pass phrase", is_staff=True
    )
    second.groups.add(Group.objects.get(name="Editors"))
    topic = Topic.objects.get(slug="what-is-qualified-immunity")
    url = f"{site}/admin/explainer/topic/{topic.pk}/change/"
    ada_tab, bob_tab = Reader(browser, site), Reader(browser, site)
    try:
        ada, bob = log_in(ada_tab, "editor"), log_in(bob_tab, "second")
        for page in (ada, bob):
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(url)

        # Different fields: both changes are kept, and the second editor is told.
        ada.locator("#id_summary").fill("Ada's new summary.")
        ada.get_by_role("button", name="Save and continue editing").click()
        expect(ada.locator(".messagelist")).to_contain_text("was changed successfully")
        bob.locator("#id_body").fill("Bob's new body.")
        bob.get_by_role("button", name="Save and continue editing").click()
        expect(bob.locator(".messagelist")).to_contain_text("their Summary kept; your Body saved.")
        expect(bob.locator("#id_summary")).to_have_value("Ada's new summary.")
        expect(bob.locator("#id_body")).to_have_value("Bob's new body.")

        # The same field: nothing is saved until the second editor chooses.
        ada.goto(url)
        ada.locator("#id_body").fill("Ada's body, rewritten.")
        ada.get_by_role("button", name="Save and continue editing").click()
        expect(ada.locator(".messagelist")).to_contain_text("was changed successfully")
        bob.locator("#id_body").fill("Bob's body, rewritten.")
        bob.get_by_role("button", name="Save and continue editing").click()
        question = bob.locator(".merge-question")
        expect(question).to_contain_text("you both changed Body.")
        expect(question.locator(".merge-field")).to_contain_text("Ada's body, rewritten.")
        expect(bob.locator("#id_body")).to_have_value("Bob's body, rewritten.")
        bob.screenshot(path=screenshots / "conflict-question.png", full_page=True)
        assert Topic.objects.get(pk=topic.pk).body == "Ada's body, rewritten."

        question.get_by_label("Keep yours").check()
        bob.get_by_role("button", name="Save and continue editing").click()
        expect(bob.locator(".messagelist")).to_contain_text("was changed successfully")
        saved = Topic.objects.get(pk=topic.pk)
        assert (saved.summary, saved.body) == ("Ada's new summary.", "Bob's body, rewritten.")
        assert ada_tab.problems == [] and bob_tab.problems == []
    finally:
        ada_tab.close()
        bob_tab.close()
