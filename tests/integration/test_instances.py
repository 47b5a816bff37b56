"""Several stateless app servers on one database and one cache: a change made through one is
seen through every other on the next request."""

import re
import shutil

import pytest

from bench.deployment import Browser, Deployment
from tests.forms import form_data

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server is not installed (apt-get install redis-server; .ci/run installs it)",
)

TOPIC = "/topics/what-is-qualified-immunity/"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    deployment = Deployment(tmp_path_factory.mktemp("deployment"))
    try:
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope="module")
def servers(deployment):
    return deployment.start_app_server(), deployment.start_app_server()


def test_a_change_through_one_instance_is_read_through_the_other(servers):
    one, two = servers
    reader = Browser()
    status, headers, page = reader.get(f"{two}{TOPIC}")
    assert status == 200
    assert reader.get(f"{two}{TOPIC}")[1]["X-Cache"] == "hit"  # instance two has it cached
    # A page of the long tail (a search), cached through instance two too.
    search = f"{two}/search/?q=edited+through+instance"
    assert "No results" in reader.get(search)[2]
    assert reader.get(f"{search}&utm_source=newsletter")[1]["X-Cache"] == "hit"

    editor = Browser()
    editor.log_in(one)
    change_list = editor.get(f"{one}/admin/explainer/topic/?q=What+is+qualified")[2]
    pk = re.search(r'href="/admin/explainer/topic/(\d+)/change/', change_list)[1]
    change_url = f"{one}/admin/explainer/topic/{pk}/change/"
    status, _, form = editor.get(change_url)
    assert status == 200
    marker = "Edited through instance one."
    body = form_data(form)["body"]
    status, landed, _ = editor.post_form(change_url, form, body=f"{body}\n\n{marker}")
    assert landed.endswith("/admin/explainer/topic/")  # saved, back at the list

    status, headers, page = reader.get(f"{two}{TOPIC}")
    assert marker in page
    assert headers["X-Cache"] == "miss"
    assert marker in reader.get(f"{one}{TOPIC}")[2]
    status, headers, page = reader.get(f"{search}&fbclid=abc")
    assert headers["X-Cache"] == "miss"
    assert "What is qualified immunity?" in page
    assert reader.get(f"{search}&fbclid=abc")[1]["X-Cache"] == "hit"


def test_every_instance_serves_the_same_page_from_the_shared_cache(servers):
    one, two = servers
    reader = Browser()
    behind_one_address = {"Host": "localhost"}  # as through a load balancer
    reader.get(f"{one}/faq/", headers=behind_one_address)
    status, headers, _ = reader.get(f"{two}/faq/", headers=behind_one_address)
    assert status == 200
    assert headers["X-Cache"] == "hit"


def test_static_files_are_compressed_hashed_and_cached_for_a_year(servers):
    one, _ = servers
    page = Browser().get(f"{one}/")[2]
    css = page.split('<link rel="stylesheet" href="')[1].split('"')[0]
    assert css.startswith("/static/css/site.") and css.endswith(".css")  # hashed name
    status, headers, _ = Browser().get(f"{one}{css}", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert "max-age=315360000" in headers["Cache-Control"]


def test_production_pages_carry_the_security_headers(servers):
    _, two = servers
    status, headers, _ = Browser().get(f"{two}/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_session_cookie_is_http_only(servers):
    one, _ = servers
    editor = Browser()
    editor.log_in(one)
    session = next(cookie for cookie in editor.cookies if cookie.name == "sessionid")
    assert session.has_nonstandard_attr("HttpOnly")


def test_uploaded_images_are_served_in_production(deployment, servers):
    one, _ = servers
    uploads = deployment.workdir / "media" / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    status, headers, _ = Browser().get(f"{one}/media/uploads/chart.png")
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, _, text = Browser().get(f"{one}/media/../manage.py")
    assert status in {400, 404}  # refused, never the file outside the media folder
    assert "execute_from_command_line" not in text
