"""
Two people editing one item at once, told apart field by field.

A form remembers a fingerprint of each field's value, and of each row saved with the item, as
it was when the form was opened (`opened`). When it is saved after someone else saved the item,
comparing three fingerprints tells, for each field, who changed it since: the other person
(the stored value differs from the opened one), this editor (the typed value differs), or both.
A field only one of them changed keeps that change; a field both changed differently is asked
about. Fingerprints, not values, travel with the form: a 200,000-character text costs a few
bytes, and nothing of the values can be read from them.
"""

import datetime
import decimal
import hashlib
import json

from django.db import models
from django.utils import timezone


def plain(value):
    """`value` in one form whichever way it arrived (a form's cleaned value, or the item's
    own): rows by key, sets in order, moments in UTC, texts without their line-ending marks."""
    if isinstance(value, models.Model):
        return plain(value.pk)
    if isinstance(value, dict):
        return {str(key): plain(each) for key, each in value.items()}
    if isinstance(value, (models.QuerySet, list, tuple, set, frozenset)):
        return sorted(str(plain(each)) for each in value)
    if isinstance(value, datetime.datetime):
        value = value.replace(microsecond=0)  # forms show and take whole seconds
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal)):
        return str(value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip() or None  # "" and None: nothing typed
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def fingerprint(value):
    encoded = json.dumps(plain(value), sort_keys=True, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()[:16]


def row_key(row):
    return f"{row._meta.label_lower}:{row.pk}"


def row_fingerprints(row):
    """{field: fingerprint} for each of a row's fields."""
    return {
        field.name: fingerprint(field.value_from_object(row)) for field in row._meta.concrete_fields
    }


def opened(version, fields, rows):
    """What a form carries from when it was opened: the version it showed, and the
    fingerprints of its fields ({name: value}) and of the rows saved with the item."""
    return json.dumps(
        {
            "version": version,
            "fields": {name: fingerprint(value) for name, value in fields.items()},
            "rows": {row_key(row): row_fingerprints(row) for row in rows},
        }
    )


def read(carried):
    """(version, fingerprints or None) from what a form carried; a bare version (a form opened
    before fingerprints were carried) has none."""
    try:
        state = json.loads(carried)
    except (TypeError, ValueError):
        return carried, None
    # What a browser sends back is not trusted: anything but the shape written is no base.
    if not isinstance(state, dict) or not _fingerprints(state.get("fields")):
        return carried, None
    rows = state.setdefault("rows", {})
    if not isinstance(rows, dict) or not all(map(_fingerprints, rows.values())):
        return carried, None
    return state.get("version"), state


def _fingerprints(found):
    return isinstance(found, dict) and all(
        isinstance(name, str) and isinstance(each, str) for name, each in found.items()
    )


def who_changed(base, now, mine):
    """
    For the fields of `base` ({name: fingerprint when opened}), given `now` (name: fingerprint
    stored now) and `mine` (name: fingerprint typed): (theirs, overlap), the fields only the
    other person changed, and those both changed to different values. A field both changed to
    the same value is neither: there is nothing to choose.
    """
    theirs, overlap = set(), set()
    for name, then in base.items():
        if name not in now or name not in mine:
            continue
        if now[name] == then:
            continue
        if mine[name] == then:
            theirs.add(name)
        elif mine[name] != now[name]:
            overlap.add(name)
    return theirs, overlap
