"""How every public page looks: at phone, tablet and desktop widths (screenshots a person can
open), printed, and with nothing fetched from anywhere but the portal."""

import pytest

from tests.browser.pages import Reader, public_pages, screenshot_name

TOPIC = "/topics/qualified-immunity-in-the-courts/"


@pytest.mark.parametrize("width", [375, 768, 1280])
def test_every_page_fits_the_screen_and_is_photographed(browser, site, screenshots, width):
    """Screenshots go to test-artifacts/screenshots/<width>/ (git-ignored) to look at."""
    reader = Reader(browser, site, width=width)
    too_wide = []
    try:
        for path in public_pages(reader.context.request, site):
            page = reader.open(path)
            page.screenshot(path=screenshots / screenshot_name(path, width), full_page=True)
            overflow = page.evaluate(
                """() => ({
                    page: document.documentElement.scrollWidth,
                    screen: document.documentElement.clientWidth,
                })"""
            )
            if overflow["page"] > overflow["screen"]:
                too_wide.append(f"{path}: {overflow['page']}px wide on a {width}px screen")
    finally:
        reader.close()
    assert not too_wide, "Sideways scrolling:\n" + "\n".join(too_wide)


def test_pages_load_only_from_the_portal_and_nothing_fails(browser, site):
    """No fonts, scripts or analytics from elsewhere; no refused script or style (the Content
    Security Policy would report one on the console), no missing file, no script error."""
    reader = Reader(browser, site, scheme="dark")
    problems = {}
    try:
        for path in public_pages(reader.context.request, site):
            reader.open(path)
            reader.open_disclosures()
            if reader.problems:
                problems[path] = list(reader.problems)
                reader.problems.clear()
        external = reader.external_requests()
        fetched = len(reader.requested)
    finally:
        reader.close()
    assert fetched > 50  # the pages and their style sheet, script and icon were seen
    assert external == []
    assert not problems, problems


def test_the_dark_scheme_follows_the_readers_setting(browser, site):
    colours = {}
    for scheme in ("light", "dark"):
        reader = Reader(browser, site, scheme=scheme)
        page = reader.open("/")
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        reader.close()
    assert colours["light"] != colours["dark"]


def test_printed_pages_keep_the_text_and_its_sources_and_drop_the_controls(
    reader, site, screenshots
):
    page = reader.open(TOPIC)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.site-nav', '.site-search', '.skip-link', '.site-footer nav']
            .map(selector => [selector, getComputedStyle(document.querySelector(selector)).display])
            .filter(([, display]) => display !== 'none')"""
    )
    assert hidden == [], "shown in print"

    # A citation stays, linked text and all, with the address of its case printed after it.
    citation = page.locator("main a.citation").first
    assert citation.is_visible()
    href = citation.get_attribute("href")
    printed_after = citation.evaluate("a => getComputedStyle(a, '::after').content")
    assert href in printed_after
    # A key term prints as its word: no address after it, and its definition left out (the
    # glossary page prints them all).
    term = page.locator("main button.glossary-term").first
    assert term.is_visible()
    assert term.evaluate("b => getComputedStyle(b, '::after').content") in ("none", "normal")
    assert not page.locator("main .term-popover").first.is_visible()
    # The page says where it was printed from, since paper has no address bar.
    source = page.locator(".print-source")
    assert source.is_visible()
    assert f"{site}{TOPIC}" in source.inner_text()
    # Headings stay with what follows them; an answer or a definition is not cut in two.
    heading = page.locator("main h2").first
    assert heading.evaluate("h => getComputedStyle(h).breakAfter") == "avoid"

    pdf = screenshots.parent / "print" / "topic.pdf"
    pdf.parent.mkdir(exist_ok=True)
    page.pdf(path=pdf)
    assert pdf.stat().st_size > 10_000
