import copy
import re
from types import MappingProxyType
from urllib.parse import urlencode

from django import forms
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cases.citations import CITATION_FORM, parse_citation
from cases.extensions import facets
from cases.models import FIRST_YEAR, LAST_YEAR, Citation, Court, Outcome, RelationKind
from qiportal import memo
from qiportal.parameters import choice, page_number, text, whole_number

SORTS = {
    "newest": ("Newest first", ["-year", "name"]),
    "oldest": ("Oldest first", ["year", "name"]),
    "name": ("Name, A to Z", ["name", "-year"]),
}
DEFAULT_SORT = "newest"
SEARCH_MAX_LENGTH = 200

# The courts, each facet's groups and each menu's <option>s, worked out once per content
# version in each process (qiportal.memo): two queries and the menus' HTML, 1 ms of each cold
# page of the index at 15 cases. A dozen values.
MENUS = memo.Memo(limit=100)


class CaseFilterForm(forms.Form):
    """
    The case index's filters, read from the query string: its own, and one per facet that an
    app above registered (cases.extensions), before the sort.

    A value that is not valid is ignored (the page says which and why), and the rest still
    apply, so any URL gives a normal page.
    """

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text="Case name, citation or words of the holding.",
    )
    court = forms.ChoiceField(label="Court", required=False)
    year_from = forms.IntegerField(
        label="From year", required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    year_to = forms.IntegerField(
        label="To year", required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    outcome = forms.ChoiceField(
        label="Outcome for the official",
        required=False,
        choices=[("", "Any outcome"), *Outcome.choices],
    )
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, data=None, *, version=None, **kwargs):
        """`version`: the content version the request works from (qiportal.memo), read here
        if not given."""
        self.version = memo.version() if version is None else version
        # The fields, with the courts and each facet's groups as their choices, are made once
        # per content version (one query each) and shared, read-only, by the forms of every
        # request: copying them and their choices for each form took 0.2 ms of each page.
        self.base_fields = {}
        super().__init__(data if data is not None else {}, **kwargs)
        self.fields, self.choice_keys = MENUS.get(self.version, "fields", self.shared_fields)
        self.facets = facets()

    @classmethod
    def shared_fields(cls):
        """(the form's fields, {field: {value: key}}), for the content as it is now: the keys of
        the courts and of each facet's groups, by their values in the query string."""
        fields = copy.deepcopy(cls.base_fields)
        courts = list(Court.objects.values_list("slug", "name", "pk"))
        fields["court"].choices = [("", "All courts"), *((slug, name) for slug, name, _ in courts)]
        keys = {"court": {slug: pk for slug, _, pk in courts}}
        for facet in facets():
            groups = list(facet.choices())
            fields[facet.name] = forms.ChoiceField(
                label=facet.label,
                required=False,
                choices=[("", facet.any_label), *((value, label) for value, label, _ in groups)],
            )
            keys[facet.name] = {value: key for value, _, key in groups}
        fields["sort"] = fields.pop("sort")  # last, after the facets
        return MappingProxyType(fields), keys

    @classmethod
    def parameters(cls, *, paged=False):
        """What the form reads from a query string, each in its normal form
        (qiportal.parameters); with `page` for a list shown a page at a time."""
        cleaners = {"q": text, "year_from": whole_number, "year_to": whole_number}
        for name in ("court", "outcome", *(facet.name for facet in facets())):
            cleaners[name] = choice
        cleaners["sort"] = lambda value: "" if choice(value) == DEFAULT_SORT else choice(value)
        if paged:
            cleaners["page"] = page_number
        return cleaners

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from and year_to and year_from > year_to:
            self.add_error("year_to", f"It is before the 'from' year ({year_from}).")
        return cleaned

    @property
    def ignored(self):
        """(label, reason) for each filter that was given but not applied."""
        return [
            (self.fields[name].label or name.capitalize(), " ".join(errors))
            for name, errors in self.errors.items()
            if name in self.fields
        ]

    def applied(self):
        """The valid, non-empty filters, as query-string values."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        values = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            values[name] = value
        if values.get("sort") == DEFAULT_SORT:
            del values["sort"]
        return values

    def query_string(self):
        return urlencode(self.applied())

    @property
    def sort_label(self):
        return SORTS[self.applied().get("sort", DEFAULT_SORT)][0]

    def menu(self, name):
        """A select's <option>s, the submitted one selected. Built here rather than by the widget
        templates, which cost more than the rest of the case index; each option's HTML once per
        content version."""
        chosen = self.data.get(name, "")
        options = MENUS.get(self.version, ("options", name), lambda: self.options(name))
        return mark_safe(
            "".join(selected if value == chosen else plain for value, plain, selected in options)
        )

    def options(self, name):
        """(value, its <option>, its <option> selected) for each choice of a select."""
        return [
            (
                str(value),
                format_html('<option value="{}">{}</option>', value, label),
                format_html('<option value="{}" selected>{}</option>', value, label),
            )
            for value, label in self.fields[name].choices
        ]

    @property
    def menus(self):
        return {name: self.menu(name) for name in ("court", "outcome", "sort")}

    @property
    def facet_menus(self):
        """(facet, its menu) for each facet's filter."""
        return [(facet, self.menu(facet.name)) for facet in self.facets]

    @property
    def display_q(self):
        """What the search box shows again: what was typed, within the box's limit."""
        return self.data.get("q", "").replace("\x00", "")[:SEARCH_MAX_LENGTH]

    def filter(self, queryset):
        """Apply the valid filters and the chosen order to a queryset of cases, in one filter()
        (building the query in steps cost as much as the rest of the view)."""
        values = self.applied()
        conditions = []
        if "q" in values:
            conditions.append(search_condition(values["q"]))
        if "court" in values:
            conditions.append(Q(court_id=self.choice_keys["court"][values["court"]]))
        if "year_from" in values:
            conditions.append(Q(year__gte=values["year_from"]))
        if "year_to" in values:
            conditions.append(Q(year__lte=values["year_to"]))
        if "outcome" in values:
            conditions.append(Q(outcome=values["outcome"]))
        for facet in self.facets:
            if facet.name in values:
                # A group's condition is built once per content version (the value is one of
                # the facet's choices, so there are as many as groups).
                key = self.choice_keys[facet.name][values[facet.name]]
                conditions.append(
                    MENUS.get(
                        self.version,
                        ("condition", facet.name, key),
                        lambda f=facet, k=key: f.condition(k),
                    )
                )
        return queryset.filter(*conditions).order_by(*SORTS[values.get("sort", DEFAULT_SORT)][1])


def search_condition(text):
    """Every word in the name, the holding or a citation; or the citation itself, however
    it is spelled ("555 US 223" finds 555 U.S. 223)."""
    citation_text = Concat(
        Cast("volume", CharField()),
        Value(" "),
        "reporter",
        Value(" "),
        Cast("page", CharField()),
        output_field=CharField(),
    )
    condition = Q()
    for word in re.findall(r"[^\s,;]+", text)[:20]:
        in_citations = Citation.objects.annotate(text=citation_text).filter(
            case=OuterRef("pk"), text__icontains=word
        )
        condition &= Q(name__icontains=word) | Q(holding__icontains=word) | Exists(in_citations)
    try:
        key = parse_citation(text)
    except ValueError:
        return condition
    exact = Citation.objects.filter(
        case=OuterRef("pk"), volume=key.volume, reporter=key.reporter, page=key.page
    )
    return condition | Exists(exact)


class CitationForm(forms.ModelForm):
    """A citation as one line of text, read by eyecite into volume, reporter and page."""

    citation = forms.CharField(
        max_length=60,
        help_text=f"For example {CITATION_FORM}.",
    )

    class Meta:
        model = Citation
        fields = ["citation", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("citation", str(self.instance))

    def clean_citation(self):
        try:
            key = parse_citation(self.cleaned_data["citation"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        clash = (
            Citation.objects.for_keys([key])
            .exclude(pk=self.instance.pk)
            .select_related("case")
            .first()
        )
        if clash and clash.case_id != self.instance.case_id:
            raise forms.ValidationError(f"{key} already belongs to {clash.case.name}.")
        self.instance.volume, self.instance.reporter, self.instance.page = (
            key.volume,
            key.reporter,
            key.page,
        )
        return str(key)


class CitationFormSet(BaseInlineFormSet):
    """
    A case's citations, checked as the set they will be once saved: two rows may swap their
    citations, or one may take over the citation of a row being deleted, though the database
    allows each citation once at every moment.
    """

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            citation = getattr(form, "cleaned_data", {}).get("citation")
            if not citation or form.cleaned_data.get("DELETE"):
                continue
            if citation in seen:
                raise forms.ValidationError(f"{citation} is listed twice.")
            seen.add(citation)

    def save_existing_objects(self, commit=True):
        """Rows that give up their citation (deleted, or changed to another) first step aside
        under a key of their own, so that no row takes a citation another still holds. They
        step aside through the queryset, so the texts citing what they held are linked again."""
        if commit:
            for form in self.initial_forms:
                citation = form.instance
                if citation.pk is None:
                    continue
                gives_up = form in self.deleted_forms or (
                    form.has_changed() and form.initial.get("citation") != str(citation.key)
                )
                if gives_up:
                    Citation.objects.filter(pk=citation.pk).update(reporter=f"moving-{citation.pk}")
        return super().save_existing_objects(commit)


class TimelineForm(forms.Form):
    """The timeline's filters: a kind of relation, and one per facet (the explainer's topics).
    A value that is not valid is ignored and the page says so; the rest still apply."""

    kind = forms.ChoiceField(
        label="Relation",
        required=False,
        choices=[("", "Every kind"), *RelationKind.choices],
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.facets, self.keys = facets(), {}
        for facet in self.facets:
            groups = list(facet.choices())
            self.fields[facet.name] = forms.ChoiceField(
                label=facet.label,
                required=False,
                choices=[("", facet.any_label), *((value, label) for value, label, _ in groups)],
            )
            self.keys[facet.name] = {value: key for value, _, key in groups}

    @property
    def facet_fields(self):
        return [self[facet.name] for facet in self.facets]

    @staticmethod
    def parameters():
        return {"kind": choice, **{facet.name: choice for facet in facets()}}

    @property
    def ignored(self):
        """(label, the value given) for each filter that was given but is not known."""
        return [
            (self.fields[name].label, self.data.get(name, ""))
            for name in self.errors
            if name in self.fields
        ]

    def conditions(self):
        """The facets' conditions on the cases shown, from the valid filters."""
        self.is_valid()
        return [
            facet.condition(self.keys[facet.name][self.cleaned_data[facet.name]])
            for facet in self.facets
            if self.cleaned_data.get(facet.name)
        ]

    def chosen_kind(self):
        self.is_valid()
        return self.cleaned_data.get("kind", "")
