from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from qiportal import editor

admin.site.site_header = f"{settings.SITE_NAME}: editing"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    # django-markdownx's endpoints, replaced by staff-only versions (see qiportal.editor).
    path("markdownx/markdownify/", editor.MarkdownPreviewView.as_view(), name="markdownx_preview"),
    path("markdownx/upload/", editor.ImageUploadView.as_view(), name="markdownx_upload"),
    path("cases/", include("cases.urls")),
    path("", include("explainer.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
