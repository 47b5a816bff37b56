from django.contrib import admin
from django.db.models import Case, Q, Value, When

from cases.admin import CourtCaseAdmin
from cases.models import CourtCase
from explainer.models import CaseTopic, FAQItem, GlossaryTerm, Introduction, LawTopic, Topic
from laws.admin import LawAdmin
from laws.models import Law
from qiportal.admin import (
    TIMESTAMPS,
    ConcurrentEditForm,
    DragAndDropOrder,
    HistoryAdmin,
    MarkdownEditorMixin,
    NeedsReviewFilter,
    PublishableAdmin,
    PublishStateFilter,
    PublishStateWithHiddenFilter,
    ReviewMixin,
    WorkingCopyAdmin,
)


@admin.register(Introduction)
class IntroductionAdmin(WorkingCopyAdmin, MarkdownEditorMixin, HistoryAdmin):
    """One introduction: it can be changed, not added twice or deleted."""

    form = ConcurrentEditForm
    list_display = ["title", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Introduction.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(DragAndDropOrder, ReviewMixin, PublishableAdmin):
    list_display = ["title", "state", "last_reviewed", "updated_at"]
    list_display_links = ["title"]
    list_filter = [PublishStateFilter, NeedsReviewFilter]
    search_fields = ["title", "summary", "body"]

    hides_with_it = "its answers are"

    def get_search_results(self, request, queryset, search_term):
        """Topics whose title holds the words come first: the topic picker on an answer's,
        a case's or a law's form offers them first, and Enter takes the first."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            in_title = Q()
            for word in search_term.split():
                in_title &= Q(title__icontains=word)
            first = Case(When(in_title, then=Value(0)), default=Value(1))
            results = results.order_by(first, "position")
        return results, may_have_duplicates

    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish_now", "unpublish", "mark_reviewed"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "summary", "body", "shows_timeline", "opened_version"]},
        ),
        ("Publishing", {"fields": ["status", "published_at", "last_reviewed"]}),
        TIMESTAMPS,
    ]


@admin.register(FAQItem)
class FAQItemAdmin(DragAndDropOrder, ReviewMixin, PublishableAdmin):
    list_display = ["question", "state", "topic", "last_reviewed", "updated_at"]
    list_display_links = ["question"]
    list_filter = [PublishStateWithHiddenFilter, NeedsReviewFilter, "topic"]
    list_select_related = ["topic"]
    search_fields = ["question", "answer"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topic"]
    actions = ["publish_now", "unpublish", "mark_reviewed"]

    fieldsets = [
        (None, {"fields": ["question", "slug", "topic", "answer", "opened_version"]}),
        ("Publishing", {"fields": ["status", "published_at", "last_reviewed"]}),
        TIMESTAMPS,
    ]

    def hidden_because(self, obj):
        if obj.topic.is_public:
            return None
        return "its topic is scheduled" if obj.topic.is_scheduled else "its topic is a draft"


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(PublishableAdmin):
    list_display = ["term", "state", "updated_at"]
    list_filter = [PublishStateFilter]
    search_fields = ["term", "variants", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    fieldsets = [
        (None, {"fields": ["term", "slug", "variants", "definition", "opened_version"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
        TIMESTAMPS,
    ]


class CaseTopicInline(admin.TabularInline):
    model = CaseTopic
    extra = 1
    autocomplete_fields = ["topic"]
    verbose_name = "topic"
    verbose_name_plural = "topics this case belongs to"


# The case form gets the topics a case belongs to: the explainer files cases under its topics.
admin.site.unregister(CourtCase)


@admin.register(CourtCase)
class CourtCaseWithTopicsAdmin(CourtCaseAdmin):
    inlines = [*CourtCaseAdmin.inlines, CaseTopicInline]


class LawTopicInline(admin.TabularInline):
    model = LawTopic
    extra = 1
    autocomplete_fields = ["topic"]
    verbose_name = "topic"
    verbose_name_plural = "topics this law belongs to (each topic links to it: “Read the law”)"


# The law form gets the topics a law belongs to, as the case form gets a case's.
admin.site.unregister(Law)


@admin.register(Law)
class LawWithTopicsAdmin(LawAdmin):
    inlines = [*LawAdmin.inlines, LawTopicInline]
