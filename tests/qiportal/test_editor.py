"""The Markdown editor's preview and upload endpoints: staff only, and safe."""

import io
import struct
import tracemalloc
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import CitationFactory, CourtCaseFactory, GlossaryTermFactory, TopicFactory
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


def write_blank_png(path, width, height, rows=None):
    """A PNG of width x height black pixels, compressed a row at a time: a file of a few hundred
    KB for an image that takes gigabytes once decoded, never whole in memory here. With `rows`,
    the file holds only that many rows (its header still says `height`)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor, row = zlib.compressobj(), bytes(1 + 3 * width)  # filter byte, then RGB
    rows = height if rows is None else rows
    pixels = b"".join(compressor.compress(row) for _ in range(rows)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


def resident_memory_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def memory_used_by(action):
    """(What `action` returns, the most memory it took in MB): the peak of Python's allocations
    (tracemalloc) and the growth of this process's peak resident memory, which also counts what
    Pillow allocates in C, out of tracemalloc's sight (Linux: /proc/self/clear_refs resets it)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = resident_memory_kb("VmRSS")
    except OSError:
        pytest.skip("measuring peak memory needs Linux's /proc/self/clear_refs")
    tracemalloc.start()
    try:
        result = action()
        python_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    resident_growth = resident_memory_kb("VmHWM") - before
    return result, max(python_peak / 1e6, resident_growth / 1000)


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

    def test_the_preview_is_what_the_saved_page_shows(self, staff_client):
        """Citation links and key-term definitions included, by the save path itself."""
        cited = CitationFactory(case=CourtCaseFactory(slug="pearson"), volume=555, page=223)
        GlossaryTermFactory(term="clearly established", definition="Settled *beforehand*.")
        topic = TopicFactory(slug="in-court")
        body = f"Pearson, {cited}, asks whether the right was clearly established."
        form = staff_client.get(f"/admin/explainer/topic/{topic.pk}/change/").text
        preview_path = form.split('data-markdownx-urls-path="')[1].split('"')[0]
        preview = staff_client.post(preview_path.replace("&amp;", "&"), {"content": body})
        topic.body = body
        topic.save()
        topic.refresh_from_db()
        assert 'href="/cases/pearson/"' in preview.text
        assert "Settled <em>beforehand</em>." in preview.text
        assert preview.text == topic.body_html

    def test_a_text_the_user_may_not_see_is_previewed_as_markdown_alone(
        self, staff_outside_editors, client
    ):
        CitationFactory(case=CourtCaseFactory(slug="pearson"), volume=555, page=223)
        client.force_login(staff_outside_editors)
        response = client.post(f"{PREVIEW}?text=cases.courtcase&item=", {"content": "555 U.S. 223"})
        assert response.text == "<p>555 U.S. 223</p>"

    @pytest.mark.parametrize("label", ["nothing", "auth.user", "explainer.nosuchmodel", "a.b.c"])
    def test_a_text_that_is_not_one_is_previewed_as_markdown_alone(self, staff_client, label):
        response = staff_client.post(f"{PREVIEW}?text={label}&item=1", {"content": "*hi*"})
        assert (response.status_code, response.text) == (200, "<p><em>hi</em></p>")

    @pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
    def test_hostile_markdown_is_sanitised(self, staff_client, source):
        response = staff_client.post(PREVIEW, {"content": source})
        assert response.status_code == 200
        assert_safe(response.text)

    def test_a_text_over_the_limit_is_not_rendered_and_the_preview_says_why(
        self, staff_client, settings
    ):
        assert settings.MARKDOWN_MAX_LENGTH == 50_000
        response = staff_client.post(PREVIEW, {"content": "*word* " * 7_143})  # 50,001
        assert response.status_code == 400
        assert response.text == (
            '<p class="markdownx-preview-error" role="alert">Not previewed. This text is 50,001 '
            "characters long; a text may have at most 50,000. Shorten it, or split it into "
            "two.</p>"
        )
        at_the_limit = staff_client.post(PREVIEW, {"content": "*word* " * 7_142 + "*word*"})
        assert at_the_limit.status_code == 200
        assert at_the_limit.text.count("<em>word</em>") == 7_143

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


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory):
    return write_blank_png(tmp_path_factory.mktemp("images") / "huge.png", 13_000, 13_000)


@pytest.mark.django_db
class TestHugeImages:
    """A small file can hold an image that takes gigabytes to decode: 13,000 x 13,000 pixels in a
    PNG of 500 KB. It is refused from its header, before anything decodes it."""

    def post(self, client, path):
        with path.open("rb") as image:
            return client.post(UPLOAD, {"image": image}, **AJAX)

    def test_it_is_refused_in_words_saying_the_limit_and_what_to_do(
        self, staff_client, settings, huge_png
    ):
        assert huge_png.stat().st_size < settings.MARKDOWNX_UPLOAD_MAX_SIZE
        response = self.post(staff_client, huge_png)
        assert response.status_code == 400
        error = response.json()["error"]
        assert "13,000 by 13,000 pixels" in error
        assert "at most 40 megapixels" in error
        assert "Scale it down to at most 1,200 by 1,200 pixels" in error
        assert not (settings.MEDIA_ROOT / "uploads").exists()

    # As in production, where Pillow's own warning about images of this size is only logged.
    @pytest.mark.filterwarnings("default::PIL.Image.DecompressionBombWarning")
    def test_it_is_refused_without_being_decoded(self, staff_client, huge_png):
        response, megabytes = memory_used_by(lambda: self.post(staff_client, huge_png))
        assert response.status_code == 400
        assert megabytes < 50  # decoded, it takes 676 MB

    def test_one_even_pillow_refuses_to_open_is_refused_as_too_large(self, staff_client, tmp_path):
        # 400 megapixels: Pillow's own guard raises on opening it (the file holds one row).
        response = self.post(staff_client, write_blank_png(tmp_path / "a.png", 20_000, 20_000, 1))
        assert response.status_code == 400
        assert "far too large; images may have at most 40 megapixels" in response.json()["error"]

    def test_the_limit_is_a_setting(self, staff_client, settings, tmp_path):
        settings.MARKDOWNX_UPLOAD_MAX_PIXELS = 1_000
        response = upload(staff_client, "a.png", image_bytes(size=(40, 30)), "image/png")
        assert response.status_code == 400
        assert "40 by 30 pixels" in response.json()["error"]
        settings.MARKDOWNX_UPLOAD_MAX_PIXELS = 1_200
        response = upload(staff_client, "a.png", image_bytes(size=(40, 30)), "image/png")
        assert response.status_code == 200
