"""The Markdown editor's preview and upload endpoints: staff only, and safe."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.qiportal.hostile import HOSTILE_MARKDOWN
from tests.qiportal.test_markup import assert_safe

PREVIEW = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def image_bytes(fmt="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def upload(client, name, content, content_type):
    return client.post(
        UPLOAD, {"image": SimpleUploadedFile(name, content, content_type=content_type)}, **AJAX
    )


@pytest.fixture
def reader_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    return client


@pytest.mark.django_db
class TestWhoMayUseThem:
    def test_anonymous_preview_is_refused(self, client):
        response = client.post(PREVIEW, {"content": "*hi*"})
        assert response.status_code == 403
        assert "<em>hi</em>" not in response.text

    def test_anonymous_upload_is_refused(self, client, settings):
        response = upload(client, "a.png", image_bytes(), "image/png")
        assert response.status_code == 403
        assert not (settings.MEDIA_ROOT / "uploads").exists()

    def test_a_user_who_is_not_staff_is_refused(self, reader_client):
        assert reader_client.post(PREVIEW, {"content": "x"}).status_code == 403
        assert upload(reader_client, "a.png", image_bytes(), "image/png").status_code == 403

    def test_get_is_not_allowed(self, staff_client):
        assert staff_client.get(PREVIEW).status_code == 405


@pytest.mark.django_db
class TestPreview:
    def test_staff_get_the_rendered_html(self, staff_client):
        response = staff_client.post(PREVIEW, {"content": "# Title\n\n*hi*"})
        assert response.status_code == 200
        assert response.text == "<h3>Title</h3>\n<p><em>hi</em></p>"

    @pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
    def test_hostile_markdown_is_sanitised(self, staff_client, source):
        response = staff_client.post(PREVIEW, {"content": source})
        assert response.status_code == 200
        assert_safe(response.text)

    def test_missing_content_is_a_400_in_words(self, staff_client):
        response = staff_client.post(PREVIEW, {})
        assert response.status_code == 400
        assert "content" in response.text


@pytest.mark.django_db
class TestUpload:
    @pytest.mark.parametrize(
        ("fmt", "content_type", "extension"),
        [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("GIF", "image/gif", "gif"),
         ("WEBP", "image/webp", "webp")],
    )  # fmt: skip
    def test_images_are_stored_and_answered_with_markdown(
        self, staff_client, settings, fmt, content_type, extension
    ):
        response = upload(staff_client, f"photo.{extension}", image_bytes(fmt), content_type)
        assert response.status_code == 200
        code = response.json()["image_code"]
        assert code.startswith("![](/media/uploads/") and code.endswith(f".{extension})")
        stored = settings.MEDIA_ROOT / code[len("![](/media/") : -1]
        with Image.open(stored) as image:
            assert image.format == fmt

    def test_the_extension_comes_from_the_image_not_the_name(self, staff_client, settings):
        response = upload(staff_client, "evil.html", image_bytes(), "image/png")
        assert response.status_code == 200
        assert response.json()["image_code"].endswith(".png)")
        assert not list((settings.MEDIA_ROOT / "uploads").glob("*.html"))

    def test_svg_is_refused(self, staff_client):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        response = upload(staff_client, "x.svg", svg, "image/svg+xml")
        assert response.status_code == 400
        assert "not supported" in response.json()["error"]

    def test_html_dressed_as_a_png_is_refused(self, staff_client):
        response = upload(staff_client, "x.png", b"<script>alert(1)</script>", "image/png")
        assert response.status_code == 400
        assert "not a readable image" in response.json()["error"]

    def test_an_image_sent_as_another_type_is_refused(self, staff_client):
        response = upload(staff_client, "x.jpg", image_bytes("PNG"), "image/jpeg")
        assert response.status_code == 400
        assert "is a PNG image" in response.json()["error"]

    def test_other_image_formats_are_refused(self, staff_client):
        response = upload(staff_client, "x.png", image_bytes("BMP"), "image/png")
        assert response.status_code == 400
        assert "BMP images are not accepted" in response.json()["error"]

    def test_a_file_just_over_5_mb_is_refused(self, staff_client, settings):
        big = image_bytes() + b"\0" * (5 * 1024 * 1024)
        response = upload(staff_client, "big.png", big, "image/png")
        assert response.status_code == 400
        assert "Please keep file size under 5.0 MB" in response.json()["error"].replace("\xa0", " ")
        assert not (settings.MEDIA_ROOT / "uploads").exists()

    def test_a_request_far_over_the_limit_is_refused_before_it_is_read(self, staff_client):
        big = image_bytes() + b"\0" * (6 * 1024 * 1024)
        response = upload(staff_client, "big.png", big, "image/png")
        assert response.status_code == 413
        assert "Please keep images under 5.0 MB" in response.json()["error"].replace("\xa0", " ")

    def test_a_request_without_a_file_is_answered_in_words(self, staff_client):
        response = staff_client.post(UPLOAD, {}, **AJAX)
        assert response.status_code == 400
        assert response.json()["error"]
