"""Anonymous pages from the shared cache: fast, never stale, never someone else's."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.utils import timezone

from explainer.models import Introduction, Topic
from qiportal.parameters import QueryParameters, choice, reads_query
from qiportal.publishing import PublishState
from tests.factories import CourtCaseFactory, FAQItemFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.CDN_MAX_AGE = 60


def test_the_second_request_is_served_from_the_cache_without_queries(client, count_queries):
    topic = TopicFactory(title="Cached topic")
    first = client.get(topic.get_absolute_url())
    assert first["X-Cache"] == "miss"
    with count_queries(0):
        second = client.get(topic.get_absolute_url())
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def directives(header):
    return {part.strip() for part in header.split(",")}


def test_public_pages_say_what_a_cdn_may_do(client):
    response = client.get(TopicFactory().get_absolute_url())
    assert directives(response["Cache-Control"]) == {"public", "max-age=0", "s-maxage=60"}
    assert directives(response["Vary"]) == {"Cookie", "Accept-Encoding"}
    assert response["ETag"]


def test_a_page_is_kept_for_the_time_set_and_no_longer(client, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    url = TopicFactory().get_absolute_url()
    client.get(url)
    with time_machine.travel(timezone.now() + timedelta(minutes=50)):
        assert client.get(url)["X-Cache"] == "hit"
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert client.get(url)["X-Cache"] == "miss"


def test_a_head_request_is_answered_from_the_cache(client):
    url = TopicFactory().get_absolute_url()
    client.get(url)
    response = client.head(url)
    assert response["X-Cache"] == "hit"
    assert response.content == b""


def test_a_reader_whose_browser_takes_no_gzip_gets_plain_text(client):
    url = TopicFactory(title="Plain or packed").get_absolute_url()
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    assert "Plain or packed" in plain.text
    assert client.get(url)["X-Cache"] == "hit"


def test_pages_are_cached_where_md5_is_allowed_only_for_fingerprints(client, monkeypatch):
    """As on a FIPS system: MD5 is refused unless the caller says it is not for security."""
    md5 = hashlib.md5

    def fips_md5(*args, usedforsecurity=True, **kwargs):
        if usedforsecurity:
            raise ValueError("[digital envelope routines] unsupported")
        return md5(*args, usedforsecurity=False, **kwargs)

    monkeypatch.setattr(hashlib, "md5", fips_md5)
    url = TopicFactory().get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"]
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_conditional_requests_get_304(client):
    url = TopicFactory().get_absolute_url()
    etag = client.get(url)["ETag"]
    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_a_browser_that_kept_a_page_gets_it_again_once_it_changed(client, committed):
    """Its copy's ETag no longer matches: a new page, not 'not modified'."""
    topic = TopicFactory(body="Before the edit.")
    etag = client.get(topic.get_absolute_url())["ETag"]

    def edit():
        topic.body = "After the edit."
        topic.save()

    committed(edit)
    response = client.get(topic.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "After the edit." in response.text
    assert response["ETag"] != etag


def test_a_content_change_shows_on_the_next_request(client, committed):
    topic = TopicFactory(body="Before the edit.")
    assert "Before the edit." in client.get(topic.get_absolute_url()).text

    def edit():
        topic.body = "After the edit."
        topic.save()

    committed(edit)
    response = client.get(topic.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "After the edit." in response.text


def test_any_change_lets_every_cached_page_go(client, committed):
    TopicFactory(title="On the front page")
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    committed(lambda: CourtCaseFactory(name="New v. Case"))
    assert client.get("/")["X-Cache"] == "miss"
    assert "New v. Case" in client.get("/cases/").text


def test_the_cache_keeps_one_copy_of_a_page_however_often_content_changes(
    client, committed, settings, tmp_path
):
    """Each change replaces the page's entry: the cache does not fill up as editors work."""
    settings.CACHES = {
        "default": {"BACKEND": "qiportal.filecache.FileCache", "LOCATION": str(tmp_path)}
    }
    topic = TopicFactory()
    entries = []
    for number in range(5):
        topic.title = f"Edit number {number}"
        committed(topic.save)
        response = client.get("/")
        assert response["X-Cache"] == "miss"
        assert f"Edit number {number}" in response.text
        entries.append(len(list(tmp_path.glob("*.djcache"))))
    assert client.get("/")["X-Cache"] == "hit"
    # The content's version, its schedule and the page, however many edits.
    assert entries == [3] * 5


def test_bulk_publishing_shows_at_once(client, committed):
    topic = TopicFactory(title="Waiting in drafts", draft=True)
    assert "Waiting in drafts" not in client.get("/").text
    committed(lambda: Topic.objects.filter(pk=topic.pk).publish_now())
    assert "Waiting in drafts" in client.get("/").text


def test_a_scheduled_item_appears_at_its_time_even_if_the_page_was_cached(client):
    noon = timezone.now() + timedelta(hours=3)
    TopicFactory(title="Due at noon", published_at=noon, status=PublishState.PUBLISHED)
    assert "Due at noon" not in client.get("/").text
    assert client.get("/")["X-Cache"] == "hit"
    with time_machine.travel(noon + timedelta(seconds=1)):
        assert "Due at noon" in client.get("/").text


class TestStaffAndDraftsAreNeverCached:
    def test_a_staff_preview_is_not_cached_nor_served_to_readers(self, staff_client, client):
        draft = TopicFactory(title="Secret draft", draft=True)
        preview = staff_client.get(draft.get_absolute_url())
        assert "Draft, not public." in preview.text
        assert {"private", "no-store"} <= directives(preview["Cache-Control"])
        assert "X-Cache" not in preview
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_staff_never_get_the_readers_cached_page(self, staff_client, client):
        topic = TopicFactory(title="Public page")
        client.get(topic.get_absolute_url())
        assert client.get(topic.get_absolute_url())["X-Cache"] == "hit"
        response = staff_client.get(topic.get_absolute_url())
        assert "X-Cache" not in response

    @pytest.mark.parametrize("kind", ["topic", "case", "answer", "introduction"])
    def test_staff_get_an_edit_link_that_readers_never_get_cached_or_not(
        self, staff_client, client, kind, shipped_content
    ):
        item = {
            "topic": lambda: TopicFactory(),
            "case": lambda: CourtCaseFactory(),
            "answer": lambda: FAQItemFactory(),
            "introduction": lambda: Introduction.objects.get(),
        }[kind]()
        url = item.get_absolute_url().split("#")[0]
        form = f'href="/admin/{item._meta.app_label}/{item._meta.model_name}/{item.pk}/change/"'
        for _ in range(2):  # a miss, then a hit
            assert form not in client.get(url).text
        assert client.get(url)["X-Cache"] == "hit"
        staff_page = staff_client.get(url).text
        assert form in staff_page
        assert form not in client.get(url).text

    def test_staff_without_the_right_to_see_it_get_no_edit_link(
        self, staff_outside_editors, client
    ):
        topic = TopicFactory()
        client.force_login(staff_outside_editors)
        assert "/change/" not in client.get(topic.get_absolute_url()).text

    def test_any_session_cookie_skips_the_cache(self, client):
        url = TopicFactory().get_absolute_url()
        client.get(url)
        stranger = Client()
        stranger.cookies["sessionid"] = "made-up"
        assert "X-Cache" not in stranger.get(url)


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/no-such-page/"), ("get", "/cases/export.csv"), ("get", "/admin/login/")],
)
def test_errors_downloads_and_cookie_setting_pages_are_not_cached(client, method, url):
    getattr(client, method)(url)
    assert "X-Cache" not in getattr(client, method)(url)


def test_posts_are_never_cached(client):
    assert "X-Cache" not in client.post("/search/", {"q": "x"})


def test_a_change_dropping_the_state_mid_request_is_no_error(client, monkeypatch):
    """Found by `make loadtest`: an editor's save dropped the content version between one
    worker storing it and reading it back."""
    from django.core.cache import cache

    from qiportal import changes

    class RacingCache:
        """The real cache, where another worker's content_changed() lands right after add()."""

        def __getattr__(self, name):
            return getattr(cache, name)

        def add(self, key, value, timeout=None):
            cache.add(key, value, timeout)
            cache.delete(key)
            return True

    cache.delete(changes.CONTENT_VERSION_KEY)
    monkeypatch.setattr(changes, "cache", RacingCache())
    assert client.get("/faq/").status_code == 200


@reads_query(QueryParameters())
def any_method(request):
    return HttpResponse(f"Answered a {request.method}.")


@reads_query(QueryParameters(cache_control=choice))
def kept_private(request):
    response = HttpResponse("Yours alone.")
    response["Cache-Control"] = request.GET.get("cache_control", "private")
    return response


@reads_query(QueryParameters())
def setting_a_cookie(request):
    response = HttpResponse("Remembered your choice.")
    response.set_cookie("choice", "large-print")
    return response


urlpatterns = [
    path("answer/", any_method),
    path("remember/", setting_a_cookie),
    path("private/", kept_private),
]


@pytest.mark.urls(__name__)
class TestWhatIsNeverStored:
    """Pages that answer 200 to anyone, yet must never be stored or served from the cache."""

    def test_a_post_is_never_stored_nor_answered_from_the_cache(self, client):
        for _ in range(2):
            response = client.post("/answer/")
            assert response.text == "Answered a POST."
            assert "X-Cache" not in response
        assert client.get("/answer/")["X-Cache"] == "miss"
        assert client.post("/answer/").text == "Answered a POST."

    @pytest.mark.parametrize("cache_control", ["private", "no-store", "max-age=0, no-store"])
    def test_an_answer_marked_private_or_no_store_is_never_stored(self, client, cache_control):
        for _ in range(2):
            response = client.get("/private/", {"cache_control": cache_control})
            assert response["Cache-Control"] == cache_control
            assert "X-Cache" not in response

    def test_an_answer_that_sets_a_cookie_is_never_stored(self, client):
        for _ in range(2):
            response = Client().get("/remember/")
            assert response.cookies["choice"].value == "large-print"
            assert "X-Cache" not in response
