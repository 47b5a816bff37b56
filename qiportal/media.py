"""
Editor uploads, served by the app itself (one server with no proxy or CDN serving them).

Django's documentation warns that `django.views.static.serve`, which served them before, is
"grossly inefficient and probably insecure" for production: it serves any file of any type
under its folder, with a type guessed from the name. This view serves only what the editor
stores: files under MEDIA_ROOT whose extension is one the editor gives the image types it
accepts (qiportal.editor), with that type, never sniffed, and 404 for anything else, folders
included. Upload names are never reused (each is a fresh UUID), so browsers and CDNs may keep a
file for a year.
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from qiportal.editor import IMAGE_FORMATS

# File extension -> content type, as the editor names what it stores (".jpg" for JPEG).
CONTENT_TYPES = {extension: content_type for content_type, extension in IMAGE_FORMATS.values()}
A_YEAR = 365 * 24 * 60 * 60


@require_safe
def serve_upload(request, path):
    """One stored upload, or 404."""
    found = upload_file(path)
    if found is None:
        raise Http404("No such image.")
    file, content_type = found
    response = FileResponse(file, content_type=content_type)
    response["Last-Modified"] = http_date(Path(file.name).stat().st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=A_YEAR, immutable=True)
    return response


def upload_file(path):
    """(the open file, its content type) for an image under MEDIA_ROOT, or None."""
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        # Resolved first, so neither ".." nor a link can lead outside the folder.
        full = (root / path).resolve()
        content_type = CONTENT_TYPES.get(full.suffix.lower().lstrip("."))
        if content_type is None or not full.is_relative_to(root) or not full.is_file():
            return None
        return full.open("rb"), content_type
    except (OSError, ValueError):  # a name too long, a NUL byte, a file gone meanwhile
        return None
