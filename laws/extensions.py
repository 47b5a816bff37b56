"""
What the apps above the laws add to a law's page, without the laws knowing them: the explainer
adds the topics a law belongs under ("Related"), in its AppConfig.ready().
"""

_related = []


def register_related(provider):
    """`provider(law)`: (title, address) of each public page that relates to the law."""
    _related.append(provider)


def related(law):
    return [link for provider in _related for link in provider(law)]
