"""
Ids in pages. A topic's, an answer's and a key term's slug become anchors on the pages that show
them (/#slug, /faq/#slug, /glossary/#slug); they share one namespace with the ids of the page's
own parts (its main content, headings, the "Cite this page" box), so a slug may not take one of
those, or "Copy" would copy an answer instead of the citation.
"""

import re

from django.core.exceptions import ValidationError

# The ids the templates give the page's own parts (tests/qiportal/test_anchors.py keeps this in
# step with templates/).
PAGE_IDS = {
    "arrow-across", "arrow-down", "bluebook", "cases-heading", "cite-heading", "cite-page",
    "cited-heading", "discussed-heading", "faq-toc-heading", "main", "next-steps-heading",
    "opinion-heading", "q-help", "questions-heading", "search-help", "search-q", "site-search-q",
    "summary-heading", "timeline-caption", "toc-heading",
}  # fmt: skip
# Ids the templates make from a slug or a name: "<slug>-heading", "<slug>-q", "faq-topic-<slug>",
# "state-<postal code>" (a state's place in the table of laws), and form fields' "id_<name>".
MADE_IDS = re.compile(r"^(?:.+-heading|.+-q|faq-topic-.+|state-.+|id_.+)$")


def not_a_page_id(value):
    if value in PAGE_IDS or MADE_IDS.match(value):
        raise ValidationError(
            "“%(value)s” is a name the page itself uses for one of its parts, so a link to it "
            "would land in the wrong place. Choose another, for example “%(value)s-1”.",
            code="page_id",
            params={"value": value},
        )
