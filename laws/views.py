from django.db.models import Prefetch
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, TemplateView

from laws import extensions
from laws.models import ImmunityEffect, Jurisdiction, JurisdictionKind, Law, LawStatus, Question
from laws.tilegrid import COLUMNS, ROWS, TILES
from qiportal.parameters import QueryParameters, choice
from qiportal.seo import PageMetaMixin
from qiportal.views import StaffPreviewMixin, shown

# What a state's tile says, from its own laws (a city's law is marked on its state's tile).
# (what the tile says, what the legend says)
CATEGORIES = {
    "barred": ("Barred", "Qualified immunity barred"),
    "limited": ("Limited", "Qualified immunity limited"),
    "not-changed": ("Not changed", "Qualified immunity not changed"),
    "unverified": ("Not verified", "A law or bill is recorded; what it does is not yet verified"),
    "failed": ("Bills failed", "Bills that failed"),
    "nothing": ("Nothing", "Nothing recorded"),
}

SORTS = {
    "jurisdiction": ("Jurisdiction", lambda law: (law.jurisdiction.name, law.short_name)),
    "law": ("Law", lambda law: (law.short_name.lower(), law.jurisdiction.name)),
    "enacted": ("Enacted?", lambda law: (law.get_enactment_display(), law.jurisdiction.name)),
    "immunity": (
        "Qualified immunity",
        lambda law: (law.get_qualified_immunity_display(), law.jurisdiction.name),
    ),
}
DEFAULT_SORT = "jurisdiction"


def category(laws):
    """A tile's category, from the public laws of its state."""
    in_force = [law for law in laws if law.enactment != LawStatus.NOT_ENACTED]
    for effect in (ImmunityEffect.BARRED, ImmunityEffect.LIMITED, ImmunityEffect.NOT_CHANGED):
        if any(law.qualified_immunity == effect for law in in_force):
            return str(effect)
    if in_force:
        return "unverified"
    return "failed" if laws else "nothing"


class LawIndexView(PageMetaMixin, TemplateView):
    """/laws/: the map of the states, and the same as a table."""

    template_name = "laws/law_index.html"
    page_title = "State and local laws"
    page_description = (
        "Where states and cities have barred, limited or left in place qualified immunity, and "
        "the bills that failed: a map and a table, each fact with its source."
    )
    query_parameters = QueryParameters(sort=choice, enacted=choice)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.ignored:
            add_never_cache_headers(response)  # one page for every wrong value: not kept
        return response

    def get_context_data(self, **kwargs):
        sort = self.request.GET.get("sort", DEFAULT_SORT)
        enacted = self.request.GET.get("enacted", "")
        self.ignored = []
        if sort not in SORTS:
            self.ignored.append(("Order", sort))
            sort = DEFAULT_SORT
        if enacted and enacted not in LawStatus.values:
            self.ignored.append(("Enacted?", enacted))
            enacted = ""
        public = Law.objects.published().order_by("short_name")
        jurisdictions = list(
            Jurisdiction.objects.prefetch_related(
                Prefetch("laws", queryset=public, to_attr="public_laws")
            ).select_related("state")
        )
        by_code = {j.postal_code: j for j in jurisdictions if j.postal_code}
        cities = {}
        for j in jurisdictions:
            if j.kind == JurisdictionKind.CITY and j.public_laws:
                cities.setdefault(j.state_id, []).append(j)
        tiles = []
        for code, (row, column) in TILES.items():
            state = by_code.get(code)
            laws = state.public_laws if state else []
            kind = category(laws)
            tiles.append(
                {
                    "code": code,
                    "state": state,
                    "row": row + 1,
                    "column": column + 1,
                    "category": kind,
                    "label": CATEGORIES[kind][0],
                    "meaning": CATEGORIES[kind][1],
                    "cities": cities.get(state.pk, []) if state else [],
                }
            )
        laws = [
            law
            for j in jurisdictions
            for law in j.public_laws
            if not enacted or law.enactment == enacted
        ]
        for j in jurisdictions:
            for law in j.public_laws:
                law.jurisdiction = j
        laws.sort(key=SORTS[sort][1])
        anchored = set()  # each state's first row is where its tile leads
        for law in laws:
            code = law.jurisdiction.postal_code
            law.anchor = code.lower() if code and code not in anchored else ""
            anchored.add(code)
        return super().get_context_data(
            tiles=tiles,
            rows=ROWS,
            columns=COLUMNS,
            legend=[(key, words) for key, (_, words) in CATEGORIES.items()],
            laws=laws,
            sorts=[(key, label) for key, (label, _) in SORTS.items()],
            sort=sort,
            enacted=enacted,
            enactments=LawStatus.choices,
            ignored=self.ignored,
            nothing=[j for j in jurisdictions if j.postal_code and not j.public_laws],
            **kwargs,
        )


class LawDetailView(PageMetaMixin, StaffPreviewMixin, DetailView):
    model = Law
    template_name = "laws/law_detail.html"
    context_object_name = "law"
    query_parameters = QueryParameters()

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("jurisdiction")
            .prefetch_related("answers", "sources")
        )

    def get_page_title(self):
        return f"{self.object.short_name}: {self.object.jurisdiction}"

    def get_page_description(self):
        return f"{self.object.title}. What it says, fact by fact, with its sources."

    def get_breadcrumbs(self):
        return [
            ("State and local laws", reverse("laws:index")),
            (self.object.short_name, self.request.path),
        ]

    def get_context_data(self, **kwargs):
        law = self.object
        answers = {answer.question: answer for answer in law.answers.all()}
        return super().get_context_data(
            answers=[(label, answers.get(value)) for value, label in Question.choices],
            federal_note=law.jurisdiction.kind != JurisdictionKind.FEDERAL,
            same_place=shown(self.request, law.jurisdiction.laws.exclude(pk=law.pk)),
            related_cases=law.cases.published(),
            related=extensions.related(law),
            **kwargs,
        )
