from django.contrib import admin
from django.db import models

from cases.forms import CitationForm, CitationFormSet, search_condition
from cases.models import Citation, Court, CourtCase
from qiportal.admin import TIMESTAMPS, HistoryAdmin, PublishableAdmin, PublishStateFilter


@admin.register(Court)
class CourtAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "slug"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


class CitationInline(admin.TabularInline):
    model = Citation
    form = CitationForm
    formset = CitationFormSet
    extra = 1
    fields = ["citation", "position"]


@admin.register(CourtCase)
class CourtCaseAdmin(PublishableAdmin):
    """The apps above add their inlines by registering a subclass (the explainer's topics)."""

    list_display = ["name", "year", "court", "outcome", "state", "updated_at"]
    list_filter = [PublishStateFilter, "outcome", "court"]
    list_select_related = ["court"]
    search_fields = ["name", "holding"]
    search_help_text = "Case name, words of the holding, or a citation such as 555 U.S. 223."
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["court"]
    inlines = [CitationInline]
    formfield_overrides = {
        **PublishableAdmin.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
    }
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "court",
                    "year",
                    "outcome",
                    "holding",
                    "summary",
                    "opinion_url",
                    "opened_version",
                ]
            },
        ),
        ("Publishing", {"fields": ["status", "published_at"]}),
        TIMESTAMPS,
    ]

    def get_search_results(self, request, queryset, search_term):
        """The case index's own search, so a citation finds its case here too."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_condition(search_term[:200])), False
