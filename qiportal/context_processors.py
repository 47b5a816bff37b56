from django.conf import settings

from qiportal.seo import DEFAULT_DESCRIPTION


def site(request):
    """The portal's name (header, titles, citations) and its description (pages with none)."""
    return {"SITE_NAME": settings.SITE_NAME, "DEFAULT_DESCRIPTION": DEFAULT_DESCRIPTION}
