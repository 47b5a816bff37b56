from functools import reduce
from operator import or_

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from markdownx.models import MarkdownxField

from cases.citations import CitationKey
from qiportal.changes import Content, ContentQuerySet
from qiportal.publishing import Publishable, published_condition
from qiportal.texts import RenderedText

# The Supreme Court first sat in 1790; nothing in the index can be older or far in the future.
FIRST_YEAR = 1789
LAST_YEAR = 2100


@reversion.register()
class Court(Content):
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="The court's full name, e.g. 'Supreme Court of the United States'.",
    )
    short_name = models.CharField(
        max_length=50,
        help_text="A short form for tables, e.g. 'U.S.' or '10th Cir.'.",
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in addresses and filters. Lowercase letters, numbers and hyphens.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Reporters of the Supreme Court only: a citation to them names the court by itself.
SUPREME_COURT_REPORTERS = {"U.S.", "S. Ct.", "L. Ed.", "L. Ed. 2d"}


class Outcome(models.TextChoices):
    """What the decision meant for the official who was sued."""

    GRANTED = "granted", "Immunity granted"
    DENIED = "denied", "Immunity denied"
    ABSOLUTE = "absolute", "Absolute immunity"
    QUALIFIED_ONLY = "qualified-only", "Qualified (not absolute) immunity"
    AVAILABLE = "available", "Immunity available"
    DEFENSE_RECOGNIZED = "defense-recognized", "Good-faith defense recognized"
    STANDARD_SET = "standard-set", "Standard set"
    OTHER = "other", "Other"


# Rendered HTML is left out of history: restoring a version renders it again. (The explainer
# adds the case's topics to what its versions keep: explainer.apps.)
@reversion.register(
    follow=["citations", "relations_from", "relations_to"], exclude=["summary_html"]
)
class CourtCase(RenderedText, Publishable):
    """A court decision in the index; its summary may cite other cases."""

    text_source, text_html = "summary", "summary_html"
    text_links = ("citations",)

    name = models.CharField(
        max_length=200,
        help_text="The case name as usually cited, e.g. 'Pearson v. Callahan'.",
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="The end of the case's address (/cases/the-slug/).",
    )
    court = models.ForeignKey(
        Court,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The court that decided the case.",
    )
    year = models.PositiveSmallIntegerField(
        "year decided",
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="The year of the decision, as in the citation's parentheses.",
    )
    holding = models.CharField(
        max_length=300,
        help_text="One plain line (no Markdown): what the court held, shown in the case index.",
    )
    summary = MarkdownxField(
        blank=True,
        help_text="A short, neutral account of the case and the decision, in Markdown.",
    )
    summary_html = models.TextField(editable=False, default="")
    outcome = models.CharField(
        "outcome for the official",
        max_length=20,
        choices=Outcome.choices,
        help_text="What the decision meant for the official who was sued.",
    )
    outcome_detail = models.CharField(
        "outcome in detail",
        max_length=200,
        blank=True,
        help_text="The outcome in the court's own terms when the choice above does not say it "
        "all, e.g. 'vacated and remanded'. Leave empty otherwise.",
    )
    opinion_url = models.URLField(
        "other opinion link",
        blank=True,
        help_text="A link to the opinion at another source. Links to Justia and CourtListener "
        "are made from a U.S. Reports citation without this.",
    )
    # What the case started, for the few cases that began a part of the doctrine (the timeline
    # marks them). Plain text: each is short and shown as it is written.
    milestone = models.CharField(
        "what it started",
        max_length=80,
        blank=True,
        help_text="A few words the timeline shows under the case, e.g. 'The good-faith defense'. "
        "Only for a case that began a part of the doctrine.",
    )
    milestone_detail = models.TextField(
        "what it established",
        blank=True,
        help_text="One or two plain sentences: what the case established.",
    )
    milestone_quote = models.TextField(
        "in its words",
        blank=True,
        help_text="The words that established it, with where they stand (a page, or 'Syllabus "
        "(summary)' for the Reporter's summary, which is not part of the opinion).",
    )
    milestone_source = models.TextField(
        "source",
        blank=True,
        help_text="Where the quote was checked: titles and web addresses.",
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = "court case"
        indexes = [
            # One for each order the case index offers, after the publish state it filters on
            # and with the publication time it checks, so that the keys of a page of public
            # cases, however deep, are read from the index alone and in order (CaseListView).
            # Each holds the court and the outcome too, so that the filters are checked in
            # the index as well: a filtered page's keys and count never read the rows.
            models.Index(
                fields=["status", "-year", "name", "published_at", "court", "outcome"],
                name="case_newest_first",
            ),
            models.Index(
                fields=["status", "year", "name", "published_at", "court", "outcome"],
                name="case_oldest_first",
            ),
            models.Index(
                fields=["status", "name", "-year", "published_at", "court", "outcome"],
                name="case_by_name",
            ),
            # The count of public cases, from the index alone (through the published_at index
            # it looked up every row: 2 ms of an index page at 10,000 cases, now 0.5 ms), and
            # of those of a court.
            models.Index(
                fields=["status", "published_at", "court", "outcome", "year"], name="case_public"
            ),
            # The public cases of an outcome, in a range of years, of a court: counted from the
            # index alone (1.3 ms at 10,000 cases through an index of the outcome alone, which
            # read every row it found; 0.1 to 0.3 ms now).
            models.Index(
                fields=["status", "outcome", "year", "published_at", "court"], name="case_outcome"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="court_case_year_in_range",
                violation_error_message=f"The year must be between {FIRST_YEAR} and {LAST_YEAR}.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        started = [self.milestone_detail, self.milestone_quote, self.milestone_source]
        if any(started) and not self.milestone:
            raise ValidationError(
                {"milestone": "Say in a few words what the case started: the timeline shows it."}
            )
        if self.milestone_quote and not self.milestone_source:
            raise ValidationError(
                {"milestone_source": "Say where the quote was checked, so readers can too."}
            )

    def get_absolute_url(self):
        return reverse("cases:detail", kwargs={"slug": self.slug})

    @property
    def outcome_group(self):
        """'granted', 'denied' or 'other': how the timeline marks the case."""
        return self.outcome if self.outcome in (Outcome.GRANTED, Outcome.DENIED) else "other"

    @property
    def outcome_text(self):
        """The outcome's label, with the court's own terms when the editor gave them."""
        label = Outcome(self.outcome).label if self.outcome in Outcome.values else self.outcome
        return f"{label} ({self.outcome_detail})" if self.outcome_detail else label

    def search_document(self):
        return {
            "title": self.name,
            "citations": "; ".join(str(citation) for citation in self.citations.all()),
            "body": f"{self.holding}\n{self.summary_html}",
        }

    @cached_property
    def citation_list(self):
        """Its citations, in order, fetched (or taken from a prefetch) once per instance."""
        return list(self.citations.all())

    @property
    def primary_citation(self):
        """The first citation: the official reporter's."""
        return self.citation_list[0] if self.citation_list else None

    @property
    def bluebook(self):
        """'Pearson v. Callahan, 555 U.S. 223 (2009)', the case name first."""
        return f"{self.name}{self.bluebook_reference}"

    @property
    def bluebook_reference(self):
        """', 555 U.S. 223 (2009)': the court is named unless the reporter already says it
        (the Supreme Court's own reporters)."""
        citation = self.primary_citation
        if citation is None:
            return f" ({self.year})"
        court = "" if citation.reporter in SUPREME_COURT_REPORTERS else f"{self.court.short_name} "
        return f", {citation} ({court}{self.year})"

    def opinion_links(self):
        """(label, url) pairs for the opinion: derived from U.S. Reports, then the editor's."""
        links = [link for citation in self.citation_list for link in citation.opinion_links()]
        if self.opinion_url:
            links.append(("Opinion", self.opinion_url))
        return links


class CitationQuerySet(ContentQuerySet):
    def for_keys(self, keys):
        keys = list(keys)
        return self.filter(Mention.key_condition(keys)) if keys else self.none()

    def keys(self):
        return [
            CitationKey(volume, reporter, page)
            for volume, reporter, page in self.values_list("volume", "reporter", "page")
        ]


@reversion.register()
class Citation(Content):
    """One published location of a decision: volume, reporter and first page."""

    US_REPORTS = "U.S."

    case = models.ForeignKey(CourtCase, on_delete=models.CASCADE, related_name="citations")
    volume = models.PositiveIntegerField(help_text="The reporter volume, e.g. 555.")
    reporter = models.CharField(
        max_length=30,
        help_text="The reporter's standard abbreviation, e.g. 'U.S.' or 'S. Ct.'.",
    )
    page = models.PositiveIntegerField(help_text="The first page of the decision, e.g. 223.")
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text="Order among the case's citations; the official reporter comes first.",
    )

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volume", "reporter", "page"],
                name="unique_citation",
                violation_error_message="This citation already belongs to a case in the index.",
            ),
        ]

    def __str__(self):
        return f"{self.volume} {self.reporter} {self.page}"

    def get_absolute_url(self):
        return self.case.get_absolute_url()

    @property
    def key(self):
        return CitationKey(self.volume, self.reporter, self.page)

    def opinion_links(self):
        if self.reporter != self.US_REPORTS:
            return []
        return [
            ("Justia", f"https://supreme.justia.com/cases/federal/us/{self.volume}/{self.page}/"),
            ("CourtListener", f"https://www.courtlistener.com/c/U.S./{self.volume}/{self.page}/"),
        ]


class RelationKind(models.TextChoices):
    """How a later decision acts on an earlier one."""

    REPLACES = "replaces", "Replaces"
    OVERRULES_IN_PART = "overrules-in-part", "Overrules in part"
    CLARIFIES = "clarifies", "Clarifies"
    APPLIES = "applies", "Applies"
    RELIES_ON = "relies-on", "Relies on"
    LIMITS = "limits", "Limits"


# Each kind as a sentence says it ("Pearson v. Callahan (2009) overruled in part Saucier v.
# Katz (2001)") and as the earlier case's page labels it ("Overruled in part by").
RELATION_WORDING = {
    RelationKind.REPLACES: ("replaced", "Replaced by"),
    RelationKind.OVERRULES_IN_PART: ("overruled in part", "Overruled in part by"),
    RelationKind.CLARIFIES: ("clarified", "Clarified by"),
    RelationKind.APPLIES: ("applied", "Applied by"),
    RelationKind.RELIES_ON: ("relied on", "Relied on by"),
    RelationKind.LIMITS: ("limited", "Limited by"),
}


class QuotePlace(models.TextChoices):
    """Where a quote stands: readers must be able to find it, or be told it is not checked."""

    US_REPORTS = "us-reports", "A page of the U.S. Reports"
    SLIP_OPINION = "slip-opinion", "A page of the slip opinion"
    OTHER_REPORTER = "other-reporter", "A page of another reporter"
    SUMMARY = "summary", "A summary, not the opinion (a syllabus or a reference work)"
    NOT_VERIFIED = "not-verified", "Page not yet verified"


# The places that name a page, and how a reader sees a place without one.
PAGED_PLACES = {QuotePlace.US_REPORTS, QuotePlace.SLIP_OPINION, QuotePlace.OTHER_REPORTER}


class CaseRelationQuerySet(ContentQuerySet):
    def public(self):
        """Relations whose two cases are both public: a draft is never shown or linked."""
        return self.filter(published_condition("from_case__"), published_condition("to_case__"))


@reversion.register()
class CaseRelation(Content):
    """A later case's act on an earlier one: Pearson v. Callahan overruled in part Saucier v.
    Katz. Kept in history with both cases."""

    from_case = models.ForeignKey(
        CourtCase,
        on_delete=models.CASCADE,
        related_name="relations_from",
        verbose_name="later case",
        help_text="The later decision, the one that acts on the other.",
    )
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    to_case = models.ForeignKey(
        CourtCase,
        on_delete=models.CASCADE,
        related_name="relations_to",
        verbose_name="earlier case",
        help_text="The earlier decision it acts on.",
    )
    also = models.CharField(
        max_length=200,
        blank=True,
        help_text="Other earlier cases it acts on the same way, e.g. 'Also Harlow v. Fitzgerald "
        "(1982)'. Optional.",
    )
    meaning = models.CharField(
        "what it means",
        max_length=400,
        help_text="One plain sentence a reader without legal training understands.",
    )
    quote = models.TextField(
        "key words",
        blank=True,
        help_text="A short quote from the later opinion, without the page (give it below).",
    )
    quote_place = models.CharField(
        "where the words stand",
        max_length=20,
        choices=QuotePlace.choices,
        blank=True,
    )
    quote_page = models.CharField(
        "page",
        max_length=120,
        blank=True,
        help_text="As cited, e.g. '457 U.S. at 818' or 'slip op. 14'. Required for a page of a "
        "reporter or of the slip opinion; for a summary, say whose (e.g. 'Syllabus').",
    )
    source_url = models.URLField(
        "source",
        max_length=500,
        help_text="A web address where the relation and the quote can be checked.",
    )
    source_note = models.CharField(
        "more on the source",
        max_length=500,
        blank=True,
        help_text="Other sources, or what the source is (e.g. 'CourtListener opinion text').",
    )

    objects = CaseRelationQuerySet.as_manager()

    class Meta:
        ordering = ["from_case__year", "from_case__name", "kind", "id"]
        verbose_name = "relation between cases"
        verbose_name_plural = "relations between cases"
        constraints = [
            models.UniqueConstraint(
                fields=["from_case", "to_case", "kind"],
                name="unique_case_relation",
                violation_error_message="This relation is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(from_case=models.F("to_case")),
                name="case_relation_between_two_cases",
                violation_error_message="A case cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.from_case} {self.verb} {self.to_case}"

    @property
    def verb(self):
        return RELATION_WORDING[self.kind][0] if self.kind in RELATION_WORDING else self.kind

    @property
    def reverse_label(self):
        return RELATION_WORDING[self.kind][1] if self.kind in RELATION_WORDING else self.kind

    @property
    def label(self):
        return RelationKind(self.kind).label if self.kind in RelationKind.values else self.kind

    @property
    def quote_reference(self):
        """Where the quote stands, as a reader sees it: '457 U.S. at 818', 'Syllabus
        (summary, not the opinion)', 'page not yet verified'."""
        if self.quote_place == QuotePlace.NOT_VERIFIED:
            return "page not yet verified"
        if self.quote_place == QuotePlace.SUMMARY:
            return f"{self.quote_page or 'Summary'} (a summary, not the opinion)"
        return self.quote_page

    def clean(self):
        super().clean()
        errors = {}
        if self.from_case_id and self.from_case_id == self.to_case_id:
            errors["to_case"] = "A case cannot be related to itself: choose another case."
        elif self.from_case_id and self.to_case_id:
            later, earlier = self.from_case, self.to_case
            if later.year < earlier.year:
                errors["to_case"] = (
                    f"{earlier} ({earlier.year}) was decided after {later} ({later.year}): "
                    "the later case comes first. Swap them, or choose another case."
                )
        if self.quote.strip() and not self.quote_place:
            errors["quote_place"] = (
                "Say where the words stand: a page, a summary, or 'page not yet verified'."
            )
        if self.quote_place and not self.quote.strip():
            errors["quote"] = "Give the words, or leave where they stand empty."
        if self.quote_place in PAGED_PLACES and not self.quote_page.strip():
            errors["quote_page"] = "Give the page, e.g. '457 U.S. at 818' or 'slip op. 14'."
        if self.quote_place == QuotePlace.NOT_VERIFIED and self.quote_page.strip():
            errors["quote_page"] = (
                "A page is given, but the place says it is not yet verified: choose one."
            )
        if errors:
            raise ValidationError(errors)


class Mention(models.Model):
    """
    A citation found in a text (the introduction, a topic, an answer, a case's summary: any
    RenderedText that runs the citation linker), with the case it names when that case is in
    the index. Written when the text is rendered (cases.linking), so that when a case changes,
    exactly the texts that cite it are rendered again.
    """

    volume = models.PositiveIntegerField()
    reporter = models.CharField(max_length=30)
    page = models.PositiveIntegerField()
    case = models.ForeignKey(
        CourtCase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
        help_text="The case this citation names, if it is in the index.",
    )
    linked = models.BooleanField(
        default=False, help_text="Whether the text shows it as a link (its case was public)."
    )
    # The text it was found in: its model's label ("explainer.topic") and its primary key.
    text_type = models.CharField(max_length=100)
    text_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["volume", "reporter", "page"]
        indexes = [
            models.Index(fields=["volume", "reporter", "page"], name="mention_key"),
            models.Index(fields=["text_type", "text_id"], name="mention_text"),
        ]

    def __str__(self):
        return f"{self.volume} {self.reporter} {self.page}"

    @staticmethod
    def key_condition(keys):
        return reduce(
            or_, (Q(volume=key.volume, reporter=key.reporter, page=key.page) for key in keys)
        )

    @staticmethod
    def in_text(text):
        """The condition for mentions found in `text` (an instance of a RenderedText model)."""
        return Q(text_type=text._meta.label_lower, text_id=text.pk)

    @staticmethod
    def in_texts_of(model, pks=None):
        """Mentions found in texts of `model` (in these, if `pks` is given)."""
        condition = Q(text_type=model._meta.label_lower)
        return condition if pks is None else condition & Q(text_id__in=pks)


def texts_citing(case, model):
    """The texts of `model` (a RenderedText model) that cite `case`."""
    return model.objects.filter(
        pk__in=Mention.objects.filter(Mention.in_texts_of(model), case=case).values("text_id")
    )
