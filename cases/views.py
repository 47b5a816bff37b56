import csv
import functools
import json
import re

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.template.loader import get_template
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from cases import timeline
from cases.citations import CitationKey
from cases.extensions import discussions, facets
from cases.forms import CaseFilterForm, TimelineForm
from cases.models import CaseRelation, Citation, CourtCase, Outcome, texts_citing
from qiportal import memo
from qiportal.parameters import QueryParameters
from qiportal.seo import PageMetaMixin
from qiportal.views import StaffPreviewMixin, may_preview


def filtered_cases(form):
    """The published cases the form selects, with what every listing shows."""
    return form.filter(
        CourtCase.objects.published().select_related("court").prefetch_related("citations")
    )


# Each case's row of the index's table, rendered once per content version in each process
# (qiportal.memo): a page of the index whose rows were all shown before needs neither the rows
# nor their citations from the database, nor their templates. 10,000 rows take about 9 MB.
ROWS = memo.Memo(limit=10_000)


def case_rows(version, keys):
    """The rows of the index's table for the cases `keys`, in that order: safe HTML, one <tr>
    each, for the public ones."""
    found = ROWS.get_many(version, keys, render_rows)
    return [found[key] for key in keys if key in found]


# What a row shows of a case.
ROW_FIELDS = (
    "pk",
    "name",
    "slug",
    "year",
    "outcome",
    "holding",
    "court__name",
    "court__short_name",
)


def render_rows(keys):
    """{pk: its row} for the public cases among `keys`. Read as values, not instances: 25 cases
    and their citations take half the time so (1.8 ms against 4.0 ms, with a prefetch)."""
    primary = {}
    for case, volume, reporter, page in Citation.objects.filter(case__in=keys).values_list(
        "case", "volume", "reporter", "page"
    ):
        primary.setdefault(case, CitationKey(volume, reporter, page))  # the first in order
    outcomes = dict(Outcome.choices)
    template = get_template("cases/case_row.html")
    rows = {}
    for case in CourtCase.objects.published().filter(pk__in=keys).values(*ROW_FIELDS).order_by():
        context = {
            "case": case,
            "url": reverse("cases:detail", kwargs={"slug": case["slug"]}),
            "citation": primary.get(case["pk"], ""),
            "outcome": outcomes.get(case["outcome"], case["outcome"]),
        }
        rows[case["pk"]] = mark_safe(template.render(context).strip())
    return rows


@functools.cache
def downloads():
    """The addresses of the index's downloads, worked out once per process, as the navigation's
    are (qiportal.context_processors): reversing them took 0.05 ms of every index page."""
    return {"csv": reverse("cases:export_csv"), "json": reverse("cases:export_json")}


class KeysFirstPaginator(Paginator):
    """
    A page of a long, ordered list in two steps: the page's keys, read from an index that holds
    the order and the filter (cheap at any depth), then what is shown for them (`rows(keys)`).
    Page 400 of 10,000 cases costs about what page 1 does.

    The first page's keys come first: when they are fewer than a page, they are all there is,
    and no query counts them (most searches and filter combinations fit on one page).
    """

    def __init__(self, object_list, per_page, *, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def keys(self, number):
        start = (number - 1) * self.per_page
        return list(self.object_list.values_list("pk", flat=True)[start : start + self.per_page])

    def page(self, number):
        keys = None
        if number == 1 and not self.orphans:
            keys = self.keys(1)
            if len(keys) < self.per_page:
                self.count = len(keys)
        number = self.validate_number(number)
        if keys is None:
            keys = self.keys(number)
        return self._get_page(self.rows(keys), number, self)


class CaseListView(PageMetaMixin, ListView):
    template_name = "cases/case_list.html"
    context_object_name = "case_rows"
    paginate_by = 25
    paginator_class = KeysFirstPaginator
    query_parameters = QueryParameters(lambda: CaseFilterForm.parameters(paged=True))
    page_description = (
        "Court decisions on qualified immunity: citations, courts, years, outcomes and holdings, "
        "with links to the opinions. Filter, search and download."
    )

    def get_page_title(self):
        number = self.request.GET.get("page", "")
        return "Case index" + (f", page {number}" if number.isdigit() and number != "1" else "")

    def get_canonical_url(self):
        """The unfiltered index; a later page keeps its number."""
        url = self.request.build_absolute_uri(self.request.path)
        number = self.request.GET.get("page", "")
        return f"{url}?page={number}" if number.isdigit() and number != "1" else url

    def get_breadcrumbs(self):
        return [("Case index", reverse("cases:index"))]

    def get_queryset(self):
        self.version = memo.version(self.request)
        self.form = CaseFilterForm(self.request.GET, version=self.version)
        self.form.is_valid()
        return self.form.filter(CourtCase.objects.published())

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(
            queryset, per_page, rows=lambda keys: case_rows(self.version, keys), **kwargs
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.form.errors:
            # A filter the page ignores, and says so: served, never cached, so junk values
            # cannot fill the cache with a page each.
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        query_string = self.form.query_string()
        return super().get_context_data(
            form=self.form,
            ignored=self.form.ignored,
            filtered=bool(set(self.form.applied()) - {"sort"}),
            filtered_beyond_search=bool(set(self.form.applied()) - {"q"} or self.form.errors),
            query_string=query_string,
            export_query=f"?{query_string}" if query_string else "",
            downloads=downloads(),
            **kwargs,
        )


class CaseDetailView(PageMetaMixin, StaffPreviewMixin, DetailView):
    model = CourtCase
    template_name = "cases/case_detail.html"
    context_object_name = "case"
    query_parameters = QueryParameters()

    def get_page_title(self):
        return f"{self.object.name} ({self.object.year})"

    def get_page_description(self):
        return f"{self.object.bluebook}: {self.object.holding}"

    def get_breadcrumbs(self):
        return [("Case index", reverse("cases:index")), (self.object.name, self.request.path)]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("court")
            .prefetch_related("citations", *(facet.prefetch() for facet in facets()))
        )

    def get_context_data(self, **kwargs):
        case = self.object
        acts_on, acted_on_by = self.relations(case)
        return super().get_context_data(
            discussed_in=self.discussed_in(case),
            facet_groups=[(facet, facet.of(case)) for facet in facets()],
            acts_on=acts_on,
            acted_on_by=acted_on_by,
            **kwargs,
        )

    def relations(self, case):
        """(its relations to earlier cases, later cases' relations to it), in one query. A
        relation to a case readers cannot see is left out, except for staff who may preview
        it (the page marks it)."""
        relations = CaseRelation.objects.filter(Q(from_case=case) | Q(to_case=case))
        if not may_preview(self.request, CourtCase):
            relations = relations.public()
        relations = list(relations.select_related("from_case", "to_case"))
        return (
            [relation for relation in relations if relation.from_case_id == case.pk],
            [relation for relation in relations if relation.to_case_id == case.pk],
        )

    @staticmethod
    def discussed_in(case):
        """(text, what it is) for each public text that cites the case, kind by kind."""
        return [
            (text, discussion.label)
            for discussion in discussions()
            for text in texts_citing(case, discussion.model).published()
        ]


# Cells a spreadsheet would run as a formula start with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

# Quoting every cell keeps a cell whole for a spreadsheet that splits lines on commas, not for
# one whose list separator is a semicolon (many European locales). That one sees our first
# cell's closing quote followed by a comma, not by its separator, reads the rest of the line as
# unquoted text, and starts a new cell at every semicolon (and a new row at every line break)
# inside our cells: a holding "x;=1+1" gives it a cell "=1+1", a live formula. One told to read
# no quotes at all splits at every comma too. Quoting alone does not protect, so a formula
# prefix that follows a comma, a semicolon or a line break inside a cell (past any spaces or
# quotes) gets a ' as well, as at the start of a cell: "x;'=1+1" opens as text there, and reads
# back as that one cell on commas.
FORMULA_AFTER_SEPARATOR = re.compile(r'([,;\r\n][\s"]*)(?=[=+\-@])')


def spreadsheet_safe(value):
    """Text a spreadsheet shows as text, whatever its list separator: a ' before a formula
    prefix at the start of the cell, or after a separator within it."""
    if not isinstance(value, str):
        return value
    value = FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


class CaseExportView(View):
    """The cases the index's filters select, all of them, as a file to download: a column for
    each facet (cases.extensions) after the holding."""

    query_parameters = QueryParameters(CaseFilterForm.parameters)

    @property
    def columns(self):
        return [
            "name",
            "citations",
            "court",
            "year",
            "outcome",
            "holding",
            *(facet.plural for facet in facets()),
            "url",
            "opinion_links",
        ]

    def get(self, request):
        form = CaseFilterForm(request.GET)
        if not form.is_valid():
            problems = [f"{label}: {reason}" for label, reason in form.ignored]
            return HttpResponseBadRequest(
                "Nothing was exported, because these filters are not valid: "
                f"{get_text_list(problems, 'and')}. Fix or remove them and try again.\n",
                content_type="text/plain; charset=utf-8",
            )
        cases = filtered_cases(form).prefetch_related(*(facet.prefetch() for facet in facets()))
        return self.respond(self.rows(cases.iterator(chunk_size=500)))

    def rows(self, cases):
        for case in cases:
            yield {
                "name": case.name,
                "citations": [str(citation) for citation in case.citation_list],
                "court": case.court.name,
                "year": case.year,
                "outcome": case.get_outcome_display(),
                "holding": case.holding,
                **{facet.plural: [str(group) for group in facet.of(case)] for facet in facets()},
                "url": self.request.build_absolute_uri(case.get_absolute_url()),
                "opinion_links": [url for _, url in case.opinion_links()],
            }


class Echo:
    def write(self, value):
        return value


class CaseCSVView(CaseExportView):
    def respond(self, rows):
        writer, columns = csv.writer(Echo(), quoting=csv.QUOTE_ALL), self.columns

        def lines():
            yield "\ufeff"  # a byte-order mark, so spreadsheets read the file as UTF-8
            yield writer.writerow(columns)
            for row in rows:
                yield writer.writerow(
                    [
                        spreadsheet_safe("; ".join(value) if isinstance(value, list) else value)
                        for value in (row[column] for column in columns)
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="qualified-immunity-cases.csv"'
        return response


class CaseJSONView(CaseExportView):
    def respond(self, rows):
        rows = list(rows)
        response = HttpResponse(
            json.dumps({"count": len(rows), "cases": rows}, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="qualified-immunity-cases.json"'
        return response


class TimelineView(PageMetaMixin, TemplateView):
    """/timeline/: every public case on a time axis, and the relations between them."""

    template_name = "cases/timeline.html"
    page_title = "Timeline of the doctrine"
    page_description = (
        "How qualified immunity grew, case by case: every case in the index on a time axis, "
        "with how each later case acted on an earlier one."
    )
    query_parameters = QueryParameters(TimelineForm.parameters)

    def get_breadcrumbs(self):
        return [("Case index", reverse("cases:index")), ("Timeline", self.request.path)]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.form.ignored:
            add_never_cache_headers(response)  # one page for every wrong value: not kept
        return response

    def get_context_data(self, **kwargs):
        self.form = form = TimelineForm(self.request.GET)
        cases, relations = timeline.content(form.chosen_kind(), form.conditions())
        return super().get_context_data(
            form=form,
            filtered=bool(form.is_valid() and any(form.cleaned_data.values())),
            cases=cases,
            relations=relations,
            across=timeline.across(cases, relations),
            down=timeline.down(cases, relations),
            legend=timeline.legend(),
            **kwargs,
        )
