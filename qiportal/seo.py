"""
What a page says about itself: its title and description (for <title>, the meta description,
Open Graph and Twitter cards), its canonical address, its breadcrumbs, and schema.org data as
JSON-LD. Views say it through `PageMetaMixin`; templates/base.html prints it.
"""

import json

from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

DEFAULT_DESCRIPTION = (
    "A plain-language explainer of qualified immunity, with questions and answers, key terms "
    "and an index of the court cases behind it."
)

# As django.utils.html.json_script: nothing in the data can close the <script> element.
JSON_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_ld(objects):
    """<script type="application/ld+json"> elements, built with json.dumps."""
    # Each JSON text is escaped for a <script> element by _dump; format_html must leave it.
    return format_html_join(
        "\n",
        '<script type="application/ld+json">{}</script>',
        ((mark_safe(_dump(obj)),) for obj in objects),
    )


def _dump(obj):
    data = {"@context": "https://schema.org", **obj}
    return json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)


def organisation():
    return {"@type": "Organization", "name": settings.SITE_NAME}


def breadcrumb_list(request, crumbs):
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }


class PageMetaMixin:
    """Title, description, breadcrumbs and structured data of a page, in one place."""

    page_title = None
    page_description = DEFAULT_DESCRIPTION
    og_type = "website"
    indexable = True

    def get_page_title(self):
        return self.page_title

    def get_page_description(self):
        return self.page_description

    def get_breadcrumbs(self):
        """[(name, url), ...] from the top, ending with this page; none on the home page."""
        return []

    def get_structured_data(self):
        return []

    def get_canonical_url(self):
        return self.request.build_absolute_uri(self.request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        crumbs = self.get_breadcrumbs()
        data = self.get_structured_data()
        if crumbs:
            data.append(breadcrumb_list(self.request, crumbs))
        context["page"] = {
            "title": self.get_page_title(),
            "description": " ".join(str(self.get_page_description()).split())[:300],
            "canonical": self.get_canonical_url(),
            "og_type": self.og_type,
            "indexable": self.indexable,
        }
        context["breadcrumbs"] = crumbs
        context["json_ld"] = json_ld(data)
        return context
