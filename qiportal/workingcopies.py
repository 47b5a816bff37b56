"""
Working copies: a change to a published item kept aside, checked by a second person, published
at once or at a set time.

A working copy holds the item and the rows its history keeps with it (a case's citations,
relations and topics; a law's answers and sources), serialised as django-reversion keeps them
in a version (`capture`), so whatever an app registers for its history is in its copies too.
The admin makes a copy with the item's own form, in a rehearsal (qiportal.changes.rehearsal):
the form saves as it always does, every check included, the rows are read, the save is undone.
The same rehearsal shows the copy to staff, on the item's form and on its public page
(`StaffSeeWorkingCopies`), rendered by the page's own view.

`publish` puts the copy's rows in place of the item's (as restoring a version does), through the
one path of every change, records it in the item's history with who approved it, dates the
approval for readers ("Reviewed on ...", when the approver is not an author) and lets the copy
go. A copy approved for a later time is published by scheduled publication (`publish_due`).

Roles: while settings.REQUIRE_REVIEW is on, nobody changes what readers see directly; a user with
the `qiportal.publish` right (the Reviewers group) approves the copies of others, never their
own. With it off, whoever may change an item publishes it.
"""

import json
import logging
from collections import defaultdict

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from reversion.revisions import _follow_relations_recursive, _get_options

from qiportal import changes
from qiportal.models import WorkingCopy
from qiportal.publishing import Approvable, Publishable, PublishState

logger = logging.getLogger(__name__)

PUBLISH_RIGHT = "qiportal.publish"


class ItemGone(Exception):
    """The item of a working copy was deleted after the copy was begun."""


def is_live(obj):
    """Whether a change to `obj` is one readers see (now, or at its scheduled time)."""
    return not isinstance(obj, Publishable) or obj.status == PublishState.PUBLISHED


def copy_of(obj):
    """`obj`'s working copy, or None."""
    if obj is None or obj.pk is None:
        return None
    return WorkingCopy.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).first()


def copy_state(model):
    """An annotation for rows of `model`: the state of each one's working copy, or None."""
    return Subquery(
        WorkingCopy.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        ).values("state")[:1]
    )


def item_of(copy):
    """The item `copy` changes, as stored now; None if it has been deleted since."""
    model = copy.content_type.model_class()
    return model._default_manager.filter(pk=copy.object_id).first()


def rows(obj):
    """`obj` and the rows its history keeps with it, `obj` first."""
    followed = sorted(
        (row for row in _follow_relations_recursive(obj) if row is not obj),
        key=lambda row: (row._meta.label, str(row.pk)),
    )
    return [obj, *followed]


def capture(obj):
    """The JSON of `obj` and its rows, each with the fields its history keeps."""
    parts = []
    for row in rows(obj):
        fields = list(_get_options(type(row)).fields)
        parts.extend(serializers.serialize("python", [row], fields=fields))
    return json.dumps(parts, cls=DjangoJSONEncoder)


def page_path(obj):
    """The public address of `obj`'s page (without its #part), or ""."""
    return getattr(obj, "get_absolute_url", lambda: "")().split("#")[0]


def apply(copy):
    """
    Put the copy's rows in place of the item's: the item as the copy has it, and the copy's
    rows (rows added to the item since are removed, as restoring a version removes them), each
    saved through the one path of every change. Returns the item. In the caller's transaction.
    """
    model = copy.content_type.model_class()
    live = model._default_manager.filter(pk=copy.object_id).first()
    if live is None:
        raise ItemGone(copy.object_repr)
    wanted = list(serializers.deserialize("json", copy.data, ignorenonexistent=True))
    own = {(type(row), str(row.pk)) for row in rows(live)}
    keys = {(type(each.object), str(each.object.pk)) for each in wanted}
    stale = defaultdict(list)
    for row_model, pk in own - keys:
        stale[row_model].append(pk)
    for row_model, pks in stale.items():
        row_model._default_manager.filter(pk__in=pks).delete()
    item = None
    for each in wanted:
        obj = each.object
        if item is None:
            item = obj
            # As stored: a draft that its copy publishes is dated when it goes public.
            obj.stored_status = getattr(live, "status", None)
            for name in getattr(model, "history_keeps", ()):  # the order, as it is now
                setattr(obj, name, getattr(live, name))
        elif (type(obj), str(obj.pk)) not in own and type(obj)._default_manager.filter(
            pk=obj.pk
        ).exists():
            obj.pk = None  # a row added in the copy, whose number another row took since
            obj._state.adding = True
        obj.save()
        for name, values in (each.m2m_data or {}).items():
            getattr(obj, name).set(values)
    return item


# Who may do what.


def may_publish_directly(user):
    """Whether `user`'s saves may change what readers see without a second person."""
    return not settings.REQUIRE_REVIEW


def may_take_down(user):
    """Whether `user` may change live items without a working copy: delete, unpublish or
    reorder them (to take a wrong page down at once). With review on, reviewers only."""
    return not settings.REQUIRE_REVIEW or user.has_perm(PUBLISH_RIGHT)


def may_approve(user, copy):
    """(True, "") or (False, why not) for `user` publishing `copy`."""
    if not settings.REQUIRE_REVIEW:
        return True, ""
    if not user.has_perm(PUBLISH_RIGHT):
        return False, "Only a reviewer (the Reviewers group) may publish a change."
    if user.pk in copy.authors:
        return False, "Nobody approves their own change: another reviewer must approve it."
    return True, ""


# The steps, each kept in the item's history.


def record(item, user, comment):
    """One version of `item` (with its rows) saying what was done, by whom."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(item)


def keep(item, data, user, *, submit):
    """Store `data` (captured from `item`'s form) as `item`'s working copy, begun or changed
    by `user`, and submitted for review if `submit`. Returns the copy."""
    copy = copy_of(item) or WorkingCopy(
        content_type=ContentType.objects.get_for_model(item),
        object_id=str(item.pk),
        created_by=user,
        live_changed_at=getattr(item, "updated_at", None),
    )
    copy.object_repr = str(item)[:300]
    copy.page_path = page_path(item)
    copy.data = data
    copy.changed_by = user
    if submit:
        copy.state = WorkingCopy.State.SUBMITTED
        copy.submitted_by, copy.submitted_at = user, timezone.now()
    elif copy.state == WorkingCopy.State.SENT_BACK:
        copy.state = WorkingCopy.State.EDITING
    with transaction.atomic():
        copy.save()
        record(item, user, "Submitted changes for review." if submit else "Saved a working copy.")
    if submit:
        tell(
            f"Waiting for review: {copy.object_repr}",
            [
                f"{user} submitted a change to “{copy.object_repr}” for review.",
                f"See the changes, then approve or send them back: {changes_url(copy)}",
            ],
            reviewers(excluding=copy.authors),
        )
    return copy


def publish(copy, user, note=""):
    """
    Put `copy` live now, approved by `user` (with `note`): kept in the item's history, dated
    for readers when `user` is not one of its authors. Raises ItemGone if the item was deleted.
    """
    reviewed = user is not None and user.pk not in copy.authors
    with changes.batch(), reversion.create_revision():
        item = apply(copy)
        if isinstance(item, Approvable):
            item.approved_on = timezone.localdate() if reviewed else None
            type(item)._base_manager.filter(pk=item.pk).update(approved_on=item.approved_on)
        reversion.set_user(user)
        words = f"Published the working copy of {copy.changed_by or 'an editor'}"
        words += f", approved by {user}" if reviewed else ""
        reversion.set_comment(f"{words}." + (f" Note: {note}" if note else ""))
        reversion.add_to_revision(item)
        copy.delete()
    tell(
        f"Published: {copy.object_repr}",
        [f"{user or 'Scheduled publication'} published your change to “{copy.object_repr}”."]
        + ([f"Note: {note}"] if note else []),
        _people(copy.authors - {getattr(user, "pk", None)}),
    )
    return item


def schedule(copy, user, when, note=""):
    """Approve `copy` to go live at `when`, with nobody acting."""
    copy.publish_at, copy.approved_by, copy.approval_note = when, user, note
    item = item_of(copy)
    with transaction.atomic():
        copy.save()
        changes.content_changed()  # the next scheduled time is worked out again
        if item is not None:
            record(item, user, f"Approved the working copy to go live at {_local(when)}.")
    tell(
        f"Approved: {copy.object_repr}",
        [f"{user} approved your change to “{copy.object_repr}”; it goes live at {_local(when)}."]
        + ([f"Note: {note}"] if note else []),
        _people(copy.authors - {user.pk}),
    )


def send_back(copy, user, comment):
    copy.state, copy.comment, copy.comment_by = WorkingCopy.State.SENT_BACK, comment, user
    copy.publish_at = None
    item = item_of(copy)
    with transaction.atomic():
        copy.save()
        if item is not None:
            record(item, user, f"Sent the working copy back: {comment}")
    tell(
        f"Sent back: {copy.object_repr}",
        [f"{user} sent your change to “{copy.object_repr}” back:", comment, changes_url(copy)],
        _people(copy.authors - {user.pk}),
    )


def discard(copy, user):
    item = item_of(copy)
    with transaction.atomic():
        copy.delete()
        if item is not None:
            record(item, user, "Discarded the working copy.")


def publish_due(now=None):
    """Publish every copy approved for a time that has come. Returns how many."""
    now = now or timezone.now()
    done = 0
    for copy in WorkingCopy.objects.filter(publish_at__lte=now).select_related("approved_by"):
        try:
            publish(copy, copy.approved_by, copy.approval_note)
            done += 1
        except ItemGone:
            logger.warning("The item of %s was deleted; its copy is kept.", copy)
            WorkingCopy.objects.filter(pk=copy.pk).update(publish_at=None)
    return done


def next_due():
    return (
        WorkingCopy.objects.filter(publish_at__isnull=False)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


# Email.


def reviewers(excluding=()):
    """Active users who may approve, with an email address."""
    right = {"codename": "publish", "content_type__app_label": "qiportal"}
    return (
        get_user_model()
        .objects.filter(
            Q(**{f"groups__permissions__{k}": v for k, v in right.items()})
            | Q(**{f"user_permissions__{k}": v for k, v in right.items()})
            | Q(is_superuser=True),
            is_active=True,
        )
        .exclude(email="")
        .exclude(pk__in=excluding)
        .distinct()
    )


def _people(pks):
    return list(get_user_model().objects.filter(pk__in=pks, is_active=True).exclude(email=""))


def tell(subject, lines, recipients):
    """Email these people once the change commits. A failure to send is logged; it never
    undoes the change or the decision."""
    addresses = sorted({user.email for user in recipients if user.email})
    if not addresses:
        return

    def send():
        try:
            send_mail(f"[{settings.SITE_NAME}] {subject}", "\n\n".join(lines), None, addresses)
        except Exception:
            logger.exception("Could not email %r to %s.", subject, ", ".join(addresses))

    transaction.on_commit(send)


def changes_path(copy):
    """The address of the copy's page in the admin: its differences, and the decisions."""
    kind = copy.content_type
    return reverse(f"admin:{kind.app_label}_{kind.model}_working_copy", args=[copy.object_id])


def changes_url(copy):
    return f"{settings.SITE_URL}{changes_path(copy)}"


def _local(when):
    return timezone.localtime(when).strftime("%-d %B %Y, %H:%M %Z")


# Staff see the working copies on the public pages.


class StaffSeeWorkingCopies:
    """
    A logged-in editor reading a page whose item has a working copy sees the page as it will be
    with the copy: the page's own view renders it, with the copy put in place in a rehearsal
    that is undone afterwards, under an "Unpublished changes" banner (`request.working_copies`,
    base.html). Readers (no session) never reach the query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path.startswith(("/admin/", "/markdownx/"))
            or not getattr(request.user, "is_staff", False)
        ):
            return self.get_response(request)
        copies = [
            copy
            for copy in WorkingCopy.objects.filter(page_path=request.path).select_related(
                "content_type"
            )
            if request.user.has_perm(
                f"{copy.content_type.app_label}.view_{copy.content_type.model}"
            )
        ]
        if not copies:
            return self.get_response(request)
        request.working_copies = [(copy, changes_path(copy)) for copy in copies]
        with changes.rehearsal():
            for copy in copies:
                try:
                    apply(copy)
                except ItemGone:
                    continue
            return self.get_response(request)
