"""
The save-time text pipeline: what an editor writes in Markdown becomes, once, when it is saved,
the HTML readers get.

Markdown, then sanitised HTML (qiportal.markup), then each linker the text names in
`text_links`, in that order: the case index links citations to its cases ("citations",
cases.linking), the explainer links key terms to their definitions ("key-terms",
explainer.linking). The core knows linkers only through `Linker`; each app registers its own in
its AppConfig.ready().

Links depend on other content (is the cited case public? is the key term?), so each linker also
says which texts depend on a change (`depending_on`); qiportal.changes, which every change passes
through, has those texts rendered again (`render_again`, then `write`).
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from qiportal.database import chunks
from qiportal.markup import render_markdown

_linkers = {}

# The version of what the pipeline writes. Raise it when a release changes the HTML it makes
# (key terms became popovers in 2), so that the stored HTML is rendered again once.
PIPELINE = 2


class Linker:
    """One step of the pipeline after Markdown and sanitising, known by its `name`."""

    name = ""

    def session(self):
        """What linking many texts in a row shares (the published key terms, say), read once."""
        return None

    def link(self, text, html, session):
        """(`html` with links added, what was found in it) for `text`, a RenderedText."""
        raise NotImplementedError

    def record(self, text, found):
        """After the text's row is written: keep what was found (the citations it holds, say)."""

    def forget(self, model, pks):
        """These texts were deleted."""

    def depending_on(self, model, pks):
        """{text model: set of pks} whose links may change when these rows of `model` change."""
        return {}

    def warnings(self, found):
        """What the editor who saved the text should be told about it, in words."""
        return []


def register(linker):
    _linkers[linker.name] = linker


def linker(name):
    try:
        return _linkers[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No linker named {name!r} is registered (the app that provides it registers it in "
            "its AppConfig.ready())."
        ) from None


def text_models(linking=None):
    """Every concrete RenderedText model, or those whose texts run the linker named `linking`."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, RenderedText) and (linking is None or linking in model.text_links)
    ]


class Sessions(dict):
    """Each linker's session, begun the first time a text needs it."""

    def __missing__(self, name):
        self[name] = session = linker(name).session()
        return session


class RenderedText(models.Model):
    """
    A model with a Markdown text (`text_source`) and its rendered HTML (`text_html`, not
    editable), rendered when it is saved and again when what it links to changes.
    """

    text_source, text_html = "body", "body_html"
    # The linkers this text runs, in order, by name.
    text_links = ()

    class Meta:
        abstract = True

    @property
    def anchor_prefix(self):
        """Keeps the ids in this text (footnotes, definitions) apart from other texts' on a page."""
        return self.slug

    def render(self, sessions=None):
        """Markdown to sanitised HTML, then each linker; what each found is kept in
        `text_found` until the row is written (`record_found`)."""
        sessions = Sessions() if sessions is None else sessions
        html = render_markdown(getattr(self, self.text_source), anchor_prefix=self.anchor_prefix)
        self.text_found = {}
        for name in self.text_links:
            html, self.text_found[name] = linker(name).link(self, html, sessions[name])
        setattr(self, self.text_html, html)

    def record_found(self):
        for name, found in getattr(self, "text_found", {}).items():
            linker(name).record(self, found)

    def text_warnings(self):
        """What the linkers found that the editor should know, in words."""
        return [
            warning
            for name, found in getattr(self, "text_found", {}).items()
            for warning in linker(name).warnings(found)
        ]


def depending_on(model, pks):
    """{text model: pks} of the texts whose links a change to these rows may change."""
    found = {}
    for step in _linkers.values():
        for text_model, ids in step.depending_on(model, pks).items():
            found.setdefault(text_model, set()).update(ids)
    return found


def forget(model, pks):
    """These texts were deleted: each linker lets go of what it kept about them."""
    if issubclass(model, RenderedText):
        for step in _linkers.values():
            step.forget(model, pks)


def render_again(texts):
    """Render these texts ({model: pks}) again, writing nothing: their words did not change,
    what they link to did. Returns the rendered instances, for `write`."""
    sessions, rendered = Sessions(), []
    for model, pks in texts.items():
        for part in chunks(sorted(pks)):
            for text in model._base_manager.filter(pk__in=part).order_by("pk"):
                text.render(sessions)
                rendered.append(text)
    return rendered


def write(rendered):
    """Store texts rendered by `render_again`, each only if its Markdown is still what was
    rendered (an editor's save in between rendered it already). 'Last changed' stays: a link
    changing is not an edit."""
    for text in rendered:
        source = getattr(text, text.text_source)
        written = (
            type(text)
            ._base_manager.filter(pk=text.pk, **{text.text_source: source})
            .update(**{text.text_html: getattr(text, text.text_html)})
        )
        if written:
            text.record_found()
