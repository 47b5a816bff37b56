from django.contrib import admin, messages
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from explainer.models import FAQItem, Introduction, Topic

TIMESTAMPS = ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]})


class MarkdownEditorMixin:
    """
    The markdownx editor, with its live preview, for every Markdown field; and a warning, after
    saving, about citations that are not in the case index yet.
    """

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}

    class Media:
        css = {"all": ["editor/editor.css"]}
        js = ["editor/editor.js"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        unmatched = obj.citations_found.unmatched
        if unmatched:
            self.message_user(
                request,
                "Saved, but these citations are not in the case index, so they are not links: "
                f"{'; '.join(map(str, unmatched))}. They become links once their cases are added.",
                messages.WARNING,
            )


class PublishableAdmin(MarkdownEditorMixin, admin.ModelAdmin):
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(boolean=True, description="public")
    def public(self, obj):
        return obj.is_public


@admin.register(Introduction)
class IntroductionAdmin(MarkdownEditorMixin, admin.ModelAdmin):
    """One introduction: it can be changed, not added twice or deleted."""

    list_display = ["title", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Introduction.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    list_display = ["title", "position", "public", "status", "published_at", "last_reviewed"]
    list_display_links = ["title"]
    list_filter = ["status", "last_reviewed"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "position", "last_reviewed"]}),
        TIMESTAMPS,
    ]


@admin.register(FAQItem)
class FAQItemAdmin(PublishableAdmin):
    list_display = ["question", "topic", "position", "public", "status", "published_at"]
    list_filter = ["status", "topic"]
    list_select_related = ["topic"]
    search_fields = ["question", "answer"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topic"]
    fieldsets = [
        (None, {"fields": ["question", "slug", "topic", "answer"]}),
        ("Publishing", {"fields": ["status", "published_at", "position"]}),
        TIMESTAMPS,
    ]
