"""What staff who are logged in see on the public pages, and readers never do."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def edit_link(context, item, label="Edit this page"):
    """A link to `item`'s form in the admin, for staff who may see it there. Readers carry no
    session cookie, so for them (and for every page the page cache keeps) it is nothing, and
    the session is not even read."""
    request = context.get("request")
    if item is None or request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    user = request.user
    opts = item._meta
    if not (user.is_active and user.is_staff):
        return ""
    if not (
        user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    ):
        return ""
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
    except NoReverseMatch:
        return ""
    return format_html('<p class="edit-link"><a href="{}">{}</a></p>', url, label)
