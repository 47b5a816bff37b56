"""
What the admin of every kind of content shares: the Markdown editor, history (compare, revert,
recover), the publish state (its column, filter and list actions), review, drag-and-drop order,
and the guard against saving over someone else's change. The apps' admin modules build on these;
nothing is registered here.
"""

import datetime
import difflib
import json
import re
from urllib.parse import urlencode

import reversion
from adminsortable2.admin import SortableAdminMixin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.forms.utils import pretty_name
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.errors import RevertError
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from qiportal import changes, history, merging, workingcopies
from qiportal.markup import check_length
from qiportal.models import WorkingCopy
from qiportal.publishing import Publishable, PublishState, published_condition

TIMESTAMPS = ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]})


def zone_name():
    """The portal's time zone as editors know it: "Mountain Time (America/Denver)"."""
    return f"{settings.TIME_ZONE_NAME} ({settings.TIME_ZONE})"


class WallClockDateTimeField(forms.SplitDateTimeField):
    """
    A date and time typed as the portal's clocks show it. When the clocks go back, an hour's
    times happen twice (1:30 on 1 November 2026 in Denver): the time the form was opened with is
    read as the moment it stands for, so an item dated in that hour saves unchanged; a new time
    in that hour, or one skipped when the clocks go forward, is refused in words.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_date"] = (
            "Enter the date as YYYY-MM-DD, for example 2026-12-01."
        )
        self.error_messages["invalid_time"] = "Enter the time as HH:MM, for example 14:30."
        self.fields[0].error_messages["invalid"] = self.error_messages["invalid_date"]
        self.fields[1].error_messages["invalid"] = self.error_messages["invalid_time"]
        self.kept = None  # the stored moment, set by the form for each item
        self.help_text = f"{self.help_text} Times are {zone_name()}.".strip()

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
            raise forms.ValidationError(clock_trouble(typed), code="ambiguous_timezone") from error


class CarriedField(forms.CharField):
    """What a form carries for itself, never a change the editor made."""

    def has_changed(self, initial, data):
        return False


class ConcurrentEditForm(forms.ModelForm):
    """
    Saves what this editor changed without losing what someone else saved meanwhile.

    The form carries the version it showed and fingerprints of its fields and rows
    (qiportal.merging). Saved after someone else saved the item, it keeps their changes to the
    fields this editor left alone, saves this editor's, and says so. A field both changed, to
    different values, stops the save: the form asks, field by field, which to keep, with both
    values side by side, and keeps what the editor typed. (The rows: MergingRows.)
    """

    opened_version = CarriedField(widget=forms.HiddenInput, required=False)
    # The item's working copy, set by the admin: the form then shows and guards the copy.
    working_copy = None
    # After a save that kept someone else's changes: what to tell the editor.
    merged = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, WallClockDateTimeField):
                field.kept = getattr(self.instance, name, None)
        if self.instance.pk and not self.is_bound:
            self.fields["opened_version"].initial = merging.opened(
                self.version(), self.stored_values(), workingcopies.rows(self.instance)[1:]
            )

    def stored_values(self):
        """{field: value} as stored when the form was made (the copy's, on a working copy)."""
        return {
            name: self.initial[name]
            for name in self.fields
            if name in self.initial and name != "opened_version"
        }

    def validate_unique(self):
        """Django's "FAQ item with this Slug already exists." names neither the other item
        nor what to do; this does."""
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except forms.ValidationError as error:
            self._update_errors(self.reworded(error))

    def reworded(self, error):
        if not hasattr(error, "error_dict"):
            return error
        model = type(self.instance)
        for name, errors in error.error_dict.items():
            for index, each in enumerate(errors):
                if each.code != "unique":
                    continue
                field = model._meta.get_field(name)
                value = getattr(self.instance, field.attname)
                other = model._default_manager.exclude(pk=self.instance.pk).filter(**{name: value})
                other = other.first()
                label = (
                    "address (slug)" if isinstance(field, models.SlugField) else field.verbose_name
                )
                errors[index] = forms.ValidationError(
                    f"Another {model._meta.verbose_name}, “{other}”, already has the {label} "
                    f"“{value}”. Choose one of this {model._meta.verbose_name}'s own.",
                    code="unique",
                )
        return error

    def version(self):
        """What was saved last, as stored now: the working copy's save, or the item's."""
        if self.working_copy is not None:
            return f"copy:{self.working_copy.updated_at.isoformat()}"
        return self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        opened, base = merging.read(self.data.get(self.add_prefix("opened_version")))
        if not opened or opened == self.version():
            return cleaned
        if base is None:  # a form opened without fingerprints: stop; Save again replaces
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = self.version()
            raise forms.ValidationError(self.stale_message(), code="edited_meanwhile")
        stored = self.stored_values()
        now = {name: merging.fingerprint(value) for name, value in stored.items()}
        typed = {name: merging.fingerprint(cleaned[name]) for name in now if name in cleaned}
        theirs, overlap = merging.who_changed(base["fields"], now, typed)
        answers = {name: self.data.get(self.add_prefix(f"keep_{name}"), "") for name in overlap}
        # An answer holds for the value it was given on: saved again since, asked again.
        chosen = {
            name: answer.partition(":")[0]
            for name, answer in answers.items()
            if answer.partition(":")[2] == now[name]
            and answer.partition(":")[0] in ("mine", "theirs")
        }
        unanswered = [name for name in self.fields if name in overlap and name not in chosen]
        if unanswered:
            self.show_stored(theirs, stored)
            raise forms.ValidationError(
                self.question(unanswered, theirs, stored, now, cleaned), code="edited_meanwhile"
            )
        kept = theirs | {name for name, answer in chosen.items() if answer == "theirs"}
        for name in kept:
            cleaned.pop(name, None)  # not written: the stored value stays
        mine = {
            name for name in typed if typed[name] != base["fields"].get(name, typed[name])
        } - kept
        self.merged = self.merge_message(kept, mine)
        return cleaned

    def label(self, name):
        return self.fields[name].label or pretty_name(name)

    def show_stored(self, names, stored):
        """Put what the other person saved into the form's one-value fields they alone
        changed, so that the asking form shows it (the others are kept all the same)."""
        self.data = self.data.copy()
        for name in names:
            field = self.fields[name]
            if isinstance(field.widget, forms.MultiWidget):
                continue
            value = field.prepare_value(stored[name])
            if getattr(field.widget, "allow_multiple_selected", False):
                self.data.setlist(self.add_prefix(name), [str(each) for each in value or ()])
            else:
                self.data[self.add_prefix(name)] = "" if value is None else value

    def who_and_when(self):
        """(who saved the item, or its working copy, last; when, in words)."""
        if self.working_copy is not None:
            when = self.working_copy.updated_at
            who = self.working_copy.changed_by or "someone else"
        else:
            when = self.instance.updated_at
            who = last_saved_by(self.instance) or "someone else"
        return who, date_format(timezone.localtime(when), "j F Y, H:i T")

    def what(self):
        name = self.instance._meta.verbose_name
        return f"{name}'s working copy" if self.working_copy is not None else name

    def history_url(self):
        opts = self.instance._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(self.instance.pk)]
        )

    def question(self, unanswered, theirs, stored, now, cleaned):
        """Which value to keep, for each field both changed: both values, the words that differ
        marked, and a choice that holds for the other person's value shown."""
        who, when = self.who_and_when()
        model = type(self.instance)
        fields = []
        for name in unanswered:
            field = model._meta.get_field(name)
            their_value, my_value = (
                _value_shown(field, stored[name]),
                _value_shown(field, cleaned[name]),
            )
            their_marked, my_marked = marked(their_value, my_value)
            fields.append(
                {
                    "name": name,
                    "label": self.label(name),
                    "theirs": their_marked,
                    "mine": my_marked,
                    "fingerprint": now[name],
                }
            )
        return render_to_string(
            "admin/qiportal/merge_question.html",
            {
                "who": who,
                "when": when,
                "what": self.what(),
                "fields": fields,
                "kept": [self.label(name) for name in self.fields if name in theirs],
                "history_url": self.history_url(),
            },
        )

    def merge_message(self, kept, mine):
        if not kept:
            return ""
        who, when = self.who_and_when()
        kept = ", ".join(self.label(name) for name in self.fields if name in kept)
        mine = ", ".join(self.label(name) for name in self.fields if name in mine)
        said = f"{who} saved this {self.what()} at {when}, after you opened it: their {kept} kept"
        return f"{said}; your {mine} saved." if mine else f"{said}."

    def stale_message(self):
        who, when = self.who_and_when()
        return format_html(
            "Not saved: {} changed this {} at {}, after you opened it. Your version is still in "
            'the form below. <a href="{}" target="_blank" rel="noopener">Open the history</a> '
            "(in a new tab) to see their change; then press Save again to replace it with "
            "yours, or copy what you need and reload.",
            who,
            self.what(),
            when,
            self.history_url(),
        )


def last_saved_by(obj):
    """Who saved the latest version of `obj` in its history, or None."""
    latest = Version.objects.get_for_object(obj).select_related("revision__user").first()
    return latest.revision.user if latest else None


def _value_shown(field, value):
    """A field's value (stored or typed) in words, as the question shows it."""
    if isinstance(value, (models.QuerySet, list, tuple)):
        return ", ".join(str(_value_shown(field, each)) for each in value)
    if isinstance(value, models.Model):
        return str(value)
    if field.is_relation and value is not None:
        return str(field.related_model._base_manager.filter(pk=value).first() or value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    return "" if value is None else str(value).replace("\r\n", "\n")


class MergingRows:
    """
    The rows of an item's form (its inlines), saved after someone else saved the item: the
    fields of a row only they changed keep their values; a row both changed differently (or
    one they changed and this editor removes) is asked about, in the row, until this editor
    chooses. Rows they added are not in this form and stay.
    """

    def clean(self):
        super().clean()
        _, base = merging.read(self.data.get("opened_version"))
        if base is None:
            return
        for form in self.initial_forms:
            row = form.instance
            then = row.pk is not None and base["rows"].get(merging.row_key(row))
            if not then or not hasattr(form, "cleaned_data"):
                continue
            stored = type(row)._default_manager.filter(pk=row.pk).first()
            if stored is None:
                continue
            # The row's fields as the form made them (its instance, once checked): a field
            # the form does not show holds the stored value, which nobody is asked about.
            known = {field.name for field in type(row)._meta.concrete_fields}
            names = [name for name in then if name in known]  # a field since removed: not asked
            now = {name: merging.fingerprint(self.stored(stored, name)) for name in names}
            if now == then:
                continue  # nobody else changed this row
            deleting = self._should_delete_form(form)
            typed = {name: merging.fingerprint(self.stored(row, name)) for name in names}
            theirs, overlap = merging.who_changed(then, now, typed)
            seen = merging.fingerprint(now)
            choice, _, answered = self.data.get(f"keep_{merging.row_key(row)}", "").partition(":")
            asked = bool(overlap) or (deleting and bool(theirs))
            if asked and (answered != seen or choice not in ("mine", "theirs")):
                differ = [name for name in names if now[name] != typed[name]]
                form.add_error(None, self.question(form, stored, differ, seen, deleting))
                continue
            if asked and choice == "theirs":
                theirs = set(names)
                if deleting:
                    form.cleaned_data["DELETE"] = False
            for name in theirs:
                field = type(row)._meta.get_field(name)
                setattr(row, field.attname, field.value_from_object(stored))

    @staticmethod
    def stored(row, name):
        return type(row)._meta.get_field(name).value_from_object(row)

    def question(self, form, stored, differ, seen, deleting):
        """Their row and what differs from this editor's, in words, and the choice."""
        row = form.instance
        shown = format_html_join(
            "; ",
            "{}: “{}” (yours: “{}”)",
            (
                (field.verbose_name, field.value_from_object(stored), field.value_from_object(row))
                for field in map(stored._meta.get_field, differ)
                if not field.primary_key and field.name != self.fk.name
            ),
        )
        key = merging.row_key(row)
        yours = "Remove it" if deleting else "Keep yours, as in this row"
        who = last_saved_by(self.instance) or "Someone else"
        return format_html(
            "{} changed this {} after you opened the form: it now reads “{}”{}{}. "
            '<label><input type="radio" name="keep_{}" value="mine:{}" required> {}</label> '
            '<label><input type="radio" name="keep_{}" value="theirs:{}"> Keep theirs</label>, '
            "then save again.",
            who,
            stored._meta.verbose_name,
            stored,
            "; " if shown and not deleting else "",
            shown if not deleting else "",
            key,
            seen,
            yours,
            key,
            seen,
        )


class ConcurrentEditAdmin(admin.ModelAdmin):
    """Two editors saving one item: its form (ConcurrentEditForm) and its rows (MergingRows)
    keep both people's changes, and the editor is told whose were kept."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if issubclass(form, ConcurrentEditForm):
            form.base_fields["opened_version"].label = ""
        return form

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield type(formset.__name__, (MergingRows, formset), {}), inline

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "merged", ""):
            self.message_user(request, form.merged, messages.WARNING)


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


# An image in Markdown with nothing between its brackets: no alt text.
UNDESCRIBED_IMAGE = re.compile(r"!\[\s*\]\(")


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
        js = ["editor/editor.js", "editor/unsaved.js"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in getattr(obj, "text_warnings", list)():
            self.message_user(request, warning, messages.WARNING)
        for field in obj._meta.concrete_fields:
            if isinstance(field, MarkdownxField) and UNDESCRIBED_IMAGE.search(
                getattr(obj, field.attname) or ""
            ):
                self.message_user(
                    request,
                    f"An image in “{field.verbose_name}” has no description for readers who "
                    "cannot see it: write what it shows between its square brackets, as in "
                    "![A chart of claims by year](…).",
                    messages.WARNING,
                )


class _RolledBack(Exception):
    """Carries the page that showed a version, once what showing it wrote is undone."""

    def __init__(self, response):
        self.response = response


class HistoryAdmin(ConcurrentEditAdmin, OnePathAdmin, CompareVersionAdmin):
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

    def compare(self, obj, version1, version2):
        """
        What an editor changed between two versions, field by field, as a non-developer reads
        it: the fields the portal sets itself (the text made into HTML, "last changed") and
        changes nobody made (a line-ending mark, a time's fraction of a second) left out; a
        field's two values side by side, the changed words marked. The rows kept with the item
        (citations, answers) as reversion-compare lists them.
        """
        found, _ = super().compare(obj, version1, version2)
        old, new = version1.field_dict, version2.field_dict
        shown = []
        for each in found:
            field = each["field"]
            if each["is_related"] and not each["follow"]:
                continue  # items of their own (a topic's answers), with their own history
            if isinstance(field, models.Field):
                each = {**each, "label": field.verbose_name}
            else:  # rows kept with the item: its citations, a law's answers
                each = {**each, "label": field.related_model._meta.verbose_name_plural}
            if isinstance(field, models.Field) and field.concrete and not field.many_to_many:
                if not field.editable or field.name in SKIPPED_FIELDS:
                    continue
                before, after = (_value_shown(field, d.get(field.attname)) for d in (old, new))
                if merging.plain(before) == merging.plain(after):
                    continue
                before, after = marked(before, after)
                html = render_to_string(
                    "admin/qiportal/compare_field.html", {"before": before, "after": after}
                )
                each = {**each, "diff": html}
            shown.append(each)
        return shown, False  # no footnote about fields "marked with *"

    def recoverlist_view(self, request, extra_context=None):
        """The deleted items by name, each with when and by whom it was deleted (the admin's
        log) and when it was last saved."""
        deleted = list(
            self._reversion_order_version_queryset(
                request, Version.objects.get_deleted(self.model).select_related("revision__user")
            )
        )
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            action_flag=DELETION,
            object_id__in=[version.object_id for version in deleted],
        ).select_related("user")
        deleted_by = {entry.object_id: entry for entry in entries.order_by("action_time")}
        deletions = sorted(
            (
                {
                    "version": version,
                    "entry": deleted_by.get(version.object_id),
                    "saved_on": self.saved_on(version),
                }
                for version in deleted
            ),
            key=lambda each: each["entry"].action_time.timestamp() if each["entry"] else 0,
            reverse=True,
        )
        return super().recoverlist_view(request, {**(extra_context or {}), "deletions": deletions})

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
        context = {
            "title": f"Recover {version.object_repr}",
            "recover": True,
            "version_name": self.saved_on(version),
        }
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
        context = {
            "title": f"Revert {version.object_repr}",
            "revert": True,
            "version_name": self.saved_on(version),
        }
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
        when = date_format(timezone.localtime(revision.date_created), "j F Y, H:i T")
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
            kept = getattr(request, "kept_as_copy", None)
            if kept is not None:  # the restored version, saved as the item's working copy
                item = self.model._default_manager.get(pk=version.object_id)
                workingcopies.keep(item, kept, request.user, submit=False)
                self.message_user(
                    request,
                    f"Saved the version of {self.saved_on(version)} as the working copy of "
                    f"“{item}”: readers see the live page until it is published.",
                    messages.SUCCESS,
                )
            return shown.response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        restored = getattr(request, "history_restored", None)
        if restored:  # "Reverted to the version saved on …"
            said = f"“{obj}” is restored: {restored[:1].lower()}{restored[1:]}"
            self.message_user(request, said, messages.SUCCESS)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        restored = getattr(request, "history_restored", None)
        if restored is None:
            return message
        if not message:
            return restored
        return f"{restored} {LogEntry(change_message=json.dumps(message)).get_change_message()}"


class WorkingCopyAdmin:
    """
    Changes to what readers see go through a working copy (qiportal.workingcopies).

    On a published item (or the introduction), "Save draft" keeps the change as the item's
    working copy and "Submit for review" asks a reviewer to publish it; the live item stays as
    it is. The form shows the working copy while there is one. While settings.REQUIRE_REVIEW is
    on, a save that would change what readers see (a published item saved, a draft or new item
    made public, by the form, a list action or a crafted POST) is refused with a 403; with it
    off, "Save" publishes as before. The working copy's page (`working_copy_view`) shows the
    differences from the live item, and publishes, schedules, sends back or discards it.
    """

    change_form_template = "admin/qiportal/working_copy_change_form.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/working-copy/",
                self.admin_site.admin_view(self.working_copy_view),
                name=f"{opts.app_label}_{opts.model_name}_working_copy",
            ),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        known = getattr(request, "working_copy_of", None)  # (pk, copy), read by changeform_view
        if known is not None and obj is not None and known[0] == obj.pk:
            form.working_copy = known[1]
        else:
            form.working_copy = workingcopies.copy_of(obj)
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if issubclass(self.model, Publishable) and not workingcopies.may_publish_directly(
            request.user
        ):
            fields += ["status"]  # published by a reviewer's approval
        return fields

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """A rehearsed save says nothing (Django's "was changed successfully" is not true of
        the live item); its warnings (a citation not in the index, a likely date mistake,
        someone else's changes kept) are kept and said once the copy is kept."""
        if not getattr(request, "rehearsing", False):
            super().message_user(request, message, level, *args, **kwargs)
        elif level == messages.WARNING:
            request.rehearsal_warnings = [*getattr(request, "rehearsal_warnings", []), message]

    def save_model(self, request, obj, form, change):
        obj.approved_on = None  # this version was not approved by a second person
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if workingcopies.may_publish_directly(request.user):
            return actions
        if not workingcopies.may_take_down(request.user):
            return {}  # each list action changes live items
        actions.pop("publish_now", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied(
                "With review on, list actions that change live items are a reviewer's, and "
                "publishing goes through review."
            )
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and workingcopies.is_live(obj)
            and not workingcopies.may_take_down(request.user)
        ):
            return False  # a live item is deleted by a reviewer, with review on
        return super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        direct = workingcopies.may_publish_directly(request.user)
        if getattr(request, "history_restored", None) is not None:  # a version, in its form
            if request.method == "POST" and not direct and obj and workingcopies.is_live(obj):
                return self.revert_as_copy(request, obj, object_id, form_url, extra_context)
            return super().changeform_view(request, object_id, form_url, extra_context)
        copy = workingcopies.copy_of(obj)
        if obj is not None:
            request.working_copy_of = (obj.pk, copy)  # the form's, without asking again
        context = {**(extra_context or {}), **self.copy_context(request, obj, copy, direct)}
        if request.method == "POST":
            keeping = {"_savecopy", "_submitcopy"} & set(request.POST)
            if keeping or (copy is not None and direct):
                if obj is None or not self.has_change_permission(request, obj):
                    raise PermissionDenied
                return self.keep_copy(
                    request, obj, copy, object_id, form_url, context, "_submitcopy" in keeping
                )
            if not direct and (
                (obj is not None and (workingcopies.is_live(obj) or copy is not None))
                or request.POST.get("status") == PublishState.PUBLISHED
            ):
                raise PermissionDenied(
                    "A change readers would see is published by a reviewer: save it as a "
                    "draft and submit it for review."
                )
            return super().changeform_view(request, object_id, form_url, context)
        if copy is None:
            return super().changeform_view(request, object_id, form_url, context)
        with changes.rehearsal():  # the form shows the working copy
            workingcopies.apply(copy)
            response = super().changeform_view(request, object_id, form_url, context)
            if hasattr(response, "render"):
                response.render()
        return response

    def revert_as_copy(self, request, obj, object_id, form_url, extra_context):
        """With review on, reverting a live item keeps the version as its working copy: the
        form saves it (restore_view has put the version in place), its rows are read, and
        restore_view undoes it all and keeps what was read."""
        request.rehearsing = True
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            request.rehearsing = False
        if response.status_code != 302:
            return response
        request.kept_as_copy = workingcopies.capture(self.model._default_manager.get(pk=obj.pk))
        raise _RolledBack(redirect(self.change_url(obj.pk)))

    def copy_context(self, request, obj, copy, direct):
        live = obj is not None and workingcopies.is_live(obj)
        return {
            "working_copy": copy,
            "working_copy_url": copy and workingcopies.changes_path(copy),
            "offers_copy": obj is not None and (live or copy is not None),
            "offers_submit": obj is not None and not direct,
            "saves_publish": direct or not (live or copy is not None),
            # Published and due, yet not seen by readers ("its topic is a draft").
            "hidden_because": obj is not None
            and getattr(obj, "state", None) == "published"
            and getattr(self, "hidden_because", lambda obj: None)(obj),
        }

    def keep_copy(self, request, obj, copy, object_id, form_url, context, submit):
        """Save the form in a rehearsal and keep what it saved as the working copy; a form with
        errors comes back with them, as typed."""
        captured = None
        request.rehearsing = True
        try:
            with changes.rehearsal():
                if copy is not None:
                    workingcopies.apply(copy)
                response = super().changeform_view(request, object_id, form_url, context)
                if response.status_code == 302:
                    item = self.model._default_manager.get(pk=obj.pk)
                    if submit and isinstance(item, Publishable):
                        # What is submitted is the item made public (at its time, if later).
                        item.status = PublishState.PUBLISHED
                        item.save()
                    captured = workingcopies.capture(item)
                elif hasattr(response, "render"):
                    response.render()
        finally:
            request.rehearsing = False
        if captured is None:
            return response
        for warning in getattr(request, "rehearsal_warnings", []):
            self.message_user(request, warning, messages.WARNING)
        copy = workingcopies.keep(obj, captured, request.user, submit=submit)
        if workingcopies.may_publish_directly(request.user) and not (
            {"_savecopy", "_submitcopy"} & set(request.POST)
        ):
            workingcopies.publish(copy, request.user)
            self.message_user(request, f"Published the changes to “{obj}”.", messages.SUCCESS)
            return redirect(request.path)
        if submit:
            said = f"Submitted the changes to “{obj}” for review: readers see them once approved."
        else:
            said = f"Saved your changes to “{obj}” as a working copy: readers see the live page."
        self.message_user(request, said, messages.SUCCESS)
        return redirect(request.path)

    def working_copy_view(self, request, object_id):
        """The working copy's differences from the live item, and what may be done with it."""
        content_type = ContentType.objects.get_for_model(self.model)
        copy = get_object_or_404(
            WorkingCopy, content_type=content_type, object_id=unquote(object_id)
        )
        item = workingcopies.item_of(copy)
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        if request.method == "POST":
            return self.decide(request, copy, item)
        allowed, why_not = workingcopies.may_approve(request.user, copy)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Changes to {copy.object_repr}",
            "copy": copy,
            "item": item,
            "differences": differences(copy, item) if item is not None else [],
            "may_approve": allowed and item is not None,
            "why_not": why_not,
            "may_decide": self.has_change_permission(request, item),
            "live_changed": item is not None
            and getattr(item, "updated_at", None) != copy.live_changed_at,
            "change_url": item is not None and self.change_url(copy.object_id),
            "copy_version": copy.updated_at.isoformat(),
            "zone_name": zone_name(),
        }
        return TemplateResponse(request, "admin/qiportal/working_copy.html", context)

    def decide(self, request, copy, item):
        here = request.path
        if request.POST.get("copy_version") != copy.updated_at.isoformat():
            self.message_user(
                request,
                f"Not done: {copy.changed_by or 'someone'} changed this working copy after you "
                "opened it. Read the changes again below.",
                messages.ERROR,
            )
            return redirect(here)
        action = request.POST.get("action")
        if action == "discard":
            if not self.has_change_permission(request, item):
                raise PermissionDenied
            workingcopies.discard(copy, request.user)
            self.message_user(request, f"Discarded the changes to “{copy.object_repr}”.")
            return redirect(self.change_or_list(copy, item))
        if action == "send-back":
            allowed, why_not = workingcopies.may_approve(request.user, copy)
            comment = request.POST.get("comment", "").strip()
            if not allowed:
                raise PermissionDenied(why_not)
            if not comment:
                self.message_user(
                    request,
                    "Say what to change: the comment is what the editor reads.",
                    messages.ERROR,
                )
                return redirect(here)
            workingcopies.send_back(copy, request.user, comment)
            self.message_user(request, f"Sent the changes to “{copy.object_repr}” back.")
            return redirect(here)
        if action != "publish":
            return HttpResponseBadRequest(
                "Choose publish, send-back or discard.", content_type="text/plain; charset=utf-8"
            )
        allowed, why_not = workingcopies.may_approve(request.user, copy)
        if not allowed:
            if request.user.has_perm(workingcopies.PUBLISH_RIGHT):
                self.message_user(request, why_not, messages.ERROR)  # their own change
                return redirect(here)
            raise PermissionDenied(why_not)
        if item is None:
            self.message_user(
                request,
                f"“{copy.object_repr}” was deleted after this copy was begun: nothing was "
                "published. Recover it from its history's “Recover deleted”; this copy is kept.",
                messages.ERROR,
            )
            return redirect(here)
        note = request.POST.get("note", "").strip()
        try:
            when = publish_time(request.POST.get("publish_at", ""))
        except ValueError as error:
            self.message_user(request, f"Not published: {error}", messages.ERROR)
            return redirect(here)
        if when is not None and when > timezone.now():
            workingcopies.schedule(copy, request.user, when, note)
            self.message_user(
                request,
                f"Approved: “{copy.object_repr}” goes live at "
                f"{date_format(timezone.localtime(when), 'j F Y, H:i')}.",
                messages.SUCCESS,
            )
            return redirect(here)
        try:
            workingcopies.publish(copy, request.user, note)
        except (workingcopies.ItemGone, RevertError, ProtectedError) as error:
            self.message_user(request, f"Not published: {error}", messages.ERROR)
            return redirect(here)
        self.message_user(
            request, f"Published the changes to “{copy.object_repr}”.", messages.SUCCESS
        )
        return redirect(self.change_or_list(copy, item))

    def change_or_list(self, copy, item):
        if item is None:
            opts = self.model._meta
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return self.change_url(copy.object_id)

    def change_url(self, pk):
        """The address of the item's form."""
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(pk)])


def publish_time(typed):
    """The time typed on the working copy's page (the portal's zone), or None when empty.
    ValueError, in words, for what is not a time, or is one the clocks skip or repeat."""
    typed = typed.strip()
    if not typed:
        return None
    try:
        naive = datetime.datetime.strptime(typed.replace("T", " "), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValueError(
            "enter the time as YYYY-MM-DD HH:MM, or leave it empty to publish now."
        ) from None
    trouble = clock_trouble(naive)
    if trouble:
        raise ValueError(trouble)
    return timezone.make_aware(naive)


def clock_trouble(naive):
    """Why a wall-clock time cannot be read as one moment in the portal's zone, in words
    ("… happens twice …" when the clocks go back), or None."""
    zone = timezone.get_current_timezone()
    first, second = (naive.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    if first.utcoffset() == second.utcoffset():
        return None
    twice = first.utcoffset() > second.utcoffset()
    happens, clocks = ("happens twice", "go back") if twice else ("never happens", "go forward")
    return (
        f"{date_format(naive, 'j F Y, H:i')} {happens} in {zone}: the clocks {clocks} an hour "
        "then. Choose a time outside that hour."
    )


def differences(copy, item):
    """[(what, field, live value, copy value)] for every field the copy changes, the item's and
    its rows' (a row added or removed shows all its fields)."""
    live = {(type(row)._meta.label, str(row.pk)): row for row in workingcopies.rows(item)}
    found = []
    for each in serializers.deserialize("json", copy.data, ignorenonexistent=True):
        obj = each.object
        key = (obj._meta.label, str(obj.pk))
        before = live.pop(key, None)
        what = str(obj)
        label = obj._meta.verbose_name.capitalize()
        for field in obj._meta.concrete_fields:
            if field.primary_key or not field.editable or field.name in SKIPPED_FIELDS:
                continue
            new = _shown(obj, field)
            old = _shown(before, field) if before is not None else ""
            if new != old:
                found.append((f"{label}: {what}", field.verbose_name, *marked(old, new)))
    for row in live.values():
        where = f"{row._meta.verbose_name.capitalize()}: {row}"
        found.append((where, "removed", *marked(str(row), "")))
    return found


def marked(old, new):
    """`old` and `new` as HTML, the words removed from `old` in <del>, the words added in
    `new` in <ins>, the rest as it is: a reviewer finds the one changed word in a long text."""
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        if tag == "equal":
            left.append(escape(removed))
            right.append(escape(added))
            continue
        if removed:
            left.append(format_html("<del>{}</del>", removed))
        if added:
            right.append(format_html("<ins>{}</ins>", added))
    return tuple(mark_safe("".join(side).replace("\n", "<br>")) for side in (left, right))


# Not what an editor changes: moved by every save.
SKIPPED_FIELDS = {"created_at", "updated_at", "approved_on"}


def _shown(obj, field):
    return _value_shown(field, getattr(obj, field.attname))


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


class PublishStateWithHiddenFilter(PublishStateFilter):
    """For items public only while something else is (an answer and its topic): "Published,
    but hidden" lists those marked published whose time has come but which readers cannot
    see."""

    def lookups(self, request, model_admin):
        return [*super().lookups(request, model_admin), ("hidden", "Published, but hidden")]

    def queryset(self, request, queryset):
        if self.value() == "hidden":
            public = queryset.model.objects.published().values("pk")
            return queryset.filter(published_condition()).exclude(pk__in=public)
        return super().queryset(request, queryset)


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


class PublishableAdmin(WorkingCopyAdmin, MarkdownEditorMixin, HistoryAdmin):
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
        was_live = change and self.was_live(form)
        super().save_model(request, obj, form, change)
        said = self.what_readers_see(obj, was_live)
        if said:
            self.message_user(request, said, messages.SUCCESS)
        for warning in self.dates_to_check(obj):
            self.message_user(request, warning, messages.WARNING)

    @staticmethod
    def was_live(form):
        """Whether readers saw the item when its form was opened."""
        status, when = form.initial.get("status"), form.initial.get("published_at")
        return status == PublishState.PUBLISHED and when is not None and when <= timezone.now()

    def what_readers_see(self, obj, was_live):
        """After a save, what it changed for readers, in words ("… is now public"), or ""."""
        if obj.state == "scheduled":
            when = date_format(timezone.localtime(obj.published_at), "j F Y, H:i T")
            return f"“{obj}” is scheduled: it goes public on {when}, with nobody acting."
        if obj.state == "draft":
            return f"“{obj}” is a draft now: readers no longer see it." if was_live else ""
        hidden = self.hidden_because(obj)
        if hidden:
            return f"“{obj}” is published, but hidden: {hidden}."
        return "" if was_live else f"“{obj}” is now public."

    def dates_to_check(self, obj):
        """Dates that save but are likely mistakes, in words: they never block a save."""
        now = timezone.now()
        when = date_format(timezone.localtime(obj.published_at), "j F Y, H:i T")
        if obj.status == PublishState.DRAFT and obj.published_at > now:
            yield (
                f"“{obj}” is a draft with a publication time still to come ({when}). A draft "
                "never goes public by itself: set it to Published to schedule it."
            )
        if obj.published_at > now + datetime.timedelta(days=365):
            yield f"“{obj}” has a publication time more than a year away ({when}): check the year."

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(copy_state=workingcopies.copy_state(self.model))
        )

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        if obj.state == "scheduled":
            when = date_format(timezone.localtime(obj.published_at), "j M Y, H:i T")
            shown = format_html('<span class="state state--scheduled">Scheduled: {}</span>', when)
        elif obj.state == "published" and (hidden := self.hidden_because(obj)):
            shown = format_html(
                '<span class="state state--hidden">Published, but hidden: {}</span>', hidden
            )
        else:
            label = {"draft": "Draft", "published": "Published"}[obj.state]
            shown = format_html('<span class="state state--{}">{}</span>', obj.state, label)
        copy_state = getattr(obj, "copy_state", None)
        if copy_state:
            label = dict(WorkingCopy.State.choices)[copy_state]
            shown = format_html(
                '{} <span class="state state--copy">Changes: {}</span>', shown, label
            )
        return shown

    def hidden_because(self, obj):
        """Why readers cannot see `obj` though it is published and its time has come (in
        words, "its topic is a draft"), or None."""
        return None

    # What else readers do not see while an item is not public ("its answers"), or "".
    hides_with_it = ""

    def picker_label(self, obj):
        """How a picker offers `obj` (qiportal.adminsite): its name, and its state when readers
        cannot see it, "What is qualified immunity? (draft: not public; its answers are
        hidden too)"."""
        if obj.state == "draft":
            state = "draft: not public"
        elif obj.state == "scheduled":
            when = date_format(timezone.localtime(obj.published_at), "j F Y, H:i T")
            state = f"scheduled: public from {when}"
        elif hidden := self.hidden_because(obj):
            state = f"published, but hidden: {hidden}"
        else:
            return str(obj)
        also = f"; {self.hides_with_it} hidden too" if self.hides_with_it else ""
        return f"{obj} ({state}{also})"

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
    """Order set by dragging rows in the list (django-admin-sortable2), kept in the history.
    With review on, the order readers see is a reviewer's to change."""

    def update_order(self, request):
        if not workingcopies.may_take_down(request.user):
            return HttpResponseForbidden(
                "With review on, only a reviewer (the Reviewers group) changes the order."
            )
        with reversion.create_revision():  # _update_order's revision, with who moved them
            reversion.set_user(request.user)
            return super().update_order(request)

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
