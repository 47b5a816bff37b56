from django.contrib.sitemaps import Sitemap

from cases.models import CourtCase


class CaseSitemap(Sitemap):
    def items(self):
        return CourtCase.objects.published().order_by("pk")

    def lastmod(self, case):
        return case.updated_at
