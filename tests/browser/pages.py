"""What the browser tests look at, and a reader's browser tab to look with."""

import re
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
NPM_HINT = "run `npm ci --ignore-scripts` in the project (make test does when npm is installed)"

NOT_FOUND = "/this-page-does-not-exist/"
# Pages a reader reaches that the sitemap does not list: searches, filtered and invalid case
# queries, and the page for an address that does not exist.
EXTRA_PAGES = [
    "/search/?q=officers",
    "/search/",
    "/search/?q=zebra+crossing",
    "/cases/?outcome=granted&sort=name",
    "/cases/?year_from=abc&court=nowhere",
    NOT_FOUND,
]


def expected_status(path):
    return 404 if path == NOT_FOUND else 200


def public_paths(sitemap_xml):
    """Every public page: what the sitemap lists (each published topic, case and index), and
    the pages a reader reaches by searching or filtering."""
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap_xml)
    paths = [urlsplit(location).path for location in locations]
    assert len(paths) > 20, "the shipped content is in the sitemap"
    return paths + EXTRA_PAGES


def public_pages(request_context, base_url):
    response = request_context.get(f"{base_url}/sitemap.xml")
    assert response.ok, response.status
    return public_paths(response.text())


def screenshot_name(path, width):
    """test-artifacts/screenshots/375/cases-pearson-v-callahan.png, say."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    return f"{width}/{slug}.png"


class Reader:
    """
    A browser tab, with what it asked of other hosts and what went wrong in it on record:
    failed requests, script errors, and console errors (among them any Content Security Policy
    refusal).
    """

    def __init__(self, browser, base_url, width=1280, scheme="light", axe=False, motion=None):
        self.base_url = base_url
        self.context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
            reduced_motion=motion,
            accept_downloads=True,
        )
        if axe:
            # An init script is not subject to the page's Content Security Policy, which
            # refuses inline scripts, so axe runs in the page exactly as a reader gets it.
            self.context.add_init_script(path=str(AXE_SCRIPT))
        self.page = self.context.new_page()
        self.requested = []
        self.problems = []
        self.page.on("request", lambda request: self.requested.append(request.url))
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("console", self._console)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message):
        # A resource that failed to load is reported by `_response`, with its address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request):
        if request.failure == "net::ERR_ABORTED":
            return  # left for the next page before it finished (the icon, typically)
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"HTTP {response.status} for {response.url}")

    def open(self, path, status=None):
        response = self.page.goto(path)
        status = expected_status(path) if status is None else status
        assert response.status == status, f"{path}: HTTP {response.status}"
        return self.page

    def open_disclosures(self):
        """Open every <details> (key-term definitions, the case filters), to check what they
        hide as well."""
        self.page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")

    def external_requests(self):
        return [
            url
            for url in self.requested
            if not url.startswith(self.base_url) and not url.startswith(("data:", "blob:"))
        ]

    def axe_violations(self):
        """axe-core's violations on the page as it is now, one readable line per problem."""
        violations = self.page.evaluate(
            """async () => {
                const results = await axe.run(document, {resultTypes: ["violations"]});
                return results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(
                        n => n.target.join(" ") + ": " + n.failureSummary),
                }));
            }"""
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']}; " + " | ".join(v["nodes"]) for v in violations
        ]

    def close(self):
        self.context.close()
