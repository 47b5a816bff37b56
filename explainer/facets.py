from django.db.models import Exists, OuterRef, Prefetch

from cases.extensions import Facet
from explainer.models import CaseTopic, Topic


class TopicFacet(Facet):
    """The explainer's topics, as the case index offers them (cases.extensions)."""

    name, label, plural, any_label = "topic", "Topic", "topics", "All topics"

    def choices(self):
        return Topic.objects.published().values_list("slug", "title")

    def condition(self, value):
        return Exists(CaseTopic.objects.filter(case=OuterRef("pk"), topic__slug=value))

    def prefetch(self):
        return Prefetch("topics", queryset=Topic.objects.published(), to_attr="public_topics")

    def of(self, case):
        return case.public_topics
