"""Pieces kept per content version in each process: bounded, and let go with the version."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from qiportal import memo
from qiportal.changes import CONTENT_VERSION_KEY, content_changed


def test_a_value_is_worked_out_once_per_version():
    kept, calls = memo.Memo(limit=10), []

    def work():
        calls.append(1)
        return len(calls)

    assert kept.get("v1", "courts", work) == 1
    assert kept.get("v1", "courts", work) == 1
    assert kept.get("v2", "courts", work) == 2
    assert len(calls) == 2


def test_many_values_are_worked_out_for_the_missing_keys_only():
    kept, asked = memo.Memo(limit=10), []

    def work(keys):
        asked.append(list(keys))
        return {key: key * 10 for key in keys if key != 3}  # 3 is not found

    assert kept.get_many("v1", [1, 2, 3], work) == {1: 10, 2: 20}
    assert kept.get_many("v1", [2, 3, 4], work) == {2: 20, 4: 40}
    assert asked == [[1, 2, 3], [3, 4]]
    assert kept.get_many("v2", [1], work) == {1: 10}
    assert asked[-1] == [1]


def test_it_holds_no_more_than_its_limit_the_oldest_going_first():
    kept, asked = memo.Memo(limit=3), []

    def work(keys):
        asked.append(list(keys))
        return {key: key for key in keys}

    kept.get_many("v1", range(5), work)
    assert kept.get_many("v1", [0, 3, 4], work) == {0: 0, 3: 3, 4: 4}
    assert asked[-1] == [0]  # 0 and 1 went first; 3 and 4 were kept
    assert kept.get("v1", 2, lambda: "again") == "again"  # 2 went for 0


@pytest.mark.django_db
def test_a_request_reads_the_version_once_and_a_change_gives_a_new_one():
    request = RequestFactory().get("/cases/")
    first = memo.version(request)
    assert cache.get(CONTENT_VERSION_KEY) == first
    cache.set(CONTENT_VERSION_KEY, "changed meanwhile")
    assert memo.version(request) == first  # the same for the whole request
    content_changed()
    later = memo.version(RequestFactory().get("/cases/"))
    assert later not in (first, "changed meanwhile")
    assert memo.version() == later
