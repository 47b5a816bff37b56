"""Dates read the same whatever the server's locale."""

import locale
import shutil
import subprocess
from datetime import date

import pytest

from qiportal.templatetags.dates import long_date


@pytest.fixture
def a_german_server(tmp_path, monkeypatch):
    """The process's time locale set to German, as a server's might be: the locale is compiled
    into a temporary folder with glibc's localedef, so the machine need not have it."""
    localedef = shutil.which("localedef")
    if localedef is None:
        pytest.skip("localedef (glibc) is not installed, so no German locale can be made")
    subprocess.run(
        [localedef, "-i", "de_DE", "-f", "UTF-8", str(tmp_path / "de_DE.UTF-8")],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("LOCPATH", str(tmp_path))
    before = locale.setlocale(locale.LC_TIME)
    locale.setlocale(locale.LC_TIME, "de_DE.UTF-8")
    assert f"{date(2026, 3, 1):%B}" == "März"
    yield
    locale.setlocale(locale.LC_TIME, before)


def test_month_names_are_english_whatever_the_locale(a_german_server):
    assert long_date(date(2026, 3, 1)) == "1 March 2026"
    assert long_date(date(2026, 12, 24)) == "24 December 2026"
