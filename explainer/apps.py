from django.apps import AppConfig


class ExplainerConfig(AppConfig):
    name = "explainer"
    verbose_name = "Explainer"

    def ready(self):
        from django.utils.html import escape

        from cases import extensions
        from cases.models import CourtCase
        from explainer import content
        from explainer.facets import TopicFacet
        from explainer.glossary import without_popovers
        from explainer.linking import KeyTermLinker
        from explainer.models import FAQItem, Topic, topics_of_law
        from laws import extensions as law_extensions
        from laws.models import Law
        from qiportal import feeds, history, search, texts

        texts.register(KeyTermLinker())
        content.register_sections()
        # The updates feed: topics, then answers, then cases (the order of a tie in time).
        feeds.register_update(
            Topic,
            label="Explainer",
            plural="explainer topics",
            describe=lambda t: escape(t.summary),
        )
        feeds.register_update(
            FAQItem,
            label="Question",
            plural="questions and answers",
            describe=lambda item: without_popovers(item.answer_html),
            select_related=("topic",),
        )
        feeds.register_update(
            CourtCase, label="Case", plural="cases", describe=lambda c: escape(c.holding)
        )
        search.register(Topic, kind="topic", label="Explainer", plural="Explainer")
        # An answer is public while its topic is: its entry follows the topic's changes.
        search.register(
            FAQItem,
            kind="faq",
            label="Question and answer",
            plural="Questions and answers",
            follows=("topic",),
            select_related=("topic",),
        )
        # The case index offers the topics as a filter, a column and a list on each case page,
        # and lists where a case is discussed; a case's versions keep its topics.
        extensions.register_facet(TopicFacet())
        extensions.register_discussion(Topic, "explainer")
        extensions.register_discussion(FAQItem, "questions and answers")
        history.follow(CourtCase, "topic_links")
        # A law's page links to its topics; a law's versions keep them.
        law_extensions.register_related(topics_of_law)
        history.follow(Law, "topic_links")
