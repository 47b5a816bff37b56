"""
The portal's content as one file, to move it between installations: `manage.py export_content`
writes it as JSON, `manage.py import_content` loads it into an empty database. Items are keyed
by slug, so a file can be read and checked by a person; rendered HTML is never in it (it is
rendered again on load). It is not a backup (no history, users or images): `manage.py backup`
is (qiportal.backup).

Each app adds its kinds of content as sections, in its AppConfig.ready(), in the order they are
loaded: a section's `load` may use what an earlier section loaded (the explainer's answers find
their topics there; a law may find its cases).
"""

from dataclasses import dataclass

from django.utils import timezone

from qiportal import changes

FORMAT = "qiportal-content"
VERSION = 1


class ContentError(ValueError):
    """The data cannot be loaded; the message says why, in words."""


@dataclass(frozen=True)
class Section:
    name: str  # its key in the file: "topics"
    models: tuple  # the content models it writes: an import needs them empty
    export: object  # () -> its data, JSON-able
    load: object  # (its data, what earlier sections loaded: a dict to add to, now) -> None


_sections = []


def register_section(name, *, models, export, load):
    _sections.append(Section(name, tuple(models), export, load))


def sections():
    return list(_sections)


def export_content():
    """Everything readers can see and editors have written, with its order and state."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        **{section.name: section.export() for section in _sections},
    }


def content_counts():
    """{model: rows} for every model a section writes, in the sections' order."""
    return {model: model.objects.count() for section in _sections for model in section.models}


def describe(counts):
    """{Topic: 6, Court: 1, Law: 0} -> '6 topics, 1 court'."""
    return ", ".join(
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
        if count
    )


def import_content(data):
    """Load an export into an empty database, exactly: order, state, dates and all."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ContentError(f"This is not a {FORMAT} file.")
    if data.get("version") != VERSION:
        raise ContentError(
            f"This file is version {data.get('version')}; this portal reads {VERSION}."
        )
    present = {model: count for model, count in content_counts().items() if count}
    if present:
        raise ContentError(
            f"The database already has content ({describe(present)}). Import into an empty "
            "database, so that nothing in it is overwritten or mixed up."
        )
    now, loaded = timezone.now(), {}
    try:
        with changes.batch():  # one transaction; links and search worked out once, at the end
            for section in _sections:
                if data.get(section.name) is not None:
                    section.load(data[section.name], loaded, now)
    except (KeyError, TypeError) as error:
        raise ContentError(f"The file is missing or mistypes a field: {error}.") from error
    return content_counts()
