"""The shared cache on a real Redis, as app servers on several machines use it."""

import os
import shutil

import pytest
import redis
from django.core.cache import cache

from bench.deployment import start_redis
from tests.factories import TopicFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="redis-server is not installed (apt-get install redis-server; .ci/run installs it)",
    ),
]


@pytest.fixture(scope="module")
def redis_url():
    process, url = start_redis()
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_server(settings, redis_url):
    """The portal's cache in a Redis of its own, emptied; the server, to ask what it ran."""
    settings.CACHES = {
        "default": {
            "BACKEND": "qiportal.rediscache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "qiportal",
        }
    }
    cache.clear()
    return redis.Redis.from_url(redis_url)


def commands_run(server):
    """How many commands the Redis server has run, not counting these questions."""
    stats = server.info("commandstats")
    return sum(stat["calls"] for name, stat in stats.items() if name != "cmdstat_info")


def test_a_cached_page_costs_one_round_trip_to_redis(client, settings, redis_server):
    settings.PAGE_CACHE_ENABLED = True
    url = TopicFactory(title="Read from Redis").get_absolute_url()
    first = client.get(url)
    before = commands_run(redis_server)
    second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert commands_run(redis_server) - before == 1


def test_a_worker_forked_after_the_cache_was_used_still_reads_and_writes(redis_server):
    """As gunicorn forks its workers: the client the parent kept works in the child too."""
    cache.set("from-parent", "written before the fork")
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only
        code = 1
        try:
            if cache.get("from-parent") == "written before the fork":
                cache.set("from-child", "written after the fork")
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("from-parent") == "written before the fork"
    assert cache.get("from-child") == "written after the fork"


def test_a_flood_of_new_searches_adds_no_key_past_the_tail_and_keeps_the_home_page(
    client, settings, redis_server
):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TAIL_ENTRIES = 10
    TopicFactory(title="Qualified immunity, explained")
    client.get("/")
    before = redis_server.dbsize()
    for number in range(100):
        assert (
            client.get("/search/", {"q": f"immunity {number}", "utm_source": number})["X-Cache"]
            == "miss"
        )
    assert client.get("/")["X-Cache"] == "hit"
    assert before < redis_server.dbsize() <= before + 10
    ttls = [redis_server.ttl(key) for key in redis_server.scan_iter("*tail*")]
    assert ttls and all(0 < ttl <= settings.PAGE_CACHE_SECONDS for ttl in ttls)
