from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "laws"
    verbose_name = "Laws"

    def ready(self):
        from django.utils.html import escape

        from laws.models import Law
        from qiportal import feeds, search

        search.register(
            Law,
            kind="law",
            label="Law",
            plural="Laws",
            select_related=("jurisdiction",),
        )
        feeds.register_update(
            Law,
            label="Law",
            plural="state and local laws",
            describe=lambda law: escape(f"{law.jurisdiction}: {law.title}"),
            select_related=("jurisdiction",),
        )
