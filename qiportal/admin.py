"""
What the admin of every kind of content shares: the Markdown editor, history (compare, revert,
recover), the publish state (its column, filter and list actions), review, drag-and-drop order,
and the guard against saving over someone else's change. The apps' admin modules build on these;
nothing is registered here.
"""

import reversion
from adminsortable2.admin import SortableAdminMixin
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from qiportal import changes
from qiportal.markup import check_length

TIMESTAMPS = ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]})


class ConcurrentEditForm(forms.ModelForm):
    """
    Refuses to overwrite what someone else saved after this form was opened.

    The form carries the item's "last changed" time from when it was opened. If the item has
    changed since, saving stops with a message that says who changed it and when; what the
    editor typed stays in the form, and pressing Save again replaces the other change.
    """

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = self.instance.updated_at.isoformat()  # as stored now
        opened = self.data.get(self.add_prefix("opened_version"))
        if opened and opened != current:
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = current  # Save again overwrites
            raise forms.ValidationError(self.conflict_message(), code="edited_meanwhile")
        return cleaned

    def conflict_message(self):
        when = date_format(timezone.localtime(self.instance.updated_at), "j F Y, H:i")
        latest = (
            Version.objects.get_for_object(self.instance).select_related("revision__user").first()
        )
        who = latest.revision.user if latest and latest.revision.user else "someone else"
        return (
            f"Not saved: {who} changed this {self.instance._meta.verbose_name} at {when}, after "
            "you opened it. Your version is still in the form below. Open the history in a new "
            "tab to see their change; then press Save again to replace it with yours, or copy "
            "what you need and reload."
        )


class OnePathAdmin(admin.ModelAdmin):
    """What one form saves (the item and its inlines) or one deletion removes takes effect
    together, once, at the end (qiportal.changes.batch). Django runs both views in a transaction
    already; list actions are one queryset change each."""

    def changeform_view(self, *args, **kwargs):
        with changes.batch():
            return super().changeform_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with changes.batch():
            return super().delete_view(*args, **kwargs)


class MarkdownEditorMixin:
    """
    The markdownx editor, with its live preview, for every Markdown field, which refuses a text
    longer than settings.MARKDOWN_MAX_LENGTH in words and keeps it in the form (checked by the
    form, not the model, so the limit is not written into migrations); and, after saving, what
    the text's linkers want the editor told (citations not in the case index, say).
    """

    formfield_overrides = {
        MarkdownxField: {"widget": AdminMarkdownxWidget, "validators": [check_length]}
    }

    class Media:
        css = {"all": ["editor/editor.css"]}
        js = ["editor/editor.js"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in getattr(obj, "text_warnings", list)():
            self.message_user(request, warning, messages.WARNING)


class HistoryAdmin(OnePathAdmin, CompareVersionAdmin):
    """Every change kept as a version (django-reversion): history, compare, revert, recover."""

    history_latest_first = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if issubclass(form, ConcurrentEditForm):
            form.base_fields["opened_version"].label = ""
        return form


class PublishStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("published", "Published"),
            ("scheduled", "Scheduled"),
            ("draft", "Draft"),
        ]

    def queryset(self, request, queryset):
        return {
            "published": queryset.published,
            "scheduled": queryset.scheduled,
            "draft": queryset.drafts,
        }.get(self.value(), queryset.all)()


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", "Needs review (not reviewed in the last 12 months)")]

    def queryset(self, request, queryset):
        return queryset.needing_review() if self.value() == "needed" else queryset


def record_in_history(request, model, ids, comment):
    """One revision recording a change made to these rows in one UPDATE, with who made it."""
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        for obj in model.objects.filter(pk__in=ids):
            reversion.add_to_revision(obj)


class PublishableAdmin(MarkdownEditorMixin, HistoryAdmin):
    form = ConcurrentEditForm
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish_now", "unpublish"]

    def save_model(self, request, obj, form, change):
        now = timezone.now()
        if not change and "published_at" not in form.changed_data and obj.published_at <= now:
            obj.published_at = now  # dated when it is saved, not when its form was opened
        super().save_model(request, obj, form, change)

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        if obj.state == "scheduled":
            when = date_format(timezone.localtime(obj.published_at), "j M Y, H:i")
            return format_html('<span class="state state--scheduled">Scheduled: {}</span>', when)
        label = {"draft": "Draft", "published": "Published"}[obj.state]
        return format_html('<span class="state state--{}">{}</span>', obj.state, label)

    @admin.action(description="Publish the selected %(verbose_name_plural)s now")
    def publish_now(self, request, queryset):
        self.change_state(request, queryset, "publish_now", "Published")

    @admin.action(description="Unpublish the selected %(verbose_name_plural)s (back to draft)")
    def unpublish(self, request, queryset):
        self.change_state(request, queryset, "unpublish", "Unpublished")

    def change_state(self, request, queryset, method, verb):
        """One UPDATE for the change itself, then one revision recording it in the history."""
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            count = getattr(self.model.objects.filter(pk__in=ids), method)()
            record_in_history(request, self.model, ids, f"{verb} from the list.")
        opts = self.model._meta
        name = opts.verbose_name if count == 1 else opts.verbose_name_plural
        self.message_user(request, f"{verb} {count} {name}.", messages.SUCCESS)


class DragAndDropOrder(SortableAdminMixin):
    """Order set by dragging rows in the list (django-admin-sortable2), kept in the history."""

    def _update_order(self, updated_items, extra_model_filters):
        with changes.batch(), reversion.create_revision():
            count = super()._update_order(updated_items, extra_model_filters)
            reversion.set_comment("Reordered in the list.")
            moved = [item[0] for item in updated_items]
            for obj in self.model.objects.filter(pk__in=moved):
                reversion.add_to_revision(obj)
        return count


class ReviewMixin:
    @admin.action(description="Mark the selected %(verbose_name_plural)s as reviewed today")
    def mark_reviewed(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            count = self.model.objects.filter(pk__in=ids).mark_reviewed()
            record_in_history(request, self.model, ids, "Marked as reviewed today.")
        self.message_user(request, f"Marked {count} as reviewed today.", messages.SUCCESS)
