from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case index"

    def ready(self):
        from cases.citations import parse_citation
        from cases.linking import CitationLinker
        from cases.models import Citation, CourtCase
        from qiportal import search, texts

        def cited_case(text):
            """The case a typed citation ("555 US 223") names, if it is in the index."""
            try:
                key = parse_citation(text)
            except ValueError:
                return None
            return Citation.objects.for_keys([key]).values_list("case_id", flat=True).first()

        texts.register(CitationLinker())
        search.register(
            CourtCase,
            kind="case",
            label="Case",
            plural="Cases",
            follows=("citations",),
            prefetch_related=("citations",),
            exact=cited_case,
        )
