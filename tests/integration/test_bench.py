"""What `make bench` reports: the median of rounds taken in turn, and a reference page that
really is django.contrib.flatpages served by this portal's stack."""

import itertools
import urllib.request

from bench.deployment import Deployment
from bench.run import measure_page, start_reference


def test_a_slow_spell_in_one_round_does_not_make_the_figures():
    # Round 2 fell in a slow spell of the machine for the static file only.
    rates = {"static": [1000, 400, 1100], "cached": [900, 950, 990], "uncached": [100, 90, 80]}
    streams = {kind: iter(values) for kind, values in rates.items()}
    errors = itertools.count()

    def load(url, seconds, connections):
        return {"rps": next(streams[url]), "p50_ms": 1.0, "p99_ms": 2.0, "errors": next(errors)}

    row = measure_page({kind: kind for kind in rates}, load, 1, 8, rounds=3)

    assert row["cached_ratio"] == 0.9  # rounds: 0.9, 2.375, 0.9
    assert row["uncached_ratio"] == 0.1  # rounds: 0.1, 0.225, 0.0727
    assert row["static"]["rps"] == 1000
    # Every error of every round is counted, none dropped with the rounds not taken.
    assert sum(row[kind]["errors"] for kind in rates) == sum(range(9))


def test_the_reference_is_a_flatpage_holding_the_given_html(tmp_path):
    deployment = Deployment(tmp_path, redis=False, sqlite=True)
    try:
        url = start_reference(deployment, "<p>Qualified immunity, explained</p>")
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode()
            csp = response.headers["Content-Security-Policy"]
        assert "<title>Home</title>" in page
        assert "<body><p>Qualified immunity, explained</p></body>" in page
        # Through the portal's own middleware, as its pages are.
        assert "script-src 'self'" in csp
    finally:
        deployment.stop()
