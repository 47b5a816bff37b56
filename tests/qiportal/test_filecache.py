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


def test_a_write_never_lists_the_cache_nor_drops_what_others_read(tmp_path, monkeypatch):
    """Django's file cache counts every file on each write and, past MAX_ENTRIES, deletes
    entries at random (the home page as likely as any). Here the keys bound what is kept."""
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10}})
    cache.set("home", "the home page", 60)

    def listing():
        raise AssertionError("a write listed the cache directory")

    monkeypatch.setattr(cache, "_list_cache_files", listing)
    for number in range(30):
        cache.set(f"search-{number}", "a page", 60)
        cache.add(f"lock-{number}", True, 60)
    assert cache.get("home") == "the home page"
    assert len(list(tmp_path.glob("*.djcache"))) == 61
