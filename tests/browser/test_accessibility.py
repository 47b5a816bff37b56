"""Accessibility as a reader meets it: axe-core run inside every public page, at phone and
desktop widths, in light and dark colour schemes; and the keyboard alone."""

import pytest

from tests.browser.pages import AXE_SCRIPT, NPM_HINT, Reader, public_pages

# One page of each kind, for the checks that walk a page element by element.
KINDS_OF_PAGE = [
    "/",
    "/topics/qualified-immunity-in-the-courts/",
    "/faq/",
    "/glossary/",
    "/cases/",
    "/cases/pearson-v-callahan/",
    "/timeline/",
    "/laws/",
    "/laws/colorado-sb-20-217/",
    "/search/?q=officers",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_axe_finds_no_violations_on_any_public_page(browser, site, width, scheme):
    if not AXE_SCRIPT.exists():
        pytest.skip(f"axe-core is not installed: {NPM_HINT}")
    reader = Reader(browser, site, width=width, scheme=scheme, axe=True)
    failures = {}
    try:
        for path in public_pages(reader.context.request, site):
            reader.open(path)
            reader.open_disclosures()
            if violations := reader.axe_violations():
                failures[path] = violations
    finally:
        reader.close()
    assert not failures, "\n".join(
        f"{path}:\n  " + "\n  ".join(found) for path, found in failures.items()
    )


def test_every_page_has_landmarks_and_one_main_heading(reader, site):
    failures = []
    for path in public_pages(reader.context.request, site):
        page = reader.open(path)
        structure = page.evaluate(
            """() => ({
                h1: document.querySelectorAll("h1").length,
                main: document.querySelectorAll("main").length,
                banner: document.querySelectorAll("body > header").length,
                contentinfo: document.querySelectorAll("body > footer").length,
                navigation: [...document.querySelectorAll("nav")].every(
                    nav => nav.getAttribute("aria-label") || nav.getAttribute("aria-labelledby")),
                lang: document.documentElement.lang,
            })"""
        )
        expected = {"h1": 1, "main": 1, "banner": 1, "contentinfo": 1, "navigation": True}
        expected["lang"] = "en"
        if structure != expected:
            failures.append(f"{path}: {structure}")
    assert not failures, "\n".join(failures)


# Everything a keyboard can reach, in document order, each marked with its position.
MARK_FOCUSABLE = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
        '[tabindex]:not([tabindex="-1"])';
    const reachable = el => !el.disabled && el.getClientRects().length > 0 &&
        getComputedStyle(el).visibility !== 'hidden' &&
        (el.tagName === 'SUMMARY' || !el.closest('details:not([open])') ||
         el.closest('details:not([open]) > summary') === el);
    const found = [...document.querySelectorAll(selector)].filter(reachable);
    found.forEach((el, i) => el.dataset.keyboardOrder = i);
    return {
        count: found.length,
        positiveTabindex: [...document.querySelectorAll('[tabindex]')]
            .filter(el => el.tabIndex > 0).map(el => el.outerHTML.slice(0, 80)),
    };
}"""

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const box = el.getBoundingClientRect();
    return {
        order: el.dataset.keyboardOrder === undefined ? null : Number(el.dataset.keyboardOrder),
        label: (el.textContent || el.value || el.name || el.tagName).trim().slice(0, 40),
        visibleFocus: outline || style.boxShadow !== 'none',
        onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight,
    };
}"""


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_the_keyboard_reaches_everything_in_order_with_a_visible_focus(browser, site, width):
    # Reduced motion: the page then jumps to each focused element instead of scrolling
    # smoothly, so where the focus is can be checked at once.
    reader = Reader(browser, site, width=width, motion="reduce")
    failures = []
    try:
        for path in KINDS_OF_PAGE:
            page = reader.open(path)
            marked = page.evaluate(MARK_FOCUSABLE)
            assert not marked["positiveTabindex"], f"{path}: a positive tabindex breaks the order"
            visited = []
            for _ in range(marked["count"]):
                page.keyboard.press("Tab")
                focused = page.evaluate(FOCUSED)
                visited.append(focused["order"])
                if not focused["visibleFocus"] or not focused["onScreen"]:
                    failures.append(f"{path}: no visible focus on {focused['label']!r}")
            if visited != list(range(marked["count"])):
                failures.append(f"{path}: Tab visited {visited}, not 0..{marked['count'] - 1}")
    finally:
        reader.close()
    assert not failures, "\n".join(failures)


def test_the_skip_link_comes_first_and_moves_focus_to_the_main_content(reader):
    page = reader.open("/cases/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert skip.is_visible()
    assert skip.bounding_box()["height"] > 10  # shown on focus, not left off-screen
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next stop is the first one in the main content, past the header and the menu.
    assert page.evaluate(
        """() => document.activeElement ===
            document.querySelector("main").querySelector("a[href], input, select, button")"""
    )


def test_smooth_scrolling_only_for_readers_who_have_not_asked_for_less_motion(browser, site):
    scrolling = {}
    for motion in ("no-preference", "reduce"):
        reader = Reader(browser, site, motion=motion)
        page = reader.open("/")
        style = "getComputedStyle(document.documentElement).scrollBehavior"
        scrolling[motion] = page.evaluate(style)
        reader.close()
    assert scrolling == {"no-preference": "smooth", "reduce": "auto"}
