"""
What the admin of every kind of content shares: the Markdown editor, history (compare, revert,
recover), the publish state (its column, filter and list actions), review, drag-and-drop order,
and the guard against saving over someone else's change. The apps' admin modules build on these;
nothing is registered here.
"""

import datetime
import json
from urllib.parse import urlencode

import reversion
from adminsortable2.admin import SortableAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.errors import RevertError
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from qiportal import changes, history
from qiportal.markup import check_length

TIMESTAMPS = ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]})


class WallClockDateTimeField(forms.SplitDateTimeField):
    """
    A date and time typed as the portal's clocks show it. When the clocks go back, an hour's
    times happen twice (1:30 on 1 November 2026 in Denver): the time the form was opened with is
    read as the moment it stands for, so an item dated in that hour saves unchanged; a new time
    in that hour, or one skipped when the clocks go forward, is refused in words.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = None  # the stored moment, set by the form for each item

    def compress(self, data_list):
        if data_list and self.kept and None not in data_list:
            typed = datetime.datetime.combine(*data_list)
            if typed == timezone.localtime(self.kept).replace(tzinfo=None):
                return self.kept
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            typed = datetime.datetime.combine(*data_list)
            zone = timezone.get_current_timezone()
            when = date_format(typed, "j F Y, H:i")
            first, second = (typed.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
            twice = first.utcoffset() > second.utcoffset()
            happens, clocks = (
                ("happens twice", "go back") if twice else ("never happens", "go forward")
            )
            raise forms.ValidationError(
                f"{when} {happens} in {zone}: the clocks {clocks} an hour then. "
                "Choose a time outside that hour.",
                code="ambiguous_timezone",
            ) from error


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
        for name, field in self.fields.items():
            if isinstance(field, WallClockDateTimeField):
                field.kept = getattr(self.instance, name, None)
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


class PagePreviewWidget(AdminMarkdownxWidget):
    """markdownx's editor, whose live preview names the text it shows, so that the preview
    renders it as the page will (qiportal.editor.MarkdownPreviewView)."""

    preview_path = ""

    def add_markdownx_attrs(self, attrs):
        attrs = AdminMarkdownxWidget.add_markdownx_attrs(attrs)
        if self.preview_path:
            attrs["data-markdownx-urls-path"] = self.preview_path
        return attrs


class MarkdownEditorMixin:
    """
    The markdownx editor, with its live preview, for every Markdown field, which refuses a text
    longer than settings.MARKDOWN_MAX_LENGTH in words and keeps it in the form (checked by the
    form, not the model, so the limit is not written into migrations); and, after saving, what
    the text's linkers want the editor told (citations not in the case index, say).
    """

    formfield_overrides = {
        MarkdownxField: {"widget": PagePreviewWidget, "validators": [check_length]}
    }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        query = urlencode({"text": self.model._meta.label_lower, "item": obj.pk if obj else ""})
        for field in form.base_fields.values():
            if isinstance(field.widget, PagePreviewWidget):
                field.widget.preview_path = f"{reverse('markdownx_preview')}?{query}"
        return form

    class Media:
        css = {"all": ["editor/editor.css"]}
        js = ["editor/editor.js"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in getattr(obj, "text_warnings", list)():
            self.message_user(request, warning, messages.WARNING)


class _RolledBack(Exception):
    """Carries the page that showed a version, once what showing it wrote is undone."""

    def __init__(self, response):
        self.response = response


class HistoryAdmin(OnePathAdmin, CompareVersionAdmin):
    """
    Every change kept as a version (django-reversion): history, compare, revert, recover.

    Reversion's revert and recover views take a version of any model, and put back the whole
    revision it belongs to. Here they take only a version of this admin's model (for revert, of
    the item in the address; for recover, of an item deleted), check the user's rights on the
    model and on the rows its versions keep with it, put back that one item (a list action or
    the shipped content made one revision of many items: qiportal.history.restore), and record
    the restore in the history and in the admin's log, with who did it.
    """

    history_latest_first = True

    def compare_view(self, request, object_id, extra_context=None):
        # reversion-compare asks for a staff log-in only (its history view asks for the view
        # right, as the admin does): drafts' texts, to anyone on the staff.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    def may_restore(self, request):
        """Restoring also adds, changes or removes the rows the versions keep with the item."""
        return all(
            request.user.has_perm(
                f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"
            )
            for model in history.followed_models(self.model)
            for action in ("add", "change", "delete")
        )

    def recover_view(self, request, version_id, extra_context=None):
        if not (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and self.may_restore(request)
        ):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        if self.model._default_manager.filter(pk=version.object_id).exists():
            raise Http404("That item is not deleted: its history reverts it.")
        context = {"title": f"Recover {version.object_repr}", "recover": True}
        return self.restore_view(
            request,
            version,
            self.recover_form_template or self._reversion_get_template_list("recover_form.html"),
            {**context, **(extra_context or {})},
            f"Recovered as it was saved on {self.saved_on(version)}.",
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such item: a deleted one is brought back by Recover.")
        if request.method == "POST":
            allowed = self.has_change_permission(request, obj) and self.may_restore(request)
        else:
            allowed = self.has_view_or_change_permission(request, obj)
        if not allowed:
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj)
        version = get_object_or_404(versions, pk=version_id)
        context = {"title": f"Revert {version.object_repr}", "revert": True}
        return self.restore_view(
            request,
            version,
            self.revision_form_template or self._reversion_get_template_list("revision_form.html"),
            {**context, **(extra_context or {})},
            f"Reverted to the version saved on {self.saved_on(version)}.",
        )

    @staticmethod
    def saved_on(version):
        revision = version.revision
        when = date_format(timezone.localtime(revision.date_created), "j F Y, H:i")
        return f"{when} by {revision.user}" if revision.user else when

    def restore_view(self, request, version, template_name, context, done):
        """
        The item's form as `version` kept it. Showing it puts the version back and undoes that
        afterwards; saving the form keeps it, as a change recorded like any other.
        """
        if "_saveasnew" in request.POST:
            return HttpResponseBadRequest(
                "A version is restored over its own item; it cannot be saved as a new one.",
                content_type="text/plain; charset=utf-8",
            )
        try:
            with transaction.atomic(using=version.db), changes.batch():
                left_out = history.restore(version)
                request.history_restored = done  # the admin's log says so: log_change
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, context
                    )
                if request.method == "POST" and response.status_code == 302:
                    for each in left_out:
                        self.message_user(
                            request,
                            f"“{each.object_repr}” was not restored: what it points at has "
                            "been deleted since.",
                            messages.WARNING,
                        )
                    return response
                if response.status_code != 200:
                    raise RevertError(f"“{version.object_repr}” could not be shown.")
                response.template_name = template_name
                response.render()
                raise _RolledBack(response)
        except (RevertError, ProtectedError) as error:
            self.message_user(request, str(error), messages.ERROR)
            opts = self.model._meta
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        except _RolledBack as shown:
            return shown.response

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        restored = getattr(request, "history_restored", None)
        if restored is None:
            return message
        if not message:
            return restored
        return f"{restored} {LogEntry(change_message=json.dumps(message)).get_change_message()}"

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
    formfield_overrides = {
        **MarkdownEditorMixin.formfield_overrides,
        models.DateTimeField: {"form_class": WallClockDateTimeField, "widget": AdminSplitDateTime},
    }
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
