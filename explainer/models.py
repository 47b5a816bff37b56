import reversion
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from cases.models import CitingText
from explainer.publishing import ContentQuerySet, Publishable, Reviewable, published_condition


# Rendered HTML is left out of history: restoring a version renders it again.
@reversion.register(exclude=["body_html"])
class Introduction(CitingText):
    """The portal's title and the opening text at the top of the explainer."""

    mention_source = "introduction"

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
class Topic(CitingText, Reviewable, Publishable):
    """One section of the explainer."""

    mention_source = "topic"

    title = models.CharField(max_length=200, help_text="The section's heading, as readers see it.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="The end of the topic's address (/topics/the-slug/) and its anchor on the "
        "explainer. Lowercase letters, numbers and hyphens.",
    )
    position = models.PositiveIntegerField(
        default=0,
        db_index=True,
        help_text="Order on the explainer: lower numbers come first.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One plain sentence (no Markdown), shown in the table of contents and as the "
        "page's description in search results.",
    )
    body = MarkdownxField(help_text="The section's text, in Markdown.")
    body_html = models.TextField(editable=False, default="")

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        permissions = [("upload_image", "Can upload images in the Markdown editor")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("explainer:topic", kwargs={"slug": self.slug})


class FAQItemQuerySet(ContentQuerySet):
    def published(self):
        """An answer is public while it and its topic are."""
        return self.filter(published_condition() & published_condition("topic__"))


@reversion.register(exclude=["answer_html"])
class FAQItem(CitingText, Reviewable, Publishable):
    """A question a reader might ask, answered in a few sentences."""

    mention_source = "faq_item"
    source_field, html_field = "answer", "answer_html"

    question = models.CharField(max_length=300, help_text="The question, as a reader would ask it.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
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
