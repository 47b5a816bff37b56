"""Production is the default, and it refuses to start without what it needs."""

import ast
import os
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def start(**env):
    """Import the settings in a fresh process with only the given DJANGO_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="qiportal.settings")
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_secret_key_production_refuses_to_start():
    result = start()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_without_allowed_hosts_production_refuses_to_start():
    result = start(DJANGO_SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_production_is_the_default():
    result = start(DJANGO_SECRET_KEY="k" * 50, DJANGO_ALLOWED_HOSTS="qi.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_mode_runs_without_a_key():
    result = start(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_mistyped_debug_value_is_refused():
    result = start(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 60 + "-production-test",
    "DJANGO_ALLOWED_HOSTS": "qi.example.org",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting(name, **env):
    result = manage(
        "shell", "-c", f"from django.conf import settings; print(repr(settings.{name}))", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_secures_https_cookies_and_the_proxy_header_by_default():
    assert setting("SECURE_PROXY_SSL_HEADER", **PRODUCTION) == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert setting("SECURE_SSL_REDIRECT", **PRODUCTION) == "True"
    assert setting("SECURE_HSTS_SECONDS", **PRODUCTION) == "31536000"
    assert setting("SESSION_COOKIE_SECURE", **PRODUCTION) == "True"
    assert setting("CSRF_COOKIE_SECURE", **PRODUCTION) == "True"
    assert setting("SESSION_COOKIE_HTTPONLY", **PRODUCTION) == "True"
    assert setting("PAGE_CACHE_ENABLED", **PRODUCTION) == "True"


@pytest.mark.parametrize(
    ("variable", "name", "off"),
    [
        ("DJANGO_TRUST_X_FORWARDED_PROTO", "SECURE_PROXY_SSL_HEADER", "None"),
        ("DJANGO_SECURE_SSL_REDIRECT", "SECURE_SSL_REDIRECT", "False"),
        ("DJANGO_SECURE_COOKIES", "SESSION_COOKIE_SECURE", "False"),
        ("DJANGO_PAGE_CACHE", "PAGE_CACHE_ENABLED", "False"),
    ],
)
def test_each_can_be_turned_off(variable, name, off):
    assert setting(name, **PRODUCTION, **{variable: "0"}) == off


def test_hsts_can_be_turned_off():
    assert setting("SECURE_HSTS_SECONDS", **PRODUCTION, DJANGO_HSTS_SECONDS="0") == "0"


def test_redis_url_selects_the_redis_cache():
    backend = setting(
        "CACHES['default']['BACKEND']", **PRODUCTION, REDIS_URL="redis://127.0.0.1:6399/0"
    )
    assert backend == "'qiportal.rediscache.RedisCache'"
    assert setting("CACHES['default']['BACKEND']", **PRODUCTION) == "'qiportal.filecache.FileCache'"


def test_database_url_selects_postgresql():
    engine = setting(
        "DATABASES['default']['ENGINE']",
        **PRODUCTION,
        DATABASE_URL="postgres://u:p@db.example.org:5432/qiportal",
    )
    assert engine == "'django.db.backends.postgresql'"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    database = tmp_path / "wal.sqlite3"
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{database}"}
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "connection.settings_dict['OPTIONS']['timeout'])",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["wal", "20"]


@pytest.mark.parametrize(
    "media_url", ["https://cdn.example.org/media/", "https://uploads.example.org/media/"]
)
def test_uploads_on_a_cdn_are_allowed_as_images_and_nothing_else(media_url):
    directives = ast.literal_eval(
        setting(
            "CONTENT_SECURITY_POLICY['DIRECTIVES']",
            **PRODUCTION,
            DJANGO_STATIC_URL="https://cdn.example.org/static/",
            DJANGO_MEDIA_URL=media_url,
        )
    )
    assert directives["img-src"] == [
        "'self'",
        "https://cdn.example.org/static/",
        media_url,
        "data:",
    ]
    # Scripts, styles and fonts: this site and the static files' folder, on the same host or not.
    for name in ("script-src", "style-src", "font-src"):
        sources = [s for s in directives[name] if s != "'unsafe-inline'"]
        assert sources == ["'self'", "https://cdn.example.org/static/"], name


def test_a_mistyped_number_is_refused_in_words():
    result = manage("check", **PRODUCTION, DJANGO_HSTS_SECONDS="a year")
    assert result.returncode != 0
    assert "DJANGO_HSTS_SECONDS must be a whole number" in result.stderr
