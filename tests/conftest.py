import sqlite3
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client

from qiportal.scheduling import content_state
from tests.factories import StaffUserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, a cache of the test's own, and uploads in a temporary folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Pages render on every request unless a test is about the page cache.
    settings.PAGE_CACHE_ENABLED = False
    # What a scheduled publication's time brings is done in the request that sees it, in the
    # test's own transaction (a thread of its own could not see the test's rows).
    settings.PUBLISH_DUE_IN_BACKGROUND = False
    # A one-person site: saves publish. The tests of review (tests/qiportal/test_review.py)
    # turn it on, as it is by default.
    settings.REQUIRE_REVIEW = False
    # Hashed static names need `collectstatic`; tests use the plain names, found in place.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff_user(db):
    """A staff member in the Editors group: what an editor of the portal is."""
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def staff_outside_editors(db):
    """A staff member with no content rights (an administrator's helper, say)."""
    return StaffUserFactory(username="helper")


@pytest.fixture
def count_queries(django_assert_num_queries):
    """Assert the queries of a request in steady state: after the once-in-a-while work of
    checking for scheduled publications, which a fresh test's empty cache would add."""

    def counting(expected):
        content_state()
        return django_assert_num_queries(expected)

    return counting


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and its after-commit work, as a real request's commit would."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


@pytest.fixture
def staff_client(staff_user):
    """An editor's browser (the `client` fixture stays an anonymous reader's)."""
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_user_client(db):
    """A superuser's browser (the `client` fixture stays an anonymous reader's)."""
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


@pytest.fixture
def shipped_content(db):
    """The content the portal ships with, loaded as `make run` loads it."""
    call_command("load_content", stdout=StringIO())


@pytest.fixture
def sqlite_with_its_smallest_limit():
    """SQLite as some builds have it: at most 999 values in one statement (its default before
    3.32, and what Django assumes). This machine's allows 250,000, which hid the limit."""
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        yield
        return
    database = connection.connection
    before = database.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    database.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    yield
    database.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
