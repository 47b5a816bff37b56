"""The file cache shared by the workers of one server (qiportal.filecache)."""

import time

import pytest
import time_machine
from django.core.cache.backends.filebased import FileBasedCache

from qiportal.filecache import FileCache


@pytest.fixture
def cache(tmp_path):
    return FileCache(str(tmp_path), {})


def test_it_keeps_and_returns_values(cache):
    cache.set("page", (200, [("Content-Type", "text/html")], b"<p>hi</p>"), 60)
    assert cache.get("page") == (200, [("Content-Type", "text/html")], b"<p>hi</p>")
    assert cache.get("missing", "default") == "default"


def test_values_expire(cache):
    cache.set("page", "value", 60)
    with time_machine.travel(time.time() + 61):
        assert cache.get("page") is None


def test_add_touch_and_delete(cache):
    assert cache.add("state", 1, None)
    assert not cache.add("state", 2, None)
    assert cache.touch("state", 60)
    assert cache.get("state") == 1
    cache.delete("state")
    assert cache.get("state") is None
    assert not cache.touch("state", 60)


def test_values_are_stored_without_compression(cache, tmp_path):
    cache.set("page", "x" * 10_000, 60)
    (stored,) = tmp_path.glob("*.djcache")
    assert stored.stat().st_size > 10_000


def test_an_entry_in_djangos_own_format_is_a_miss_not_an_error(tmp_path):
    FileBasedCache(str(tmp_path), {}).set("state", {"version": "old"}, None)
    cache = FileCache(str(tmp_path), {})
    assert cache.get("state") is None
    cache.set("state", {"version": "new"}, None)
    assert cache.get("state") == {"version": "new"}


def test_a_cut_short_entry_is_a_miss(cache, tmp_path):
    cache.set("page", "value", 60)
    (stored,) = tmp_path.glob("*.djcache")
    stored.write_bytes(stored.read_bytes()[:-3])
    assert cache.get("page") is None
