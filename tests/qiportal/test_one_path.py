"""
One path for every change: however content changes (an admin form, a list action, the loader,
the importer, scheduled publication), what is worked out from it follows: links in the texts,
the search index and the cached pages.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from cases.models import Court
from explainer.models import Topic
from qiportal import scheduling
from tests.explainer.test_export_import import wipe_content
from tests.factories import (
    CitationFactory,
    CourtCaseFactory,
    GlossaryTermFactory,
    TopicFactory,
)
from tests.forms import form_data

pytestmark = pytest.mark.django_db

CITED = '<a href="/cases/due-v-later/" class="citation">999 U.S. 1</a>'


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True


def search_page(client, query):
    return client.get("/search/", {"q": query}).text


class TestTheLoaderAndTheImporter:
    def test_shipped_cases_are_found_with_their_citations(self, client, shipped_content):
        page = search_page(client, "Callahan")
        assert '<p class="result__citations">555 U.S. 223; 129 S. Ct. 808' in page

    def test_an_export_and_import_give_the_same_search_pages(
        self, client, shipped_content, tmp_path
    ):
        case = CourtCaseFactory(name="Edited v. Later", holding="Added in the admin.")
        CitationFactory(case=case, volume=600, reporter="U.S.", page=1)
        queries = ["Edited", "600 U.S. 1", "Callahan", "officers liable", "clearly established"]
        before = {query: search_page(client, query) for query in queries}
        file = tmp_path / "content.json"
        call_command("export_content", str(file), stderr=StringIO())
        wipe_content()
        call_command("import_content", str(file), stdout=StringIO())
        assert {query: search_page(client, query) for query in queries} == before


def test_courts_deleted_from_the_admin_list_leave_the_cached_case_index(
    page_cache, client, staff_client, committed
):
    court = Court.objects.create(name="Court of Nowhere", short_name="Nowhere", slug="nowhere")
    assert "Court of Nowhere" in client.get("/cases/").text
    assert client.get("/cases/")["X-Cache"] == "hit"
    answer = committed(
        staff_client.post,
        "/admin/cases/court/",
        {"action": "delete_selected", "_selected_action": [court.pk], "post": "yes"},
    )
    assert answer.status_code == 302
    assert not Court.objects.filter(pk=court.pk).exists()
    assert "Court of Nowhere" not in client.get("/cases/").text


def test_a_form_opened_before_mark_reviewed_cannot_save_over_it(staff_client):
    topic = TopicFactory(last_reviewed=None, body="Checked against the sources.")
    url = f"/admin/explainer/topic/{topic.pk}/change/"
    opened = form_data(staff_client.get(url).text)
    versions = Version.objects.get_for_object(topic).count()

    staff_client.post(
        "/admin/explainer/topic/", {"action": "mark_reviewed", "_selected_action": [topic.pk]}
    )
    topic.refresh_from_db()
    assert topic.last_reviewed == timezone.localdate()
    assert Version.objects.get_for_object(topic).count() == versions + 1

    response = staff_client.post(url, {**opened, "body": "An edit from the stale form."})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.last_reviewed == timezone.localdate()  # the review is kept
    assert topic.body == "An edit from the stale form."  # and the edit saved


def test_a_key_term_scheduled_for_later_is_linked_and_listed_at_its_time(page_cache, client):
    due = timezone.now() + timedelta(hours=3)
    topic = TopicFactory(slug="acts", body="The officer acted in good faith.")
    GlossaryTermFactory(term="good faith", slug="good-faith", published_at=due)
    assert "glossary-term" not in client.get(topic.get_absolute_url()).text
    assert "good faith" not in client.get("/glossary/").text
    assert client.get("/glossary/")["X-Cache"] == "hit"

    with time_machine.travel(due + timedelta(seconds=1)):
        page = client.get(topic.get_absolute_url()).text
        assert 'data-glossary="/glossary/#good-faith">good faith</button>' in page
        glossary = client.get("/glossary/").text
        assert '<div class="terms__item" id="good-faith">' in glossary
        assert "<dfn>good faith</dfn>" in glossary


class TestScheduledPublication:
    """A case goes public at its time while a topic cites it: the citation becomes a link."""

    @pytest.fixture
    def due(self):
        return timezone.now() + timedelta(hours=1)

    @pytest.fixture
    def citing_topic(self):
        return TopicFactory(slug="citing", body="See Due v. Later, 999 U.S. 1 (2020).")

    def schedule_case(self, due):
        case = CourtCaseFactory(slug="due-v-later", name="Due v. Later", published_at=due)
        CitationFactory(case=case, volume=999, reporter="U.S.", page=1)
        return case

    def test_a_schedule_saved_while_the_state_was_worked_out_still_fires(
        self, page_cache, client, committed, citing_topic, due, monkeypatch
    ):
        """An editor's save commits while a worker is working out when the next publication
        is: the worker stores a state without it. It must heal within a minute."""
        worked_out = scheduling.next_publication

        def racing():
            found = worked_out()
            monkeypatch.setattr(scheduling, "next_publication", worked_out)
            committed(self.schedule_case, due)
            return found

        monkeypatch.setattr(scheduling, "next_publication", racing)
        client.get("/")  # works out the state while the schedule commits
        with time_machine.travel(due + timedelta(minutes=1)):
            assert CITED in client.get(citing_topic.get_absolute_url()).text

    def test_the_due_work_runs_once_and_holds_no_reader(
        self, page_cache, client, citing_topic, due, monkeypatch
    ):
        """A second reader arrives while the first is publishing what came due: the second is
        served the pages of the version before, without waiting or doing the work again."""
        self.schedule_case(due)
        client.get(citing_topic.get_absolute_url())
        renders, second_reader = [], []
        render = Topic.render

        def render_and_let_another_reader_in(topic, sessions=None):
            renders.append(topic.pk)
            if len(renders) == 1:
                second_reader.append(client.get(topic.get_absolute_url()))
            return render(topic, sessions)

        monkeypatch.setattr(Topic, "render", render_and_let_another_reader_in)
        with time_machine.travel(due + timedelta(seconds=1)):
            first = client.get(citing_topic.get_absolute_url())
            assert renders == [citing_topic.pk]
            assert second_reader[0].status_code == 200
            assert CITED not in second_reader[0].text
            assert CITED in first.text or CITED in client.get(first.wsgi_request.path).text

    def test_the_due_work_is_all_or_nothing(
        self, page_cache, client, citing_topic, due, monkeypatch, caplog
    ):
        other = TopicFactory(slug="other", body="Also 999 U.S. 1.", position=99)
        self.schedule_case(due)
        render = Topic.render

        def fail_on_the_other(topic, sessions=None):
            if topic.pk == other.pk:
                raise RuntimeError("The render broke half way.")
            return render(topic, sessions)

        client.get("/faq/")  # the state, with the publication to come
        monkeypatch.setattr(Topic, "render", fail_on_the_other)
        with time_machine.travel(due + timedelta(seconds=1)):
            assert client.get("/faq/").status_code == 200
            citing_topic.refresh_from_db()
            assert CITED not in citing_topic.body_html  # nothing of the failed run was kept
        # The operator is told, in words, with the error.
        assert (
            "Publishing what came due failed; it is tried again within a minute." in caplog.messages
        )
        assert "The render broke half way." in caplog.text

        monkeypatch.setattr(Topic, "render", render)
        with time_machine.travel(due + timedelta(minutes=2)):
            assert CITED in client.get(citing_topic.get_absolute_url()).text
            assert CITED in client.get(other.get_absolute_url()).text
