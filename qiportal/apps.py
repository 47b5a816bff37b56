from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared core: what every kind of content uses (qiportal.publishing, .changes,
    .texts, .search, .scheduling, .cache), and the two tables it keeps for them."""

    name = "qiportal"
    verbose_name = "Portal"
