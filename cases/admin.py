from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from cases.forms import CitationForm, CitationFormSet, search_condition
from cases.models import CaseRelation, Citation, Court, CourtCase
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


RELATION_FIELDS = [
    "kind",
    "meaning",
    "also",
    "quote",
    "quote_place",
    "quote_page",
    "source_url",
    "source_note",
]


class RelationForm(forms.ModelForm):
    """Room to read a relation's sentence and quote whole while editing them."""

    class Meta:
        widgets = {
            "meaning": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "quote": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "source_note": forms.Textarea(attrs={"rows": 2, "cols": 80}),
        }


class RelationFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        """In words, for the same relation given twice on one form (Django names the fields)."""
        return "This relation is already recorded: the same case and kind are given twice."


class RelationInline(admin.StackedInline):
    """A case's relations, from one end: the subclasses name which end the case is."""

    model = CaseRelation
    form = RelationForm
    formset = RelationFormSet
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class LaterRelationInline(RelationInline):
    """What this case did to earlier cases: Pearson v. Callahan overruled in part Saucier."""

    fk_name = "from_case"
    autocomplete_fields = ["to_case"]
    fields = ["to_case", *RELATION_FIELDS]
    verbose_name = "relation to an earlier case"
    verbose_name_plural = "How this case acts on earlier cases"


class EarlierRelationInline(RelationInline):
    """What later cases did to this one, edited here as well: both ends see the relation."""

    fk_name = "to_case"
    autocomplete_fields = ["from_case"]
    fields = ["from_case", *RELATION_FIELDS]
    verbose_name = "relation from a later case"
    verbose_name_plural = "How later cases act on this case"


@admin.register(CourtCase)
class CourtCaseAdmin(PublishableAdmin):
    """The apps above add their inlines by registering a subclass (the explainer's topics)."""

    list_display = ["name", "state", "year", "outcome", "court", "updated_at"]
    list_filter = [PublishStateFilter, "outcome", "court"]
    list_select_related = ["court"]
    search_fields = ["name", "holding"]
    search_help_text = "Case name, words of the holding, or a citation such as 555 U.S. 223."
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["court"]
    inlines = [CitationInline, LaterRelationInline, EarlierRelationInline]
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
                    "outcome_detail",
                    "holding",
                    "summary",
                    "opinion_url",
                    "opened_version",
                ]
            },
        ),
        (
            "What this case started",
            {
                "fields": ["milestone", "milestone_detail", "milestone_quote", "milestone_source"],
                "description": "Only for a case that began a part of the doctrine; the "
                "timeline marks it. Leave empty otherwise.",
            },
        ),
        ("Publishing", {"fields": ["status", "published_at"]}),
        TIMESTAMPS,
    ]

    def dates_to_check(self, obj):
        yield from super().dates_to_check(obj)
        if obj.year > timezone.localdate().year:
            yield f"“{obj}” is dated {obj.year}, a year still to come: check the year decided."

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("milestone_detail", "milestone_quote", "milestone_source"):
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """The case index's own search, so a citation finds its case here too."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_condition(search_term[:200])), False
