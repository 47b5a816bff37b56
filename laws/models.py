"""
State and local laws (and federal bills) that bar, limit or leave qualified immunity in place,
and bills that were not enacted: what each says, answer by answer, each answer either verified
with the source that supports it or shown as "not yet verified", never guessed.
"""

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from qiportal.changes import Content
from qiportal.publishing import Publishable
from qiportal.texts import RenderedText

NOT_VERIFIED = "not yet verified"


class JurisdictionKind(models.TextChoices):
    STATE = "state", "State"
    CITY = "city", "City"
    FEDERAL = "federal", "Federal"


@reversion.register()
class Jurisdiction(Content):
    """Where a law applies: a state (or DC), a city, or the United States."""

    # The states, DC, New York City and the United States are made by a migration: an empty
    # installation has them, and a restore puts the backup's in their place (qiportal.backup).
    made_by_migrations = True

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=JurisdictionKind.choices)
    postal_code = models.CharField(
        max_length=2,
        blank=True,
        help_text="For a state or DC: its two-letter postal code, e.g. 'CO'.",
    )
    state = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A state goes only with its cities (as when a restore replaces them all).
        on_delete=models.RESTRICT,
        related_name="cities",
        limit_choices_to={"kind": JurisdictionKind.STATE},
        help_text="For a city: the state it is in (its map tile shows the city too).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["postal_code"],
                condition=~Q(postal_code=""),
                name="unique_postal_code",
                violation_error_message="Another jurisdiction has this postal code.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == JurisdictionKind.STATE and len(self.postal_code) != 2:
            raise ValidationError({"postal_code": "A state needs its two-letter postal code."})
        if self.kind == JurisdictionKind.CITY and self.state_id is None:
            raise ValidationError({"state": "Say which state the city is in."})


class LawStatus(models.TextChoices):
    ENACTED = "enacted", "Enacted"
    NOT_ENACTED = "not-enacted", "Not enacted"
    NOT_VERIFIED = "not-verified", "Not yet verified"


class ImmunityEffect(models.TextChoices):
    """What the law does to qualified immunity: the map colours each state by it."""

    BARRED = "barred", "Barred"
    LIMITED = "limited", "Limited"
    NOT_CHANGED = "not-changed", "Not changed"
    NOT_VERIFIED = "not-verified", "Not yet verified"


class WhoMayBeSued(models.TextChoices):
    OFFICERS = "officers", "Officers"
    PUBLIC_BODIES = "public-bodies", "Public bodies"
    BOTH = "both", "Officers and public bodies"
    NOT_VERIFIED = "not-verified", "Not yet verified"


@reversion.register(follow=["answers", "sources"], exclude=["summary_html"])
class Law(RenderedText, Publishable):
    """A law or a bill, in one jurisdiction."""

    text_source, text_html = "summary", "summary_html"
    text_links = ("citations", "key-terms")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="laws")
    title = models.CharField(
        max_length=300,
        help_text="The law's name as the source gives it, e.g. 'Senate Bill 20-217'.",
    )
    short_name = models.CharField(max_length=60, help_text="As readers cite it, e.g. 'SB 20-217'.")
    slug = models.SlugField(max_length=100, unique=True, help_text="The end of its address.")
    citation = models.CharField(
        max_length=300, blank=True, help_text="Statute sections, e.g. 'C.R.S. § 13-21-131'."
    )
    enactment = models.CharField(
        "enacted?", max_length=20, choices=LawStatus.choices, default=LawStatus.NOT_VERIFIED
    )
    stopped_at = models.CharField(
        "where it stopped",
        max_length=300,
        blank=True,
        help_text="For a bill not enacted: the step where it stopped, as the record says it.",
    )
    signed_on = models.DateField("signed", null=True, blank=True)
    effective_on = models.DateField("effective", null=True, blank=True)
    dates_note = models.CharField(
        "about the dates",
        max_length=500,
        blank=True,
        help_text="What is known of a date that is not verified, and who says it.",
    )
    qualified_immunity = models.CharField(
        "what it does to qualified immunity",
        max_length=20,
        choices=ImmunityEffect.choices,
        default=ImmunityEffect.NOT_VERIFIED,
    )
    who_may_be_sued = models.CharField(
        max_length=20, choices=WhoMayBeSued.choices, default=WhoMayBeSued.NOT_VERIFIED
    )
    summary = MarkdownxField(blank=True, help_text="A short, neutral summary, in Markdown.")
    summary_html = models.TextField(editable=False, default="")
    notes = models.TextField(blank=True, help_text="Later bills, amendments, court rulings.")
    last_verified = models.DateField(
        null=True, blank=True, help_text="When an editor last checked it against its sources."
    )
    cases = models.ManyToManyField(
        "cases.CourtCase",
        blank=True,
        related_name="laws",
        help_text="Cases in the index that bear on this law.",
    )

    class Meta:
        ordering = ["jurisdiction__name", "enactment", "short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "short_name"],
                name="unique_law_short_name",
                violation_error_message="This jurisdiction already has a law with this short name.",
            ),
        ]

    def __str__(self):
        return f"{self.jurisdiction}: {self.short_name}"

    @property
    def anchor_prefix(self):
        return f"law-{self.slug}"

    def get_absolute_url(self):
        return reverse("laws:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.signed_on and self.effective_on and self.effective_on < self.signed_on:
            raise ValidationError(
                {
                    "effective_on": f"It is before the signing date ({self.signed_on:%-d %B %Y}): "
                    "a law takes effect when or after it is signed."
                }
            )
        if self.enactment == LawStatus.NOT_ENACTED and (self.signed_on or self.effective_on):
            raise ValidationError("A law that was not enacted has no signing or effective date.")

    @property
    def immunity_text(self):
        """'Barred', or for a bill that was not enacted, 'Would have barred'."""
        label = self.get_qualified_immunity_display()
        if self.enactment == LawStatus.NOT_ENACTED and self.qualified_immunity in (
            ImmunityEffect.BARRED,
            ImmunityEffect.LIMITED,
        ):
            return f"Would have {label.lower()}"
        return label

    def search_document(self):
        return {
            "title": f"{self.title} ({self.short_name})",
            "citations": self.citation,
            "body": f"{self.jurisdiction.name}\n{self.summary_html}",
        }


class Question(models.TextChoices):
    """What readers ask of each law, in the order the page answers."""

    WHO = "who-may-be-sued", "Who may be sued"
    IMMUNITY = "qualified-immunity", "Qualified immunity"
    SHARE = "officer-share", "The officer's personal share"
    CAP = "damages-cap", "Damages cap"
    FEES = "attorney-fees", "Attorney fees"
    LIMITATIONS = "limitations-period", "Limitations period"


@reversion.register()
class LawSource(Content):
    """Where a fact about a law can be checked."""

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(
        "address",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="An http or https address.",
    )
    title = models.CharField(max_length=200, help_text="What it is, e.g. 'The bill's page'.")
    supports = models.CharField(
        "what it supports", max_length=300, blank=True, help_text="Which facts it confirms."
    )
    secondary = models.BooleanField(
        default=False,
        help_text="News, a law firm, an advocacy group or a tracker: not a primary source.",
    )

    class Meta:
        ordering = ["secondary", "id"]

    def __str__(self):
        return self.title


@reversion.register()
class LawAnswer(Content):
    """One answer a reader looks for (who may be sued, the damages cap...): verified, with the
    source that supports it, or not yet verified, never guessed."""

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=30, choices=Question.choices)
    verified = models.BooleanField(
        default=False, help_text="Confirmed by a primary source (the statute, the bill, a court)."
    )
    answer = models.TextField(
        blank=True, help_text="What the law says, in its own words where they matter."
    )
    source_url = models.URLField(
        "source",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="The http or https address that supports it; required when verified.",
    )
    source_title = models.CharField(
        "source's name", max_length=200, blank=True, help_text="e.g. 'C.R.S. § 13-21-131(2)(b)'."
    )
    secondary = models.TextField(
        "what others say",
        blank=True,
        help_text="What a named secondary source says where nothing is verified, e.g. "
        "'Mabel Nash Greenberg says …'. Shown only as what that source says.",
    )

    class Meta:
        ordering = ["law", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["law", "question"],
                name="unique_law_answer",
                violation_error_message="This law already answers this question.",
            ),
        ]

    def __str__(self):
        return f"{self.law}: {self.get_question_display()}"

    def clean(self):
        super().clean()
        errors = {}
        if self.verified and not self.source_url:
            errors["source_url"] = "A verified answer needs the source that supports it."
        if self.verified and not self.answer.strip():
            errors["answer"] = "Give the verified answer, or untick Verified."
        if errors:
            raise ValidationError(errors)


class ShippedLaw(models.Model):
    """A law of the shipped content that was loaded once (`load_laws`): never loaded again,
    even after staff delete it."""

    key = models.CharField(max_length=200, unique=True)

    def __str__(self):
        return self.key
