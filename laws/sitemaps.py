from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from laws.models import Law


class LawIndexSitemap(Sitemap):
    """/laws/: it changes when one of its laws does."""

    def items(self):
        return ["laws:index"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Law.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class LawSitemap(Sitemap):
    def items(self):
        return Law.objects.published().order_by("pk")

    def lastmod(self, law):
        return law.updated_at
