"""
Scheduled publication under production load: a case goes public at its time while a long draft
cites it. Readers keep being served at their usual speed while the work that came due (linking
the draft's citations) runs once, and it is done within a minute.

As measured in the review that asked for this (gunicorn, 3 workers, production settings): every
worker redid the work inside readers' requests; readers waited 20 s and more, got 500s, and the
workers were killed.
"""

import statistics
import threading
import time

import pytest

from bench.deployment import Browser, Deployment

DUE_IN = 20  # seconds from setting it up to the case's publication time
READERS = 6
WATCH = 20  # seconds of readers after the publication time

SET_UP = f"""
from datetime import timedelta
from django.utils import timezone
from cases.models import Citation, Court, CourtCase
from explainer.models import Topic

paragraph = "Officers relied on Due v. Later, 999 U.S. 1 (2020); see 999 U.S. at 4. "
Topic.objects.create(
    title="A long draft", slug="a-long-draft", summary="Being written.", status="draft",
    body=(paragraph * 12 + "\\n\\n") * 140,
)
case = CourtCase.objects.create(
    name="Due v. Later", slug="due-v-later", court=Court.objects.get(slug="supreme-court"),
    year=2020, holding="Held.", outcome="denied", status="published",
    published_at=timezone.now() + timedelta(days=1),
)
Citation.objects.create(case=case, volume=999, reporter="U.S.", page=1)
due = timezone.now() + timedelta(seconds={DUE_IN})
CourtCase.objects.filter(pk=case.pk).update(published_at=due)
print(due.timestamp())
"""

LINKED = """
from explainer.models import Topic
print('href="/cases/due-v-later/"' in Topic.objects.get(slug="a-long-draft").body_html)
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    deployment = Deployment(tmp_path_factory.mktemp("scheduled"), redis=False)
    try:
        yield deployment
    finally:
        deployment.stop()


def read_for(url, seconds, answers):
    browser, deadline = Browser(), time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            status = browser.get(url)[0]
        except OSError as error:  # a timeout, or a worker killed under the request
            status = type(error).__name__
        answers.append((status, time.monotonic() - started))


def test_readers_are_served_while_what_came_due_is_published(deployment):
    due = float(deployment.manage("shell", "-c", SET_UP).split()[-1])
    server = deployment.start_app_server(workers=3)
    time.sleep(max(0, due - time.time()) + 0.5)

    answers = []
    readers = [
        threading.Thread(target=read_for, args=(f"{server}/", WATCH, answers))
        for _ in range(READERS)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()

    statuses = {status for status, _ in answers}
    slowest = max(seconds for _, seconds in answers)
    assert statuses == {200}, f"answers other than 200: {statuses}"
    assert slowest < 3, (
        f"a reader waited {slowest:.1f} s (median {statistics.median(s for _, s in answers):.3f} s)"
    )
    deadline = time.monotonic() + 60
    while deployment.manage("shell", "-c", LINKED).split()[-1] != "True":
        assert time.monotonic() < deadline, "the draft's citations were never linked"
        time.sleep(1)
