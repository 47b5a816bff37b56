from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from cases.models import CourtCase
from explainer.models import Topic
from explainer.views import StaffPreviewMixin


class CaseListView(ListView):
    template_name = "cases/case_list.html"
    context_object_name = "cases"
    paginate_by = 25

    def get_queryset(self):
        return CourtCase.objects.published().select_related("court").prefetch_related("citations")


class CaseDetailView(StaffPreviewMixin, DetailView):
    model = CourtCase
    template_name = "cases/case_detail.html"
    context_object_name = "case"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("court")
            .prefetch_related("citations", Prefetch("topics", queryset=Topic.objects.published()))
        )
