from django.db.models import Exists, OuterRef, Prefetch, Q
from django.views.generic import DetailView, TemplateView

from cases.models import CaseTopic, CourtCase, Mention
from explainer.models import FAQItem, Introduction, Topic


def is_staff(request):
    return request.user.is_active and request.user.is_staff


class StaffPreviewMixin:
    """
    Public pages show only what is published; staff who are logged in also see drafts and
    scheduled items at their public address, so they can check them before publishing (the
    templates mark them with a banner).
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if is_staff(self.request) else queryset.published()


class ExplainerView(TemplateView):
    template_name = "explainer/explainer.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            introduction=Introduction.objects.first(),
            topics=Topic.objects.published(),
            **kwargs,
        )


class TopicDetailView(StaffPreviewMixin, DetailView):
    model = Topic
    context_object_name = "topic"

    def get_context_data(self, **kwargs):
        topic = self.object
        previous_topic, next_topic = self.neighbours(topic)
        cases = list(
            CourtCase.objects.published()
            .annotate(
                cited_here=Exists(Mention.objects.filter(case=OuterRef("pk"), topic=topic)),
                on_topic=Exists(CaseTopic.objects.filter(case=OuterRef("pk"), topic=topic)),
            )
            .filter(Q(cited_here=True) | Q(on_topic=True))
            .select_related("court")
            .prefetch_related("citations")
        )
        return super().get_context_data(
            faq_items=topic.faq_items.published().order_by("position", "id"),
            cited_cases=[case for case in cases if case.cited_here],
            other_cases=[case for case in cases if not case.cited_here],
            previous_topic=previous_topic,
            next_topic=next_topic,
            **kwargs,
        )

    @staticmethod
    def neighbours(topic):
        """The published topics just before and after this one (a draft has them too)."""
        here = (topic.position, topic.id)
        public = Topic.objects.published().only("slug", "title", "position")
        before = [other for other in public if (other.position, other.id) < here]
        after = [other for other in public if (other.position, other.id) > here]
        return (before[-1] if before else None), (after[0] if after else None)


class FAQView(TemplateView):
    """Every answer, grouped by topic. Staff also see drafts, each marked as such."""

    template_name = "explainer/faq.html"

    def get_context_data(self, **kwargs):
        if is_staff(self.request):
            topics, items = Topic.objects.all(), FAQItem.objects.all()
        else:
            topics, items = Topic.objects.published(), FAQItem.objects.published()
        topics = (
            topics.filter(faq_items__in=items)
            .distinct()
            .prefetch_related(
                Prefetch("faq_items", queryset=items.order_by("position", "id"), to_attr="answers")
            )
        )
        return super().get_context_data(topics=topics, **kwargs)
