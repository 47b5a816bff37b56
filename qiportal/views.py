"""What every kind of public page shares: drafts shown at their public address to staff who may
see them in the admin."""

from django.contrib.auth import get_permission_codename


def may_preview(request, model):
    """
    True for staff who may see `model`'s items in the admin (its view or change right, as the
    admin asks: the Editors group's, a superuser's). Anyone else gets what an anonymous reader
    gets: only what is published.
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def shown(request, queryset):
    """The items of `queryset` this request may see at their public address."""
    return queryset if may_preview(request, queryset.model) else queryset.published()


class StaffPreviewMixin:
    """
    Public pages show only what is published; staff who may see the model in the admin also see
    drafts and scheduled items at their public address, so they can check them before
    publishing (the templates mark them with a banner).
    """

    def get_queryset(self):
        return shown(self.request, super().get_queryset())
