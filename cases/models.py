import re

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from explainer.models import Publishable
from qiportal.markup import render_markdown

# The Supreme Court first sat in 1790; nothing in the index can be older or far in the future.
FIRST_YEAR = 1789
LAST_YEAR = 2100


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


class CourtCase(Publishable):
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
    topics = models.ManyToManyField(
        "explainer.Topic",
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

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = "court case"
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
        self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:detail", kwargs={"slug": self.slug})

    def render(self):
        self.summary_html = render_markdown(self.summary, anchor_prefix=self.slug)

    @property
    def primary_citation(self):
        """The first citation (uses prefetched citations when there are some)."""
        citations = self.citations.all()
        return citations[0] if citations else None

    def opinion_links(self):
        """(label, url) pairs for the opinion: derived from U.S. Reports, then the editor's."""
        links = [link for citation in self.citations.all() for link in citation.opinion_links()]
        if self.opinion_url:
            links.append(("Opinion", self.opinion_url))
        return links


class Citation(models.Model):
    """One published location of a decision: volume, reporter and first page."""

    US_REPORTS = "U.S."
    PATTERN = re.compile(r"^(?P<volume>\d+)\s+(?P<reporter>[A-Za-z][\w. ]*?)\s+(?P<page>\d+)$")

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

    @classmethod
    def parse(cls, text):
        """'555 U.S. 223' -> {"volume": 555, "reporter": "U.S.", "page": 223}."""
        match = cls.PATTERN.match(" ".join(text.split()))
        if not match:
            raise ValueError(f"{text!r} is not a citation of the form '555 U.S. 223'.")
        return {
            "volume": int(match["volume"]),
            "reporter": match["reporter"],
            "page": int(match["page"]),
        }

    def opinion_links(self):
        if self.reporter != self.US_REPORTS:
            return []
        return [
            ("Justia", f"https://supreme.justia.com/cases/federal/us/{self.volume}/{self.page}/"),
            ("CourtListener", f"https://www.courtlistener.com/c/U.S./{self.volume}/{self.page}/"),
        ]
