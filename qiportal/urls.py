import functools
import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from cases.sitemaps import CaseSitemap
from explainer.sitemaps import PagesSitemap, TopicSitemap
from laws.sitemaps import LawIndexSitemap, LawSitemap
from qiportal import editor, media
from qiportal.parameters import QueryParameters, page_number, reads_query

SITEMAPS = {
    "pages": PagesSitemap,
    "topics": TopicSitemap,
    "cases": CaseSitemap,
    "law-index": LawIndexSitemap,
    "laws": LawSitemap,
}

admin.site.site_header = f"{settings.SITE_NAME}: editing"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    # django-markdownx's endpoints, replaced by staff-only versions (see qiportal.editor).
    path("markdownx/markdownify/", editor.MarkdownPreviewView.as_view(), name="markdownx_preview"),
    path("markdownx/upload/", editor.ImageUploadView.as_view(), name="markdownx_upload"),
    path(
        "sitemap.xml",
        # A copy of Django's view, so the declaration is this site's and not on Django's function.
        reads_query(QueryParameters(p=page_number))(functools.partial(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "robots.txt",
        reads_query(QueryParameters())(
            TemplateView.as_view(
                template_name="robots.txt", content_type="text/plain; charset=utf-8"
            )
        ),
        name="robots",
    ),
    path("", include("cases.urls")),
    path("", include("laws.urls")),
    path("", include("explainer.urls")),
]

if (settings.DEBUG or settings.SERVE_MEDIA) and not settings.MEDIA_URL.startswith(
    ("http://", "https://")
):
    # Editor uploads are checked images saved under names of our making (qiportal.editor),
    # served as images only (qiportal.media), in development as in production.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            media.serve_upload,
            name="media",
        )
    ]
