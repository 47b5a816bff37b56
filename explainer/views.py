import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import strip_tags
from django.views.generic import DetailView, ListView, TemplateView

from cases import timeline
from cases.models import CourtCase, Mention
from explainer.models import CaseTopic, FAQItem, GlossaryTerm, Introduction, Topic
from laws.models import Law
from qiportal import search
from qiportal.database import prefetch_in_chunks
from qiportal.models import SearchEntry
from qiportal.parameters import QueryParameters, choice, page_number, text
from qiportal.seo import PageMetaMixin, organisation
from qiportal.views import StaffPreviewMixin, shown


class ExplainerView(PageMetaMixin, TemplateView):
    template_name = "explainer/explainer.html"
    query_parameters = QueryParameters()

    def get_context_data(self, **kwargs):
        self.introduction = Introduction.objects.first()
        return super().get_context_data(
            introduction=self.introduction,
            topics=Topic.objects.published(),
            **kwargs,
        )

    def get_page_title(self):
        return self.introduction.title if self.introduction else None

    def get_structured_data(self):
        search_url = self.request.build_absolute_uri(reverse("explainer:search"))
        return [
            {
                "@type": "WebSite",
                "name": organisation()["name"],
                "url": self.request.build_absolute_uri("/"),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": f"{search_url}?q={{search_term_string}}",
                    "query-input": "required name=search_term_string",
                },
            }
        ]


class TopicDetailView(PageMetaMixin, StaffPreviewMixin, DetailView):
    model = Topic
    context_object_name = "topic"
    og_type = "article"
    query_parameters = QueryParameters()

    def get_context_data(self, **kwargs):
        topic = self.object
        previous_topic, next_topic = self.neighbours(topic)
        # A topic may cite more cases than one query may name (prefetch_in_chunks).
        cases = prefetch_in_chunks(
            CourtCase.objects.published()
            .annotate(
                cited_here=Exists(
                    Mention.objects.filter(Mention.in_text(topic), case=OuterRef("pk"))
                ),
                on_topic=Exists(CaseTopic.objects.filter(case=OuterRef("pk"), topic=topic)),
            )
            .filter(Q(cited_here=True) | Q(on_topic=True))
            .select_related("court"),
            "citations",
        )
        return super().get_context_data(
            timeline_picture=timeline.recent(*timeline.content()) if topic.shows_timeline else None,
            faq_items=topic.faq_items.published().order_by("position", "id"),
            laws=Law.objects.published()
            .filter(topic_links__topic=topic)
            .select_related("jurisdiction"),
            cited_cases=[case for case in cases if case.cited_here],
            other_cases=[case for case in cases if not case.cited_here],
            previous_topic=previous_topic,
            next_topic=next_topic,
            page_url=self.request.build_absolute_uri(topic.get_absolute_url()),
            **kwargs,
        )

    @staticmethod
    def neighbours(topic):
        """The published topics just before and after this one (a draft has them too)."""
        here = (topic.position, topic.id)
        public = Topic.objects.published().only("slug", "title", "position")
        before = [other for other in public if (other.position, other.id) < here]
        after = [other for other in public if (other.position, other.id) > here]
        return (before[-1] if before else None), (after[0] if after else None)

    def get_page_title(self):
        return self.object.title

    def get_page_description(self):
        return self.object.summary

    def get_breadcrumbs(self):
        return [("Explainer", reverse("explainer:index")), (self.object.title, self.request.path)]

    def get_structured_data(self):
        topic = self.object
        return [
            {
                "@type": "Article",
                "headline": topic.title[:110],
                "description": topic.summary,
                "datePublished": topic.published_at.isoformat(),
                "dateModified": topic.updated_at.isoformat(),
                "mainEntityOfPage": self.request.build_absolute_uri(topic.get_absolute_url()),
                "author": organisation(),
                "publisher": organisation(),
                "inLanguage": "en-US",
            }
        ]


class FAQView(PageMetaMixin, TemplateView):
    """Every answer, grouped by topic. Staff who may see topics and answers in the admin also
    see their drafts, each marked as such."""

    template_name = "explainer/faq.html"
    query_parameters = QueryParameters()
    page_title = "Questions and answers"
    page_description = (
        "Short answers to common questions about qualified immunity and Colorado Senate Bill "
        "20-217."
    )

    def get_context_data(self, **kwargs):
        topics, items = (
            shown(self.request, Topic.objects.all()),
            shown(self.request, FAQItem.objects.all()),
        )
        self.topics = (
            topics.filter(faq_items__in=items)
            .distinct()
            .prefetch_related(
                Prefetch("faq_items", queryset=items.order_by("position", "id"), to_attr="answers")
            )
        )
        return super().get_context_data(topics=self.topics, **kwargs)

    def get_breadcrumbs(self):
        return [("Explainer", reverse("explainer:index")), (self.page_title, self.request.path)]

    def get_structured_data(self):
        public = [item for topic in self.topics for item in topic.answers if item.is_public]
        # The answers' plain text, worked out when they were saved, for the search.
        texts = dict(
            SearchEntry.objects.filter(
                kind="faq", object_id__in=[item.pk for item in public]
            ).values_list("object_id", "body")
        )
        questions = [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": texts.get(item.pk, "")},
            }
            for item in public
        ]
        return [{"@type": "FAQPage", "mainEntity": questions}] if questions else []


class GlossaryView(PageMetaMixin, ListView):
    template_name = "explainer/glossary.html"
    context_object_name = "terms"
    page_title = "Key terms"
    page_description = "Plain-language definitions of the legal terms used in this explainer."
    query_parameters = QueryParameters()

    def get_queryset(self):
        return GlossaryTerm.objects.published()

    def get_breadcrumbs(self):
        return [("Explainer", reverse("explainer:index")), (self.page_title, self.request.path)]

    def get_structured_data(self):
        return [
            {
                "@type": "DefinedTermSet",
                "name": self.page_title,
                "hasDefinedTerm": [
                    {
                        "@type": "DefinedTerm",
                        "name": term.term,
                        "description": strip_tags(term.definition_html).strip(),
                        "url": self.request.build_absolute_uri(term.get_absolute_url()),
                    }
                    for term in self.object_list
                ],
            }
        ]


def words_searched(value):
    """The words of a search, without the characters no one types on purpose (NUL, and the
    engines' highlight markers), which the search drops."""
    return text(re.sub(r"[\x00\ue000\ue001]", "", value))


class SearchView(PageMetaMixin, TemplateView):
    """Full-text search over published topics, answers and cases (see qiportal.search)."""

    template_name = "explainer/search.html"
    page_title = "Search"
    indexable = False
    # Words in any spacing are the same search. Not in any case: "555 US 223" finds its case by
    # the citation, "555 us 223" does not.
    query_parameters = QueryParameters(q=words_searched, kind=choice, page=page_number)

    def get(self, request, *args, **kwargs):
        self.typed = request.GET.get("q", "")
        self.kind = request.GET.get("kind", "")
        response = super().get(request, *args, **kwargs)
        page = response.context_data["page_obj"]
        if (
            len(self.typed) > search.MAX_QUERY_LENGTH
            or self.kind not in ("", *search.kind_plurals())
            or str(page.number) != request.GET.get("page", "1")
        ):
            # The page of another address (shortened, every kind for one that is not a kind, or
            # a page number out of range): served, not cached, so such variants never fill the
            # cache.
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        plurals = search.kind_plurals()
        kind = self.kind if self.kind in plurals else None
        results = search.Results(self.typed, kind)
        paginator = Paginator(results, search.RESULTS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        counts = results.counts()
        return super().get_context_data(
            query=results.text,
            shortened=len(self.typed.strip()) > search.MAX_QUERY_LENGTH,
            hits=page.object_list,
            total=paginator.count,
            total_all=sum(counts.values()),
            kind_counts=[
                (
                    searchable.label if counts[searchable.kind] == 1 else plurals[searchable.kind],
                    counts[searchable.kind],
                )
                for searchable in search.searchables()
                if counts.get(searchable.kind)
            ],
            # Show one kind: (what they are called, its address, whether it is shown now).
            kinds=[
                (
                    plural,
                    "?" + urlencode({"q": results.text, **({"kind": each} if each else {})}),
                    each == (kind or ""),
                )
                for each, plural in [("", "All"), *plurals.items()]
                if not each or counts.get(each)
            ],
            kind_shown=plurals.get(kind, ""),
            page_obj=page,
            paginator=paginator,
            is_paginated=paginator.num_pages > 1,
            query_string=urlencode({"q": results.text, **({"kind": kind} if kind else {})}),
            **kwargs,
        )

    def get_page_title(self):
        query = self.typed.strip()
        return f"Search: {query[:60]}" if query else "Search"

    def get_breadcrumbs(self):
        return [("Explainer", reverse("explainer:index")), ("Search", reverse("explainer:search"))]
