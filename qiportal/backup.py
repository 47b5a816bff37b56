"""
A backup of the whole site in one archive, and its restore into a fresh installation.

The content file (`export_content`) carries the content, keyed by slug, from one installation
to another. A backup is everything the site holds, so that losing the machine loses nothing:

- every row of every installed app, primary keys kept: the history (django-reversion's
  revisions and versions), the admin's log and the record of which text cites which case name
  their objects by primary key, so the keys must come back as they were;
- users and groups, with the users' password hashes (unless users are left out: the history
  then keeps its versions, without who made them);
- every file under MEDIA_ROOT (the images the Markdown points at).

Nothing here names an app. The data is every installed model, written by Django's serializers
(JSON Lines, one object a line; content types, permissions, groups and users referred to by
natural key, as they have other keys in another database), less what `LEFT_OUT` lists, each
with why. The archive is a zip: `manifest.json` (format, version, when, from which database
and migrations, what is included with counts, what is left out and why), `data.jsonl`, and the
files under `media/`.

`restore` brings a freshly migrated, empty installation back: it refuses, in words, a database
that has content, users or history, a database migrated to another point than the backup's, an
archive it cannot read, and a file in MEDIA_ROOT that differs from the backup's under the same
name. It loads the data in one transaction (on SQLite or PostgreSQL, whichever the backup was
taken on: keys that differ between databases go by natural key, PostgreSQL's sequences are set
past the keys loaded, and foreign keys are checked before anything is committed), writes the
files, writes the search index again and lets every cached page go.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import reversion
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from reversion.models import Revision, Version

from qiportal import changes, search
from qiportal.database import refusal_in_words

FORMAT = "qiportal-backup"
VERSION = 1
MANIFEST, DATA, MEDIA = "manifest.json", "data.jsonl", "media/"
CHUNK = 1000

# What a backup leaves out, and why: an app label leaves out all its models.
LEFT_OUT = {
    "contenttypes": "made by `migrate`; the data names content types by app and model",
    "auth.permission": "made by `migrate`; groups and users name their permissions by codename",
    "sessions": "log-ins in progress: people log in again after a restore",
    "axes": "the log-in lock-out's record of attempts, which lapses within minutes",
    "qiportal.searchentry": "worked out from the content: the restore writes the index again",
}
WITHOUT_USERS = "users are left out"


class Encoder(DjangoJSONEncoder):
    """Django's, with times to the microsecond: Django's own cuts them to milliseconds (as
    ECMAScript does), and a restored row must keep the very times it had (pages show them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why, in words."""


def plan(users=True):
    """The models a backup holds, in an order that loads, and {label: why} of those it does not.
    Without users, a model that must name a user is left out too (the admin's log); one that
    may name none keeps its rows without the user (a revision)."""
    User = get_user_model()
    kept, left_out = {}, {}
    for app_config in apps.get_app_configs():
        for model in app_config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            label = model._meta.label_lower
            why = LEFT_OUT.get(label) or LEFT_OUT.get(model._meta.app_label)
            if why is None and not users:
                if model is User:
                    why = WITHOUT_USERS
                elif any(not field.null for field in _user_fields(model) if field.many_to_one):
                    why = f"each names a user, and {WITHOUT_USERS}"
            if why:
                left_out[label] = why
            else:
                kept.setdefault(app_config, []).append(model)
    return serializers.sort_dependencies(kept.items(), allow_cycles=True), left_out


def _user_fields(model):
    User = get_user_model()
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is User
    ]


def is_content(model):
    """What an installation is not empty with: content (every content model goes through
    qiportal.changes and is kept in history), the history itself, and users. Not the rows
    `migrate` makes for content to refer to (`made_by_migrations`, such as the states a law
    belongs to): a restore puts the backup's in their place."""
    if getattr(model, "made_by_migrations", False):
        return False
    return (
        issubclass(model, changes.Content)
        or reversion.is_registered(model)
        or model in (Revision, Version, get_user_model())
    )


def applied_migrations():
    """{app: [migration names]} applied to the database, of those this code knows."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = {}
    for app_label, name in sorted(set(loader.applied_migrations) & set(loader.graph.nodes)):
        applied.setdefault(app_label, []).append(name)
    return applied


def describe(counts):
    """{"explainer.topic": 6, ...} -> '6 topics, ...', in words, the empty left out; a name
    two models share says which it is ('17 topics (explainer.casetopic)', were two models both
    named "topics")."""
    named = []
    for label, count in counts.items():
        if count:
            meta = apps.get_model(label)._meta
            named.append(
                (label, count, meta.verbose_name if count == 1 else meta.verbose_name_plural)
            )
    shared = Counter(str(name) for _, _, name in named)
    return (
        ", ".join(
            f"{count} {name}" + (f" ({label})" if shared[str(name)] > 1 else "")
            for label, count, name in named
        )
        or "nothing"
    )


# Taking a backup.


def back_up(path, *, users=True):
    """Write the archive to `path` (replacing it only once it is complete; readable by its
    owner alone, as it may hold password hashes). Returns its manifest."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; name the archive to write, e.g. {path}/site.zip.")
    models, left_out = plan(users)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as error:
        raise BackupError(f"Cannot write in {path.parent}: {error.strerror}.") from error
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            with _snapshot():
                counts = _write_data(archive, models, users)
                migrations = applied_migrations()
            # The files after the data: every image the data points at was uploaded before it.
            files = _write_media(archive)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "users": users,
                "data": counts,
                "files": files,
                "left_out": left_out,
                "migrations": migrations,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        os.replace(temporary, path)
    except OSError as error:
        raise BackupError(f"Cannot write {path}: {error.strerror or error}.") from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return manifest


@contextmanager
def _snapshot():
    """One consistent view of the database while it is read: a history version is never
    written without its revision. PostgreSQL reads a snapshot (repeatable read) while editors
    go on saving; SQLite's transaction holds its write lock, so a save waits until the read is
    done (up to its busy timeout, 20 s)."""
    outermost = not connection.in_atomic_block
    connection.ensure_connection()
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _write_data(archive, models, users):
    counts = {}
    member = zipfile.ZipInfo(DATA, date_time=time.localtime()[:6])
    member.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(member, "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        for model in models:
            counts[model._meta.label_lower] = 0
            for row in _rows(model, users):
                out.write(json.dumps(row, cls=Encoder, ensure_ascii=False) + "\n")
                counts[model._meta.label_lower] += 1
        out.flush()
        out.detach()
    return counts


def _rows(model, users):
    """The model's rows as Django's serializer writes them, a chunk at a time, in key order."""
    cleared = [] if users else _user_fields(model)
    serializer = serializers.get_serializer("python")()
    chunk = []
    rows = model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=CHUNK)
    for obj in rows:
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield from _serialized(serializer, chunk, cleared)
            chunk = []
    yield from _serialized(serializer, chunk, cleared)


def _serialized(serializer, objects, cleared):
    for row in serializer.serialize(objects, use_natural_foreign_keys=True):
        for field in cleared:
            row["fields"][field.name] = [] if field.many_to_many else None
        yield row


def _write_media(archive):
    root = Path(settings.MEDIA_ROOT)
    count = size = 0
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if path.is_file() and not path.is_symlink():
            archive.write(path, MEDIA + path.relative_to(root).as_posix())
            count += 1
            size += path.stat().st_size
    return {"count": count, "bytes": size}


# Restoring one.


def restore(path):
    """Bring the backup at `path` back into this freshly migrated, empty installation. Returns
    {manifest, loaded (counts), written, already (files), entries (search)}."""
    with _open(path) as (archive, manifest):
        models = _check_models(manifest)
        _check_migrations(manifest, models)
        _check_empty()
        to_write, already = _check_media(archive)
        written = []
        try:
            with transaction.atomic():
                _make_room(models)
                loaded = _load_data(archive, models)
                if loaded != manifest["data"]:
                    raise BackupError(
                        f"{path} is incomplete: its data does not hold what its manifest lists."
                    )
                _reset_sequences(models)
                for info, target in to_write:
                    _write_file(archive, info, target, written)
                entries = search.rebuild()
                changes.content_changed()
        except BaseException:
            for target in written:
                target.unlink(missing_ok=True)
            raise
    return {
        "manifest": manifest,
        "loaded": loaded,
        "written": len(written),
        "already": already,
        "entries": entries,
    }


@contextmanager
def _open(path):
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise BackupError(f"{path} is not a backup: it is not a zip archive.") from error
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    with archive:
        yield archive, _read_manifest(path, archive)


def _read_manifest(path, archive):
    not_ours = f"{path} is not a backup made by `manage.py backup`"
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{not_ours}: it has no {MANIFEST}.") from None
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{not_ours}: its {MANIFEST} cannot be read ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{not_ours} (its manifest is not a {FORMAT} manifest).")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} is a backup of version {manifest.get('version')}; this portal reads "
            f"version {VERSION}."
        )
    if not (
        isinstance(manifest.get("data"), dict)
        and all(isinstance(n, int) for n in manifest["data"].values())
        and isinstance(manifest.get("migrations"), dict)
        and DATA in archive.namelist()
    ):
        raise BackupError(f"{path} is damaged: its manifest or its data is missing or unreadable.")
    try:
        damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BackupError(f"{path} is damaged: {error}.") from error
    if damaged:
        raise BackupError(f"{path} is damaged: {damaged} does not match its checksum.")
    return manifest


def _check_models(manifest):
    """The installed models the backup's data holds, in the order it lists them."""
    models = []
    for label in manifest["data"]:
        try:
            models.append(apps.get_model(label))
        except (LookupError, ValueError):
            raise BackupError(
                f"The backup holds {label}, which this installation does not have: restore "
                "with the release of the portal the backup was taken with."
            ) from None
    return models


def _check_migrations(manifest, models):
    """The data fits the tables only at the migrations it was taken at (and data migrations
    since then would not have run on it): the same, app by app, for the apps it holds."""
    held = {model._meta.app_label for model in models}
    theirs = {app: set(names) for app, names in manifest["migrations"].items() if app in held}
    ours = {app: set(names) for app, names in applied_migrations().items() if app in held}
    missing = sorted(f"{app}.{n}" for app in theirs for n in theirs[app] - ours.get(app, set()))
    newer = sorted(f"{app}.{n}" for app in ours for n in ours[app] - theirs.get(app, set()))
    if missing or newer:
        lines = []
        if missing:
            lines.append(f"migrations this database has not run: {', '.join(missing)}")
        if newer:
            lines.append(f"migrations the backup's database had not run: {', '.join(newer)}")
        raise BackupError(
            "The backup was taken at another point of the portal's migrations ("
            + "; ".join(lines)
            + "). Restore with the release it was taken with, migrated as far (`migrate`), "
            "then upgrade as usual."
        )


def _check_empty():
    present = {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if is_content(model) and model._base_manager.exists()
    }
    if present:
        raise BackupError(
            f"The database already has content ({describe(present)}). A restore brings back "
            "a freshly migrated, empty installation, so that nothing in it is overwritten or "
            "mixed up: restore into a new database (`migrate`, then `restore`, without "
            "`load_content`)."
        )


def _media_members(archive):
    """(member, path under MEDIA_ROOT) of each file in the archive's media folder."""
    members = []
    for info in archive.infolist():
        if not info.filename.startswith(MEDIA) or info.is_dir():
            continue
        relative = PurePosixPath(info.filename[len(MEDIA) :])
        if relative.is_absolute() or ".." in relative.parts or "\\" in info.filename:
            raise BackupError(f"The backup holds a file outside its media folder: {info.filename}.")
        members.append((info, relative))
    return members


def _check_media(archive):
    """([(member, target)] to write, how many are there already, the same). A different file
    under the same name is never overwritten: the restore is refused before anything is done."""
    root = Path(settings.MEDIA_ROOT)
    to_write, already, different = [], 0, []
    for info, relative in _media_members(archive):
        target = root.joinpath(*relative.parts)
        if not (target.exists() or target.is_symlink()):
            to_write.append((info, target))
        elif target.is_file() and _same_file(archive, info, target):
            already += 1
        else:
            different.append(relative.as_posix())
    if different:
        shown = ", ".join(different[:10]) + (", ..." if len(different) > 10 else "")
        raise BackupError(
            f"{root} already holds {len(different)} file(s) that differ from the backup's under "
            f"the same name: {shown}. Move them away (or restore into an empty media folder) and "
            "run the restore again; nothing was changed."
        )
    return to_write, already


def _same_file(archive, info, target):
    if target.stat().st_size != info.file_size:
        return False
    return _digest(archive.open(info)) == _digest(target.open("rb"))


def _digest(stream):
    with stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _make_room(models):
    """A fresh `migrate` makes rows of its own (a permissions group, say): the backup's rows,
    as they were, take their place. Content, history and users were checked to be absent."""
    for model in reversed(models):
        if model._base_manager.exists():
            model._base_manager.all().delete()


def _load_data(archive, models):
    counts = {model._meta.label_lower: 0 for model in models}
    deferred = []
    with archive.open(DATA) as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8")
        try:
            for obj in serializers.deserialize("jsonl", stream, handle_forward_references=True):
                _save(obj)
                counts[obj.object._meta.label_lower] = (
                    counts.get(obj.object._meta.label_lower, 0) + 1
                )
                if obj.deferred_fields:
                    deferred.append(obj)
            for obj in deferred:
                _save(obj, deferred=True)
        except (DeserializationError, ObjectDoesNotExist, UnicodeDecodeError) as error:
            raise BackupError(f"The backup's data cannot be loaded: {error}") from error
    tables = [model._meta.db_table for model in models] + [
        field.remote_field.through._meta.db_table
        for model in models
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    try:
        connection.check_constraints(table_names=tables)
    except DatabaseError as error:
        raise BackupError(f"The backup's data does not hold together: {error}") from error
    return counts


def _save(obj, deferred=False):
    """One object as it was, keys and all (raw: nothing is rendered or worked out again)."""
    try:
        obj.save_deferred_fields() if deferred else obj.save()
    except DatabaseError as error:
        label, pk = obj.object._meta.label_lower, obj.object.pk
        raise BackupError(
            f"The database refused {label} {pk} from the backup: {refusal_in_words(error)}"
        ) from error


def _reset_sequences(models):
    """PostgreSQL: new rows get keys after the ones loaded (SQLite does this by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _write_file(archive, info, target, written):
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, target.open("xb") as out:
            written.append(target)
            shutil.copyfileobj(source, out)
    except OSError as error:
        raise BackupError(f"Cannot write {target}: {error.strerror or error}.") from error
