"""Every public page is valid HTML, by the W3C Nu validator (vnu.jar, from the npm package
`vnu-jar`, run on the machine's Java)."""

import json
import shutil
import subprocess

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.browser.pages import NPM_HINT, ROOT, expected_status, public_paths
from tests.factories import TopicFactory

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def validator(tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("The HTML validator needs Java: apt-get install -y default-jre-headless")
    if not VNU.exists():
        pytest.skip(f"vnu.jar is not installed: {NPM_HINT}")

    def validate(documents):
        """Errors by page name, for {name: html} documents, in one run of the validator."""
        folder = tmp_path / "pages"
        folder.mkdir()
        files = {}
        for number, (name, html) in enumerate(documents.items()):
            file = folder / f"page-{number:02d}.html"
            file.write_bytes(html)
            files[file.name] = name
        result = subprocess.run(
            [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        errors = {}
        for message in json.loads(result.stderr)["messages"]:
            name = files.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
            where = f"line {message.get('lastLine', '?')}"
            errors.setdefault(name, []).append(f"{where}: {message['message']}")
        return errors

    return validate


def test_every_public_page_is_valid_html(client, shipped_content, validator):
    paths = public_paths(client.get("/sitemap.xml").text)
    documents = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == expected_status(path), path
        documents[path] = response.content
    documents["the server-error page"] = server_error(RequestFactory().get("/")).content

    errors = validator(documents)

    assert not errors, "\n".join(
        f"{page}:\n  " + "\n  ".join(found) for page, found in errors.items()
    )


def test_a_draft_previewed_by_staff_is_valid_html(staff_client, validator):
    draft = TopicFactory(status="draft", body="A draft with a [link](https://example.org/).")
    page = staff_client.get(draft.get_absolute_url())
    assert b"Draft, not public." in page.content

    assert validator({"draft preview": page.content}) == {}


def test_the_validator_reports_invalid_html(validator):
    """The check itself can fail: a page with a stray end tag and no title is reported."""
    broken = b"<!doctype html><html lang=en><head></head><body><p>Text</div></body></html>"

    errors = validator({"broken": broken})

    assert "broken" in errors
    assert any("title" in error for error in errors["broken"])
