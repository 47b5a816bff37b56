from django import forms
from django.contrib import admin
from django.db import models

from laws.models import Jurisdiction, Law, LawAnswer, LawSource
from qiportal.admin import TIMESTAMPS, HistoryAdmin, PublishableAdmin, PublishStateFilter


@admin.register(Jurisdiction)
class JurisdictionAdmin(HistoryAdmin):
    list_display = ["name", "kind", "postal_code"]
    list_filter = ["kind"]
    search_fields = ["name", "postal_code"]
    prepopulated_fields = {"slug": ["name"]}


# Addresses typed without a scheme are read as https.
HTTPS = {models.URLField: {"assume_scheme": "https"}}


class LawSourceInline(admin.TabularInline):
    model = LawSource
    formfield_overrides = HTTPS
    extra = 0
    fields = ["url", "title", "supports", "secondary"]
    verbose_name_plural = "Sources"


class LawAnswerForm(forms.ModelForm):
    class Meta:
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "secondary": forms.Textarea(attrs={"rows": 2, "cols": 80}),
        }


class LawAnswerInline(admin.StackedInline):
    model = LawAnswer
    formfield_overrides = HTTPS
    form = LawAnswerForm
    extra = 0
    fields = ["question", "verified", "answer", "source_url", "source_title", "secondary"]
    verbose_name = "answer"
    verbose_name_plural = "What readers ask: each answer verified with its source, or not yet"


@admin.register(Law)
class LawAdmin(PublishableAdmin):
    list_display = ["short_name", "state", "jurisdiction", "enactment", "qualified_immunity"]
    list_filter = [PublishStateFilter, "enactment", "qualified_immunity", "jurisdiction__kind"]
    list_select_related = ["jurisdiction"]
    search_fields = ["title", "short_name", "citation", "jurisdiction__name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["jurisdiction", "cases"]
    inlines = [LawAnswerInline, LawSourceInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Room to read the long facts whole while editing them."""
        if db_field.name in ("title", "citation", "stopped_at", "dates_note"):
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "jurisdiction",
                    "title",
                    "short_name",
                    "slug",
                    "citation",
                    "enactment",
                    "stopped_at",
                    "signed_on",
                    "effective_on",
                    "dates_note",
                    "qualified_immunity",
                    "who_may_be_sued",
                    "summary",
                    "notes",
                    "cases",
                    "last_verified",
                    "opened_version",
                ]
            },
        ),
        ("Publishing", {"fields": ["status", "published_at"]}),
        TIMESTAMPS,
    ]
