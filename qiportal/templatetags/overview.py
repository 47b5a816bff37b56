"""The admin index's overview: what needs an editor, kind by kind, each a link to its list."""

from django import template
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from qiportal.publishing import Publishable, PublishState, Reviewable

register = template.Library()


@register.simple_tag(takes_context=True)
def needs_you(context):
    """[{kind, list, drafts, scheduled, next, needing_review}] for each kind of content the
    user may see and that has anything to count; one query per kind."""
    now = timezone.now()
    rows = []
    for model, model_admin in admin.site._registry.items():
        if not issubclass(model, Publishable):
            continue
        opts = model._meta
        if not model_admin.has_view_or_change_permission(context["request"]):
            continue
        scheduled = Q(status=PublishState.PUBLISHED, published_at__gt=now)
        counts = {
            "drafts": Count("pk", filter=Q(status=PublishState.DRAFT)),
            "scheduled": Count("pk", filter=scheduled),
            "next": Min("published_at", filter=scheduled),
        }
        if issubclass(model, Reviewable):
            needing = model.objects.all().needing_review().values("pk")
            counts["needing_review"] = Count("pk", filter=Q(pk__in=needing))
        found = {"needing_review": None, **model._default_manager.aggregate(**counts)}
        if not any(found.get(name) for name in ("drafts", "scheduled", "needing_review")):
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        rows.append({"kind": opts.verbose_name_plural, "list": changelist, **found})
    return sorted(rows, key=lambda row: row["kind"])


@register.simple_tag
def recent_changes(count=10):
    """The last changes made in the admin, by everyone."""
    return LogEntry.objects.select_related("user", "content_type").order_by("-action_time")[:count]
