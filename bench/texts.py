"""
`make bench-texts`: how long saving a long text takes, and whether it grows in step with its length.

A database of its own (SQLite, or a fresh PostgreSQL database when DATABASE_URL names one) with
the shipped content. For each length (the admin refuses more than MARKDOWN_MAX_LENGTH, 50,000
characters; the model saves any), the topic "Qualified immunity in the courts" is saved, as
the admin saves it (one `changes.batch()` in a transaction), with a body of that many characters
of one citation and its short form repeated, the case being in the index:

    See Pearson v. Callahan, 555 U.S. 223 (2009); 555 U.S. at 236. See Pearson v. ...

Then the steps of that save are timed again one by one: Markdown, finding the citations (eyecite),
linking them (given what eyecite found: the linker's own work, and its one query), linking the key
terms. A save that grows in step with the text keeps its time per 10,000 characters from one
length to the next.

One run, on 127.0.0.1, each length in a process of its own; nothing is kept.
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.deployment import Deployment  # noqa: E402

UNIT = "See Pearson v. Callahan, 555 U.S. 223 (2009); 555 U.S. at 236. "
TOPIC = "qualified-immunity-in-the-courts"

SAVE = """
import sys
import time
from unittest import mock

import django

django.setup()
from django.db import transaction
from eyecite import get_citations

from cases.citations import NOT_LINKED, link_citations
from cases.linking import lookup_cases
from explainer.glossary import link_terms
from explainer.models import Topic
from qiportal import changes, texts
from qiportal.htmltext import TextTree
from qiportal.markup import render_markdown

length = int(sys.argv[1])
body = ({unit!r} * (length // len({unit!r}) + 1))[:length]
topic = Topic.objects.get(slug={topic!r})
topic.body = body

start = time.perf_counter()
with transaction.atomic(), changes.batch():
    topic.save()
save = time.perf_counter() - start
assert 'class="citation"' in Topic.objects.get(pk=topic.pk).body_html

start = time.perf_counter()
html = render_markdown(body, anchor_prefix=topic.anchor_prefix)
markdown = time.perf_counter() - start
start = time.perf_counter()
found = get_citations(TextTree(html, skip=NOT_LINKED).text)
eyecite = time.perf_counter() - start
with mock.patch("cases.citations.get_citations", return_value=found):  # what eyecite found
    start = time.perf_counter()
    linked = link_citations(html, lookup_cases)
    linking = time.perf_counter() - start
terms = texts.linker("key-terms").session()
start = time.perf_counter()
link_terms(linked.html, terms, topic.anchor_prefix)
key_terms = time.perf_counter() - start
print(len(found), save, markdown, eyecite, linking, key_terms)
"""


def measure(deployment, length):
    script = SAVE.format(unit=UNIT, topic=TOPIC)
    fields = deployment.python("-c", script, str(length)).split()
    count, *seconds = fields
    return int(count), [float(value) for value in seconds]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "lengths",
        type=int,
        nargs="*",
        default=[25_000, 50_000, 100_000, 200_000],
        help="lengths of the body to save, in characters",
    )
    options = parser.parse_args()
    print("Setting up a database with the shipped content...", flush=True)
    with tempfile.TemporaryDirectory(prefix="qiportal-bench-texts-") as workdir:
        deployment = Deployment(workdir, redis=False)
        try:
            limit = deployment.python(
                "-c",
                "import django; django.setup(); from django.conf import settings; "
                "print(getattr(settings, 'MARKDOWN_MAX_LENGTH', None))",
            ).strip()
            print(
                f"Database: {deployment.database_url.split(':', 1)[0]}. Longest text the admin "
                f"accepts (MARKDOWN_MAX_LENGTH): {limit}."
            )
            print(
                f"{'characters':>10} {'citations':>9} {'save s':>7} {'s/10k':>6} | "
                f"{'Markdown':>8} {'eyecite':>8} {'linking':>8} {'key terms':>9}  "
                "(each step again, alone; linking: the citation linker after eyecite)",
                flush=True,
            )
            for length in options.lengths:
                count, (save, markdown, eyecite, linking, key_terms) = measure(deployment, length)
                print(
                    f"{length:>10,} {count:>9,} {save:>7.2f} {save / length * 10_000:>6.2f} | "
                    f"{markdown:>8.2f} {eyecite:>8.2f} {linking:>8.2f} {key_terms:>9.2f}",
                    flush=True,
                )
        finally:
            deployment.stop()


if __name__ == "__main__":
    main()
