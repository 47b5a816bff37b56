from django.conf import settings


def site(request):
    """The portal's name, for the header, page titles and citations."""
    return {"SITE_NAME": settings.SITE_NAME}
