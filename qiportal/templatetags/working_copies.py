"""The admin index's "Waiting for review": working copies submitted and not yet decided."""

from django import template

from qiportal import workingcopies
from qiportal.models import WorkingCopy

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_for_review(context):
    """[(copy, its changes page, whether this user may approve it)], oldest first, for the
    kinds of content the user may see."""
    user = context["request"].user
    waiting = []
    copies = WorkingCopy.objects.filter(state=WorkingCopy.State.SUBMITTED).select_related(
        "content_type", "submitted_by"
    )
    for copy in copies.order_by("submitted_at"):
        kind = copy.content_type
        if user.has_perm(f"{kind.app_label}.view_{kind.model}"):
            allowed, _ = workingcopies.may_approve(user, copy)
            waiting.append((copy, workingcopies.changes_path(copy), allowed))
    return waiting
