"""Scheduled publication: the work a publication time brings is done once, on time, and then
not again; it never holds a reader."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from explainer.models import Topic
from qiportal import scheduling
from qiportal.changes import SCHEDULE_KEY
from qiportal.models import ScheduledPublication
from tests.factories import CitationFactory, CourtCaseFactory, TopicFactory

pytestmark = pytest.mark.django_db


def link_to(case):
    return f'<a href="{case.get_absolute_url()}" class="citation">'


def scheduled_case(at, volume):
    case = CourtCaseFactory(slug=f"due-{volume}", published_at=at)
    CitationFactory(case=case, volume=volume, reporter="U.S.", page=1)
    return case


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def runs(monkeypatch):
    """Every run of the publication work, as (what came due) or None when another held it."""
    done, publish_due = [], scheduling.publish_due

    def counted():
        result = publish_due()
        done.append(result)
        return result

    monkeypatch.setattr(scheduling, "publish_due", counted)
    return done


def test_once_its_work_is_done_pages_stay_cached(client, runs):
    due = timezone.now() + timedelta(hours=1)
    scheduled_case(due, 901)
    TopicFactory(body="See 901 U.S. 1.")
    client.get("/")
    with time_machine.travel(due + timedelta(seconds=1)):
        client.get("/")
        assert len(runs) == 1
    for minutes in (2, 5, 30):
        with time_machine.travel(due + timedelta(minutes=minutes)):
            assert client.get("/")["X-Cache"] == "hit"
    assert len(runs) == 1


def test_a_draft_with_a_time_to_come_brings_no_work_at_that_time(client, runs):
    due = timezone.now() + timedelta(minutes=10)  # well within the page's hour in the cache
    TopicFactory(title="Not finished", draft=True, published_at=due)
    client.get("/")
    with time_machine.travel(due + timedelta(minutes=2)):
        assert client.get("/")["X-Cache"] == "hit"
    assert runs == []


def test_two_publications_a_few_seconds_apart_are_each_done_on_time(client):
    first_time = timezone.now() + timedelta(hours=1)
    first, second = (
        scheduled_case(first_time, 902),
        scheduled_case(first_time + timedelta(seconds=5), 903),
    )
    topic = TopicFactory(body="See 902 U.S. 1 and 903 U.S. 1.")
    client.get("/")
    with time_machine.travel(first_time + timedelta(seconds=1)):
        page = client.get(topic.get_absolute_url()).text
        assert link_to(first) in page
        assert link_to(second) not in page
    with time_machine.travel(first_time + timedelta(seconds=6)):
        assert link_to(second) in client.get(topic.get_absolute_url()).text


def test_a_schedule_missed_by_a_worker_is_caught_within_a_minute(client, monkeypatch):
    """A worker works out the schedule just before an editor's save that schedules an item
    commits, and stores it without that item."""
    soon = timezone.now() + timedelta(seconds=10)
    topic = TopicFactory(body="See 904 U.S. 1.")
    worked_out = scheduling.next_publication

    def racing():
        found = worked_out()
        monkeypatch.setattr(scheduling, "next_publication", worked_out)
        case = scheduled_case(soon, 904)
        racing.case = case
        return found

    monkeypatch.setattr(scheduling, "next_publication", racing)
    client.get("/")
    with time_machine.travel(soon + timedelta(seconds=5)):
        assert link_to(racing.case) not in client.get(topic.get_absolute_url()).text
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert link_to(racing.case) in client.get(topic.get_absolute_url()).text


def test_while_one_worker_does_the_work_no_other_takes_it(client, monkeypatch):
    due = timezone.now() + timedelta(hours=1)
    scheduled_case(due, 905)
    TopicFactory(body="See 905 U.S. 1.")
    client.get("/")
    meanwhile, render = [], Topic.render

    def render_while_another_worker_tries(topic, sessions=None):
        if not meanwhile:
            meanwhile.append(scheduling.publish_due())
        return render(topic, sessions)

    monkeypatch.setattr(Topic, "render", render_while_another_worker_tries)
    with time_machine.travel(due + timedelta(seconds=1)):
        assert scheduling.publish_due()  # this worker's run: something came due
    assert meanwhile == [None]  # the other found it held, and did nothing
    assert ScheduledPublication.current().claimed_until is None  # and it is free again


def test_a_run_that_finds_nothing_due_starts_no_other(client, runs):
    """Another server did the work already: this one's schedule still said it was due."""
    cache.set(SCHEDULE_KEY, scheduling.Schedule(timezone.now() - timedelta(seconds=1)))
    for _ in range(3):
        client.get("/")
    assert runs == [{}]


def test_the_command_says_what_came_due(client):
    due = timezone.now() + timedelta(hours=1)
    scheduled_case(due, 906)
    out = StringIO()
    with time_machine.travel(due + timedelta(seconds=1)):
        call_command("publish_due", stdout=out)
    assert out.getvalue() == "Published what came due: 1 court cases.\n"
    out = StringIO()
    with time_machine.travel(due + timedelta(seconds=2)):
        call_command("publish_due", stdout=out)
    assert out.getvalue() == "Nothing has come due.\n"


@pytest.mark.django_db(transaction=True)
def test_in_production_the_work_runs_beside_the_request_not_in_it(client, settings, monkeypatch):
    """The reader's page comes back while the work waits; the work is done after."""
    settings.PUBLISH_DUE_IN_BACKGROUND = True
    due = timezone.now() + timedelta(hours=1)
    case = scheduled_case(due, 907)
    topic = TopicFactory(body="See 907 U.S. 1.")
    client.get("/")
    started, go_on, publish = threading.Event(), threading.Event(), scheduling._publish

    def held_until_the_reader_is_served():
        started.set()
        go_on.wait(timeout=30)
        publish()

    monkeypatch.setattr(scheduling, "_publish", held_until_the_reader_is_served)
    before = set(threading.enumerate())
    with time_machine.travel(due + timedelta(seconds=1)):
        page = client.get(topic.get_absolute_url())
        assert page.status_code == 200
        assert link_to(case) not in page.text  # the version before, not held for the work
        workers = [thread for thread in threading.enumerate() if thread not in before]
        assert len(workers) == 1
        assert started.wait(timeout=10)
        go_on.set()
        workers[0].join(timeout=30)
        assert link_to(case) in client.get(topic.get_absolute_url()).text
