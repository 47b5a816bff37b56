"""
The text pipeline's "citations" step (qiportal.texts): every case citation in a text links to the
case's page while the case is in the index and public, and stops being a link when it is not.

What each text cites is recorded as Mentions, so that when a case or a citation changes, exactly
the texts that cite it are rendered again (`depending_on`).
"""

from collections import defaultdict

from django.apps import apps

from cases.citations import Target, link_citations
from cases.models import Citation, CourtCase, Mention
from qiportal.database import chunks
from qiportal.texts import Linker

# Citation keys per query: three values each (volume, reporter, page), 900 in all, under the 999
# that SQLite takes in one statement as some builds have it.
KEYS_PER_QUERY = 300


def lookup_cases(keys):
    """Where each citation points: {key: Target}, a link only for a public case."""
    targets = {}
    for part in chunks(sorted(keys), KEYS_PER_QUERY):
        for citation in Citation.objects.for_keys(part).select_related("case"):
            case = citation.case
            url = case.get_absolute_url() if case.is_public else None
            targets[citation.key] = Target(url=url, case_id=case.pk)
    return targets


class CitationLinker(Linker):
    name = "citations"

    def link(self, text, html, session):
        found = link_citations(html, lookup_cases)
        return found.html, found

    def record(self, text, found):
        Mention.objects.filter(Mention.in_text(text)).delete()
        Mention.objects.bulk_create(
            Mention(
                volume=key.volume,
                reporter=key.reporter,
                page=key.page,
                case_id=found.targets[key].case_id if key in found.targets else None,
                linked=bool(key in found.targets and found.targets[key].url),
                text_type=text._meta.label_lower,
                text_id=text.pk,
            )
            for key in found.mentions
        )

    def forget(self, model, pks):
        for part in chunks(pks):
            Mention.objects.filter(Mention.in_texts_of(model, part)).delete()

    def depending_on(self, model, pks):
        """A case's address, publish state or existence, and the citations it has, decide
        what its citations link to: the texts that cite them are rendered again."""
        if model is CourtCase:
            citations = [Citation.objects.filter(case__in=part) for part in chunks(pks)]
            mentions = [Mention.objects.filter(case__in=part) for part in chunks(pks)]
        elif model is Citation:
            citations = [Citation.objects.filter(pk__in=part) for part in chunks(pks)]
            mentions = []
        else:
            return {}
        keys = []
        for query in citations:
            keys.extend(query.keys())
        mentions += [
            Mention.objects.filter(Mention.key_condition(part))
            for part in chunks(keys, KEYS_PER_QUERY)
        ]
        texts = defaultdict(set)
        for query in mentions:
            for text_type, text_id in query.values_list("text_type", "text_id"):
                texts[text_type].add(text_id)
        return {apps.get_model(label): ids for label, ids in texts.items()}

    def warnings(self, found):
        if not found.unmatched:
            return []
        return [
            "Saved, but these citations are not in the case index, so they are not links: "
            f"{'; '.join(map(str, found.unmatched))}. They become links once their cases are "
            "added."
        ]
