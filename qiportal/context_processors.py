from functools import cache

from django.conf import settings
from django.urls import reverse

from qiportal.seo import DEFAULT_DESCRIPTION


@cache
def navigation():
    """The addresses every page links to (settings.NAVIGATION), worked out once per process,
    not on every page."""
    return {name.replace(":", "_"): reverse(name) for name in settings.NAVIGATION}


def site(request):
    """The portal's name (header, titles, citations), its description (pages with none) and
    the addresses of its main pages (header and footer)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEFAULT_DESCRIPTION": DEFAULT_DESCRIPTION,
        "URLS": navigation(),
    }
