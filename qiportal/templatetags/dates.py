"""
Dates as readers and machines read them. Django's `date` filter is general, and so slow that a
page of topics spent a quarter of its time in it; these two formats are all the site uses.
"""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS

register = template.Library()


def _local(value):
    return timezone.localtime(value) if isinstance(value, datetime) else value


@register.filter
def long_date(value):
    """23 November 2026."""
    if not value:
        return ""
    value = _local(value)
    # Django's month names, not the process locale's (strftime's %B follows LC_TIME).
    return f"{value.day} {MONTHS[value.month]} {value.year}"


@register.filter
def machine_date(value):
    """For <time datetime>: 2026-11-23, or 2026-11-23T12:41:00-07:00 for a moment."""
    if not value:
        return ""
    value = _local(value)
    # Whole seconds: HTML's date-time syntax allows at most three digits of a fraction.
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()
