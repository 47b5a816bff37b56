"""Production is the default, and it refuses to start without what it needs."""

import os
import subprocess
import sys

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
