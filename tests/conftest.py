from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import StaffUserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, a private cache, and uploads in a temporary folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_user_client(client, db):
    user = StaffUserFactory(is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def shipped_content(db):
    """The content the portal ships with, loaded as `make run` loads it."""
    call_command("load_content", stdout=StringIO())
