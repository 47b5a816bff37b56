from functools import reduce
from operator import or_

import reversion
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from markdownx.models import MarkdownxField

from cases.citations import CitationKey, Target, link_citations
from explainer import search
from explainer.publishing import Publishable, PublishableQuerySet, content_changed
from qiportal.markup import render_markdown

# The Supreme Court first sat in 1790; nothing in the index can be older or far in the future.
FIRST_YEAR = 1789
LAST_YEAR = 2100


class CitingText(models.Model):
    """
    A Markdown text whose case citations link to the case index.

    Saving renders the text once (Markdown, sanitised, citations linked) and records which
    citations it holds, so that when a case changes, `refresh_citing_texts()` can render again
    exactly the texts that cite it.
    """

    source_field, html_field = "body", "body_html"
    # The name of this text's foreign key on Mention.
    mention_source = None
    # Its kind in the site search (None: not searched).
    search_kind = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.render()
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.record_mentions()
            if self.search_kind:
                search.index(self)
        content_changed()

    def delete(self, *args, **kwargs):
        kind, pk = self.search_kind, self.pk
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            if kind:
                search.remove(kind, [pk])
        return result

    @property
    def anchor_prefix(self):
        return self.slug

    def render(self):
        """Markdown to sanitised HTML, citations linked, then whatever else the text links."""
        html = render_markdown(getattr(self, self.source_field), anchor_prefix=self.anchor_prefix)
        self.citations_found = link_citations(html, lookup_cases)
        setattr(self, self.html_field, self.link_more(self.citations_found.html))

    def link_more(self, html):
        """A step for texts that link more than citations (key terms, in the explainer)."""
        return html

    def record_mentions(self):
        found = self.citations_found
        Mention.objects.filter(**{self.mention_source: self}).delete()
        Mention.objects.bulk_create(
            Mention(
                volume=key.volume,
                reporter=key.reporter,
                page=key.page,
                case_id=found.targets[key].case_id if key in found.targets else None,
                linked=bool(key in found.targets and found.targets[key].url),
                **{self.mention_source: self},
            )
            for key in found.mentions
        )

    def refresh_links(self):
        """Render again because a case it cites changed: not an edit, so 'last changed' stays."""
        self.render()
        type(self).objects.filter(pk=self.pk).update(
            **{self.html_field: getattr(self, self.html_field)}
        )
        self.record_mentions()
        content_changed()


def lookup_cases(keys):
    """Where each citation points: {key: Target}, a link only for a public case."""
    targets = {}
    for citation in Citation.objects.for_keys(keys).select_related("case"):
        case = citation.case
        url = case.get_absolute_url() if case.is_public else None
        targets[citation.key] = Target(url=url, case_id=case.pk)
    return targets


def refresh_citing_texts(keys=(), case=None):
    """Render again every text that cites one of `keys` (or `case`), so no link goes stale."""
    keys = set(keys)
    condition = Q(pk__in=[])
    if keys:
        condition |= Mention.key_condition(keys)
    if case is not None and case.pk:
        condition |= Q(case=case)
    refresh_texts_of(Mention.objects.filter(condition))


def refresh_due_links():
    """Link citations of cases whose scheduled publication time has come (nobody saved
    anything when it came, so the texts citing them still show plain text)."""
    refresh_texts_of(Mention.objects.filter(linked=False, case__in=CourtCase.objects.published()))


def refresh_texts_of(mentions):
    querysets = []
    for source in Mention.SOURCES:
        ids = {value for value in mentions.values_list(f"{source}_id", flat=True) if value}
        if ids:
            querysets.append(
                Mention._meta.get_field(source).related_model.objects.filter(pk__in=ids)
            )
    refresh_texts(querysets)


def refresh_texts(querysets):
    """Render these texts again (their links changed, not their words)."""
    for queryset in querysets:
        for text in queryset:
            text.refresh_links()


@reversion.register()
class Court(models.Model):
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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result


# The texts that cite cases: each is a foreign key on Mention.
MENTION_SOURCES = ["introduction", "topic", "faq_item", "citing_case"]

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


class CourtCaseQuerySet(PublishableQuerySet):
    """Bulk changes that alter what a citation links to render the citing texts again."""

    def delete(self):
        return self._then_refresh(super().delete)

    def publish_now(self):
        return self._then_refresh(super().publish_now)

    def unpublish(self):
        return self._then_refresh(super().unpublish)

    def _then_refresh(self, change):
        keys = list(Citation.objects.filter(case__in=self).keys())
        with transaction.atomic():
            result = change()
            refresh_citing_texts(keys)
        return result


@reversion.register(follow=["citations", "topic_links"], exclude=["summary_html"])
class CourtCase(CitingText, Publishable):
    mention_source = "citing_case"
    search_kind = "case"
    source_field, html_field = "summary", "summary_html"

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
        db_index=True,
        help_text="What the decision meant for the official who was sued.",
    )
    topics = models.ManyToManyField(
        "explainer.Topic",
        through="CaseTopic",
        blank=True,
        related_name="cases",
        help_text="The explainer topics this case belongs to.",
    )
    opinion_url = models.URLField(
        "other opinion link",
        blank=True,
        help_text="A link to the opinion at another source. Links to Justia and CourtListener "
        "are made from a U.S. Reports citation without this.",
    )

    objects = CourtCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = "court case"
        indexes = [
            # One for each order the case index offers, after the publish state it filters on
            # and with the publication time it checks, so that the keys of a page of public
            # cases, however deep, are read from the index alone and in order (CaseListView).
            models.Index(
                fields=["status", "-year", "name", "published_at"], name="case_newest_first"
            ),
            models.Index(
                fields=["status", "year", "name", "published_at"], name="case_oldest_first"
            ),
            models.Index(fields=["status", "name", "-year", "published_at"], name="case_by_name"),
            # The count of public cases, from the index alone (through the published_at index
            # it looked up every row: 2 ms of an index page at 10,000 cases, now 0.5 ms).
            models.Index(fields=["status", "published_at"], name="case_public"),
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

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            # Its address, its publish state or its existence may have changed.
            refresh_citing_texts(self.citations.keys(), case=self)

    def get_absolute_url(self):
        return reverse("cases:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        keys = list(self.citations.keys())
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            refresh_citing_texts(keys)
        return result

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


@reversion.register()
class CaseTopic(models.Model):
    """A case's place under an explainer topic (kept in history with the case and the topic)."""

    case = models.ForeignKey(
        CourtCase, on_delete=models.CASCADE, related_name="topic_links", db_column="courtcase_id"
    )
    topic = models.ForeignKey(
        "explainer.Topic",
        on_delete=models.CASCADE,
        related_name="case_links",
        help_text="An explainer topic this case belongs to.",
    )

    class Meta:
        # The table Django made for the plain many-to-many field this model replaced.
        db_table = "cases_courtcase_topics"
        unique_together = [("case", "topic")]
        ordering = ["id"]
        verbose_name = "topic"

    def __str__(self):
        return f"{self.case} under {self.topic}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result


class CitationQuerySet(models.QuerySet):
    def for_keys(self, keys):
        keys = list(keys)
        return self.filter(Mention.key_condition(keys)) if keys else self.none()

    def keys(self):
        return [
            CitationKey(volume, reporter, page)
            for volume, reporter, page in self.values_list("volume", "reporter", "page")
        ]


@reversion.register()
class Citation(models.Model):
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

    def save(self, *args, **kwargs):
        keys = {self.key}
        if self.pk:
            keys.update(Citation.objects.filter(pk=self.pk).keys())
        with transaction.atomic():
            super().save(*args, **kwargs)
            refresh_citing_texts(keys)
            search.index(self.case)
        content_changed()

    def get_absolute_url(self):
        return self.case.get_absolute_url()

    def delete(self, *args, **kwargs):
        key, case = self.key, self.case
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            refresh_citing_texts([key])
            if CourtCase.objects.filter(pk=case.pk).exists():
                search.index(case)
        content_changed()
        return result

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


class Mention(models.Model):
    """
    A citation found in one text (the introduction, a topic, an FAQ answer or a case summary),
    with the case it names when that case is in the index. Written when the text is saved.
    """

    SOURCES = MENTION_SOURCES

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
    introduction = models.ForeignKey(
        "explainer.Introduction",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citation_mentions",
    )
    topic = models.ForeignKey(
        "explainer.Topic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citation_mentions",
    )
    faq_item = models.ForeignKey(
        "explainer.FAQItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citation_mentions",
    )
    citing_case = models.ForeignKey(
        CourtCase,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citation_mentions",
    )

    class Meta:
        ordering = ["volume", "reporter", "page"]
        indexes = [models.Index(fields=["volume", "reporter", "page"], name="mention_key")]
        constraints = [
            models.CheckConstraint(
                condition=reduce(
                    or_,
                    (
                        Q(**{f"{name}__isnull": name != chosen for name in MENTION_SOURCES})
                        for chosen in MENTION_SOURCES
                    ),
                ),
                name="mention_has_one_source",
            ),
        ]

    def __str__(self):
        return f"{self.volume} {self.reporter} {self.page}"

    @staticmethod
    def key_condition(keys):
        return reduce(
            or_, (Q(volume=key.volume, reporter=key.reporter, page=key.page) for key in keys)
        )
