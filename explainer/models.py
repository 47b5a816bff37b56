import reversion
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from cases.models import CourtCase
from explainer import glossary
from laws.models import Law
from qiportal.anchors import not_a_page_id
from qiportal.changes import Content
from qiportal.publishing import (
    Approvable,
    Publishable,
    PublishableQuerySet,
    PublishedAndReviewedQuerySet,
    Reviewable,
    published_condition,
)
from qiportal.texts import RenderedText


# Rendered HTML is left out of history: restoring a version renders it again.
@reversion.register(exclude=["body_html"])
class Introduction(RenderedText, Approvable, Content):
    """The portal's title and the opening text at the top of the explainer."""

    text_links = ("citations",)

    title = models.CharField(
        max_length=200,
        help_text="The portal's main heading, at the top of the explainer.",
    )
    body = MarkdownxField(
        help_text="The opening paragraphs, in Markdown, shown above the table of contents.",
    )
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "introduction"
        verbose_name_plural = "introduction"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("explainer:index")

    @property
    def anchor_prefix(self):
        return "introduction"


@reversion.register(follow=["case_links"], exclude=["body_html"])
class Topic(RenderedText, Reviewable, Publishable):
    """One section of the explainer."""

    text_links = ("citations", "key-terms")

    title = models.CharField(max_length=200, help_text="The section's heading, as readers see it.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[not_a_page_id],
        help_text="The end of the topic's address (/topics/the-slug/) and its anchor on the "
        "explainer. Lowercase letters, numbers and hyphens.",
    )
    position = models.PositiveIntegerField(
        default=0,
        db_index=True,
        help_text="Order on the explainer: lower numbers come first.",
    )
    # The order set by dragging: restoring a version or publishing a working copy leaves it.
    history_keeps = ("position",)
    summary = models.CharField(
        max_length=300,
        help_text="One plain sentence (no Markdown), shown in the table of contents and as the "
        "page's description in search results.",
    )
    body = MarkdownxField(help_text="The section's text, in Markdown.")
    body_html = models.TextField(editable=False, default="")
    shows_timeline = models.BooleanField(
        "show the timeline",
        default=False,
        help_text="Show a picture of the timeline's most recent part on this topic's page, "
        "linked to the whole timeline.",
    )
    cases = models.ManyToManyField(
        CourtCase,
        through="CaseTopic",
        blank=True,
        related_name="topics",
        help_text="The cases in the case index that belong to this topic.",
    )

    objects = PublishedAndReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        permissions = [("upload_image", "Can upload images in the Markdown editor")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("explainer:topic", kwargs={"slug": self.slug})

    def search_document(self):
        return {"title": self.title, "body": f"{self.summary}\n{self.body_html}"}


class FAQItemQuerySet(PublishedAndReviewedQuerySet):
    def published(self):
        """An answer is public while it and its topic are."""
        return self.filter(published_condition() & published_condition("topic__"))


@reversion.register(exclude=["answer_html"])
class FAQItem(RenderedText, Reviewable, Publishable):
    """A question a reader might ask, answered in a few sentences."""

    text_source, text_html = "answer", "answer_html"
    text_links = ("citations", "key-terms")

    question = models.CharField(max_length=300, help_text="The question, as a reader would ask it.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[not_a_page_id],
        help_text="The answer's anchor on the FAQ page (/faq/#the-slug), for links to one answer.",
    )
    answer = MarkdownxField(help_text="The answer, in Markdown. Keep it short and plain.")
    answer_html = models.TextField(editable=False, default="")
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="faq_items",
        help_text="The topic this question is listed under.",
    )
    position = models.PositiveIntegerField(
        default=0,
        db_index=True,
        help_text="Order within its topic: lower numbers come first.",
    )
    # The order set by dragging: restoring a version or publishing a working copy leaves it.
    history_keeps = ("position",)

    objects = FAQItemQuerySet.as_manager()

    class Meta:
        # Drag and drop in the admin sets `position`; the FAQ page groups by topic.
        ordering = ["position", "id"]
        verbose_name = "FAQ item"
        verbose_name_plural = "FAQ items"

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return f"{reverse('explainer:faq')}#{self.slug}"

    @property
    def is_public(self):
        return super().is_public and self.topic.is_public

    @property
    def anchor_prefix(self):
        # An answer is shown on its topic's page, and may share the topic's slug: its anchors
        # (footnotes, key-term definitions) must not take the topic's ids.
        return f"faq-{self.slug}"

    def search_document(self):
        """Public only while its topic is: the later of the two publication times counts."""
        public = self.status == "published" and self.topic.status == "published"
        return {
            "title": self.question,
            "body": self.answer_html,
            "status": "published" if public else "draft",
            "published_at": max(self.published_at, self.topic.published_at),
        }


class ShippedItem(models.Model):
    """
    A record that the load command has created one item of the shipped content.

    The command never creates an item twice, so an item that staff deleted stays deleted and
    an item that staff edited is never touched again.
    """

    key = models.CharField(max_length=200, unique=True, help_text="Kind and slug, e.g. 'topic:x'.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.key


@reversion.register(exclude=["definition_html"])
class GlossaryTerm(RenderedText, Publishable):
    """A word or phrase a reader may not know, defined in plain language. Every text that
    runs the "key-terms" linker links its first use (explainer.linking)."""

    text_source, text_html = "definition", "definition_html"

    term = models.CharField(
        max_length=100, unique=True, help_text="The term as readers meet it, e.g. 'good faith'."
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[not_a_page_id],
        help_text="Its anchor on the key terms page (/glossary/#the-slug).",
    )
    variants = models.TextField(
        "other forms",
        blank=True,
        help_text="Other ways the term is written that should link to it too, one per line "
        "(plurals, e.g. 'peace officers').",
    )
    definition = MarkdownxField(
        help_text="A plain-language definition, in Markdown: one to three short sentences. "
        "Use the explainer's own words where it defines the term."
    )
    definition_html = models.TextField(editable=False, default="")

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        verbose_name = "key term"

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return f"{reverse('explainer:glossary')}#{self.slug}"

    @property
    def anchor_prefix(self):
        return f"term-{self.slug}"

    @property
    def forms(self):
        return (self.term, *(line.strip() for line in self.variants.splitlines() if line.strip()))

    def as_term(self):
        return glossary.Term(
            term=self.term,
            slug=self.slug,
            forms=self.forms,
            definition_html=self.definition_html,
            url=self.get_absolute_url(),
        )


@reversion.register()
class CaseTopic(Content):
    """A case's place under a topic (kept in history with the case and with the topic)."""

    case = models.ForeignKey(
        CourtCase, on_delete=models.CASCADE, related_name="topic_links", db_column="courtcase_id"
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        related_name="case_links",
        help_text="An explainer topic this case belongs to.",
    )

    class Meta:
        # The table Django made for the many-to-many field this model replaced, when it was the
        # case index's; the model moved to the explainer, the table stayed.
        db_table = "cases_courtcase_topics"
        unique_together = [("case", "topic")]
        ordering = ["id"]
        # Named as the link it is: deleting a case lists "Links between cases and topics: 2",
        # not "Topics: 2", which reads as if the topics went too.
        verbose_name = "link between a case and a topic"
        verbose_name_plural = "links between cases and topics"

    def __str__(self):
        return f"{self.case} under {self.topic}"


@reversion.register()
class LawTopic(Content):
    """A law's place under a topic: the topic links to it ("Read the law"), the law's page to
    the topic. Kept in history with the law."""

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        related_name="law_links",
        help_text="An explainer topic this law belongs to.",
    )

    class Meta:
        unique_together = [("law", "topic")]
        ordering = ["id"]
        verbose_name = "link between a law and a topic"
        verbose_name_plural = "links between laws and topics"

    def __str__(self):
        return f"{self.law} under {self.topic}"


def topics_of_law(law):
    """(title, address) of the public topics a law belongs under (laws.extensions)."""
    return [
        (topic.title, topic.get_absolute_url())
        for topic in Topic.objects.published().filter(law_links__law=law).order_by("position")
    ]
