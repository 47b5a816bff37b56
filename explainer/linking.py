"""
The text pipeline's "key-terms" step (qiportal.texts): the first use of each published key term
in a text links to its definition, placed next to it (explainer.glossary). When a key term
changes, or its publication time comes, every text that runs this step is rendered again.
"""

from explainer.glossary import link_terms
from explainer.models import GlossaryTerm
from qiportal.texts import Linker, text_models


class KeyTermLinker(Linker):
    name = "key-terms"

    def session(self):
        """The published terms, read once for all the texts rendered together."""
        return [term.as_term() for term in GlossaryTerm.objects.published()]

    def link(self, text, html, terms):
        return link_terms(html, terms, text.anchor_prefix), None

    def depending_on(self, model, pks):
        if model is not GlossaryTerm:
            return {}
        return {
            text_model: set(text_model._base_manager.values_list("pk", flat=True))
            for text_model in text_models(linking=self.name)
        }
