"""
The Markdown pipeline: Markdown source in, sanitised HTML out.

Everything a reader sees that an editor wrote goes through `render_markdown()`, once, when the
object is saved; the admin's live preview calls the same function, so what an editor previews is
what readers get. The sanitiser is an allow-list: anything not named here is removed.
"""

import re
from urllib.parse import unquote

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError

MARKDOWN_EXTENSIONS = ["tables", "footnotes", "sane_lists", "fenced_code", "toc"]
MARKDOWN_EXTENSION_CONFIGS = {
    # A "# Heading" inside a body becomes <h3>: the page's <h1> and the section's <h2> come
    # from the templates.
    "toc": {"baselevel": 3},
}

ALLOWED_TAGS = {
    "p", "br", "hr",
    "h3", "h4", "h5", "h6",
    "a", "em", "strong", "code", "pre", "blockquote", "del", "sup", "sub",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td",
    "img", "div",
}  # fmt: skip

# Removed together with everything inside them (the default only strips the tag itself).
REMOVED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "template", "noscript",
    "textarea", "select", "svg", "math", "form", "title",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
}

ALLOWED_CLASSES = {
    "div": {"footnote"},
    "a": {"footnote-ref", "footnote-backref"},
}

URL_SCHEMES = {"http", "https", "mailto"}

# Footnote anchors are the only ids rendered content may carry ("fn:1", "fnref:1", "fnref2:1").
FOOTNOTE_ID = re.compile(r"^fn(?:ref\d*)?:\d+$")


def _filter_attribute(tag, attribute, value):
    if attribute == "id":
        return value if FOOTNOTE_ID.match(value) else None
    if tag == "img" and attribute == "src":
        # Images only from this site's own media (uploads made through the editor).
        return value if _is_own_media(value) else None
    return value


def _is_own_media(url):
    media_url = settings.MEDIA_URL
    # What the server will look for: "%2e%2e" is ".." to it, and "%5c" a backslash.
    path = unquote(url)
    return (
        url.startswith(media_url)
        and not url.startswith("//")
        and ".." not in path
        and "\\" not in path
    )


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=REMOVED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    filter_style_properties={"text-align"},
    link_rel="noopener noreferrer",
)


def sanitize_html(html):
    """Strip everything outside the allow-list from an HTML fragment."""
    return _CLEANER.clean(html)


def _prefix_footnotes(html, prefix):
    """Namespace footnote anchors so that several bodies can share one page."""
    return re.sub(
        r'(id="|href="#)(fn(?:ref\d*)?:\d+)"',
        lambda match: f'{match.group(1)}{prefix}{match.group(2)}"',
        html,
    )


def render_markdown(source, *, anchor_prefix=""):
    """
    Render Markdown `source` to sanitised HTML.

    `anchor_prefix` (a slug, say) keeps footnote anchors unique when several rendered bodies
    stand on one page, as topics do on the explainer.
    """
    if not source:
        return ""
    html = markdown.markdown(
        source,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs=MARKDOWN_EXTENSION_CONFIGS,
        output_format="html",
    )
    html = sanitize_html(html).strip()
    if anchor_prefix:
        html = _prefix_footnotes(html, f"{anchor_prefix}-")
    return html


def check_length(source):
    """
    Refuse, in words, a Markdown text longer than settings.MARKDOWN_MAX_LENGTH characters: the
    time a save takes grows with the text, and finding its citations (eyecite) grows faster.
    A line break counts as one character, as the editor sees it, though browsers send two.
    """
    length, limit = len(source.replace("\r\n", "\n")), settings.MARKDOWN_MAX_LENGTH
    if length > limit:
        raise ValidationError(
            f"This text is {length:,} characters long; a text may have at most {limit:,}. "
            "Shorten it, or split it into two.",
            code="too_long",
        )
