"""
The Markdown editor's two endpoints, for staff only.

django-markdownx ships its preview and upload views open to anyone, and its upload trusts the
content type and file name the browser sends. These replacements answer staff alone (403 for
everyone else), render the preview as the page will show it (the text's own save path: Markdown,
sanitising, then its citation links and key-term definitions), and accept only PNG, JPEG, GIF
and WebP files that Pillow confirms are the image they claim to be, saved under a name whose
extension comes from the detected format, never from the upload. An image with more pixels than
MARKDOWNX_UPLOAD_MAX_PIXELS is refused from its header, before anything decodes it.
"""

import warnings

from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.views import View
from markdownx.forms import ImageForm
from PIL import Image

from qiportal.markup import check_length, render_markdown
from qiportal.texts import RenderedText

# Pillow format name -> (the content type it must have been sent as, the file extension).
IMAGE_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


class StaffOnlyMixin(UserPassesTestMixin):
    raise_exception = True

    def test_func(self):
        user = self.request.user
        return user.is_active and user.is_staff

    def handle_no_permission(self):
        raise PermissionDenied("The Markdown editor is for editors who are logged in.")


class MarkdownPreviewView(StaffOnlyMixin, View):
    """
    The editor's live preview: the same HTML readers will get. The editor's form names its text
    in the preview's address (`?text=explainer.topic&item=7`: qiportal.admin's widget): the text
    is rendered by that model's save path, on the item as stored (its address prefixes the
    page's anchors) or, for an item not saved yet, on a new one. Without a name, or for one the
    user may not see, it is the Markdown alone, sanitised.
    """

    def post(self, request):
        content = request.POST.get("content")
        if content is None:
            return HttpResponseBadRequest("Send the Markdown to preview as 'content'.")
        try:
            check_length(content)
        except ValidationError as error:
            # markdownx shows whatever comes back in the preview, whatever the status.
            message = format_html(
                '<p class="markdownx-preview-error" role="alert">Not previewed. {}</p>',
                error.message,
            )
            return HttpResponseBadRequest(message, content_type="text/html; charset=utf-8")
        return HttpResponse(self.render(content), content_type="text/html; charset=utf-8")

    def render(self, content):
        text = self.text()
        if text is None:
            return render_markdown(content)
        setattr(text, text.text_source, content)
        text.render()
        return getattr(text, text.text_html)

    def text(self):
        """The item whose text is previewed (not saved), or None."""
        label, item = self.request.GET.get("text", ""), self.request.GET.get("item", "")
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return None
        opts = model._meta
        if not issubclass(model, RenderedText) or not self.request.user.has_perm(
            f"{opts.app_label}.view_{opts.model_name}"
        ):
            return None
        if item.isdigit():
            return model._base_manager.filter(pk=item).first() or model()
        return model()


class CheckedImageForm(ImageForm):
    """markdownx's upload form, with the file's real format checked."""

    def clean(self):
        upload = super().clean()
        try:
            with warnings.catch_warnings():
                # Pillow warns from 89 megapixels; the limit checked below is lower.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(upload)  # reads the header only: format and dimensions
            with image:
                detected = image.format
                # Before anything decodes the pixels: a file of a few hundred KB can hold an
                # image that takes gigabytes once decoded.
                self.check_dimensions(*image.size)
                image.verify()
        except Image.DecompressionBombError as error:  # over 179 megapixels, from Pillow
            raise ValidationError(self.too_many_pixels()) from error
        except ValidationError:
            raise
        except Exception as error:  # Pillow raises many kinds for a broken or hostile file.
            raise ValidationError(
                "This file is not a readable image. Upload a PNG, JPEG, GIF or WebP file."
            ) from error
        finally:
            upload.seek(0)
        if detected not in IMAGE_FORMATS:
            raise ValidationError(
                f"{detected or 'This'} images are not accepted. "
                "Upload a PNG, JPEG, GIF or WebP file."
            )
        content_type, self.extension = IMAGE_FORMATS[detected]
        if upload.content_type != content_type:
            raise ValidationError(
                f"This file was sent as {upload.content_type} but is a {detected} image. "
                "Save it with the right extension and upload it again."
            )
        return upload

    def check_dimensions(self, width, height):
        if width * height > settings.MARKDOWNX_UPLOAD_MAX_PIXELS:
            raise ValidationError(self.too_many_pixels(f"{width:,} by {height:,} pixels"))

    @staticmethod
    def too_many_pixels(size="far too large"):
        limit = settings.MARKDOWNX_UPLOAD_MAX_PIXELS / 1_000_000
        shown = "{:,} by {:,} pixels".format(*settings.MARKDOWNX_IMAGE_MAX_SIZE["size"])
        return (
            f"This image is {size}; images may have at most {limit:g} megapixels. Scale it "
            f"down to at most {shown}, the largest it is shown, and upload it again."
        )

    def _save(self, image, file_name, commit):
        return super()._save(image, f"image.{self.extension}", commit)


class ImageUploadView(StaffOnlyMixin, View):
    """Stores an image dropped into the editor and answers with its Markdown."""

    def test_func(self):
        permission = settings.MARKDOWNX_UPLOAD_PERMISSION
        return super().test_func() and self.request.user.has_perm(permission)

    # Room for the multipart envelope around a file of the largest allowed size.
    ENVELOPE = 64 * 1024

    def post(self, request):
        declared_length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
        if not declared_length.isdigit() or int(declared_length) > limit + self.ENVELOPE:
            # Refused before the body is read, so a huge upload never reaches the disk.
            return self.refuse(f"Please keep images under {filesizeformat(limit)}.", status=413)
        form = CheckedImageForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.refuse(" ".join(e for errors in form.errors.values() for e in errors))
        return JsonResponse({"image_code": f"![]({form.save(commit=True)})"})

    @staticmethod
    def refuse(message, status=400):
        limits = (
            "PNG, JPEG, GIF or WebP images, at most "
            f"{filesizeformat(settings.MARKDOWNX_UPLOAD_MAX_SIZE)} and "
            f"{settings.MARKDOWNX_UPLOAD_MAX_PIXELS / 1_000_000:g} megapixels."
        )
        return JsonResponse({"error": message, "accepted": limits}, status=status)
