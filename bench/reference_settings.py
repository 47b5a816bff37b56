"""
For `make bench` only: the portal's production settings plus django.contrib.flatpages, the
page the issue's 0.4 target was taken from ("the minimal Django page"). The benchmark serves
one flatpage of the home page's size through this same middleware and server, so each run says
what that reference reaches on the machine of the day.
"""

from qiportal.settings import *  # noqa: F403
from qiportal.settings import BASE_DIR, INSTALLED_APPS, TEMPLATES

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.sites", "django.contrib.flatpages"]
SITE_ID = 1
ROOT_URLCONF = "bench.reference_urls"
# bench/templates/flatpages/default.html: a minimal template, like the one in Django's docs.
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]
