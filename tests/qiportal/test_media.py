"""Editor uploads, served by the app: the images the editor stored, and nothing else."""

import re

import pytest
from django.utils.http import http_date

from tests.factories import TopicFactory
from tests.qiportal.test_editor import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(settings):
    folder = settings.MEDIA_ROOT / "uploads"
    folder.mkdir(parents=True)
    return folder


def body(response):
    return b"".join(response.streaming_content)


def test_an_image_dropped_into_the_editor_is_shown_to_readers(staff_client, client):
    answer = upload(staff_client, "chart.png", image_bytes(), "image/png").json()
    src = re.search(r"\((/media/uploads/[^)]+\.png)\)", answer["image_code"])[1]
    topic = TopicFactory(body=answer["image_code"])
    assert f'src="{src}"' in client.get(topic.get_absolute_url()).text

    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response).startswith(b"\x89PNG")
    cache_control = set(response["Cache-Control"].split(", "))
    assert {"public", "max-age=31536000", "immutable"} <= cache_control


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.png", "image/png"),
        ("b.jpg", "image/jpeg"),
        ("c.gif", "image/gif"),
        ("d.webp", "image/webp"),
    ],
)
def test_each_accepted_image_type_is_served_as_itself(client, uploads, name, content_type):
    (uploads / name).write_bytes(b"image bytes")
    response = client.get(f"/media/uploads/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type


def test_an_upload_is_never_sniffed_even_with_the_site_wide_header_off(client, uploads, settings):
    settings.SECURE_CONTENT_TYPE_NOSNIFF = False
    (uploads / "a.png").write_bytes(b"<script>alert(1)</script>")
    assert client.get("/media/uploads/a.png")["X-Content-Type-Options"] == "nosniff"


def test_a_browser_that_has_the_image_is_told_so(client, uploads):
    (uploads / "a.png").write_bytes(b"image bytes")
    since = http_date((uploads / "a.png").stat().st_mtime)
    response = client.get("/media/uploads/a.png", headers={"if-modified-since": since})
    assert response.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/media/",  # no listing of the folder
        "/media/uploads/",
        "/media/uploads",
        "/media/uploads/missing.png",
        "/media/uploads/page.html",  # files the editor never stores
        "/media/uploads/drawing.svg",
        "/media/uploads/notes.txt",
        "/media/uploads/no-extension",
        "/media/uploads/.png",
        "/media/../manage.py",  # nothing outside the media folder
        "/media/%2e%2e/manage.py",
        "/media/uploads/%2e%2e/%2e%2e/README.md",
        "/media/uploads/..%2f..%2fqiportal%2fstatic%2ffavicon.png",
        "/media//etc/hostname.png",
        "/media/uploads/a%00.png",
        "/media/uploads/" + "a" * 5000 + ".png",
    ],
)
def test_anything_else_is_404(client, uploads, url):
    for name in ("page.html", "drawing.svg", "notes.txt", "no-extension", ".png"):
        (uploads / name).write_bytes(b"<script>alert(1)</script>")
    response = client.get(url)
    assert response.status_code == 404
    assert b"alert" not in (body(response) if response.streaming else response.content)


def test_an_image_beside_the_media_folder_is_out_of_reach(client, uploads, settings):
    (settings.MEDIA_ROOT.parent / "beside.png").write_bytes(b"not for readers")
    for url in (
        "/media/../beside.png",
        "/media/%2e%2e/beside.png",
        "/media/uploads/../../beside.png",
    ):
        assert client.get(url).status_code == 404


def test_a_link_out_of_the_folder_is_not_followed(client, uploads, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"not for readers")
    (uploads / "link.png").symlink_to(outside)
    assert client.get("/media/uploads/link.png").status_code == 404


def test_only_get_and_head(client, uploads):
    (uploads / "a.png").write_bytes(b"image bytes")
    assert client.head("/media/uploads/a.png").status_code == 200
    assert client.post("/media/uploads/a.png").status_code == 405
