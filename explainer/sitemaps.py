from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from cases.models import CourtCase
from explainer.models import FAQItem, GlossaryTerm, Introduction, Topic


def latest(*querysets):
    times = [qs.aggregate(latest=Max("updated_at"))["latest"] for qs in querysets]
    return max((time for time in times if time), default=None)


class PagesSitemap(Sitemap):
    """The pages made of many items: each changes when one of its items does."""

    def items(self):
        return [
            "explainer:index",
            "explainer:faq",
            "explainer:glossary",
            "cases:index",
            "cases:timeline",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return {
            "explainer:index": lambda: latest(Topic.objects.published(), Introduction.objects),
            "explainer:faq": lambda: latest(FAQItem.objects.published()),
            "explainer:glossary": lambda: latest(GlossaryTerm.objects.published()),
            "cases:index": lambda: latest(CourtCase.objects.published()),
            "cases:timeline": lambda: latest(CourtCase.objects.published()),
        }[name]()


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.published()

    def lastmod(self, topic):
        return topic.updated_at
