"""
Anonymous readers' pages, rendered once and then served from the shared cache.

A page is kept under its address as the page reads it: the path, and the query parameters its
view declares, in their normal form (qiportal.parameters), so a tracking tag or a parameter no
page reads never makes a new entry, and `?page=1` is the page without one. Pages without a query
(the pages everyone reads) have an entry each. Pages with one (searches, filter combinations: a
long tail anyone can make longer) share PAGE_CACHE_TAIL_ENTRIES slots, one page a slot, chosen by
the address's hash: a flood of distinct queries replaces only tail pages, never a page without a
query, and never grows the cache past that many entries. So the cache's size is bounded by its
keys (the content's pages, plus the tail) and no write has to count or cull what is there.

Every cached page is stored with the content version it was rendered from, and every change
readers could see replaces the version (qiportal.changes, after the change commits), so no
worker and no app server ever serves a page older than the last change: the next request
renders it again, in the same cache entry. The cache is shared (Redis, or files on one machine),
so one worker's render serves them all. A hit costs one read of the cache (the content version,
the schedule and the page together: one round trip to Redis) and no query.

Every request, cached or not, also lets scheduled publication see whether a publication time
has come (qiportal.scheduling.check: work starts in a thread of its own, never in this request).

Never cached, never served from the cache: pages of a view that does not declare the parameters
it reads, anything for a request that carries a session cookie (staff: drafts, previews, the
admin), methods other than GET and HEAD, answers other than 200, streamed answers (downloads),
answers that set a cookie, and pages marked `no-store` (a view's answer to a value it refuses,
so junk never makes an entry). Those for a logged-in user are marked `private, no-store`, so no
proxy or CDN keeps them either.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers

from qiportal.changes import CONTENT_VERSION_KEY, SCHEDULE_KEY
from qiportal.parameters import declared
from qiportal.scheduling import check, content_state

NEVER_CACHED = ("/admin/", "/markdownx/")


@functools.lru_cache(maxsize=4096)
def parameters_at(urlconf, path):
    """The parameters the view at `path` declares, or None. Kept for the paths asked for most:
    looking a path up in the URLconf took a third of a cached page's time."""
    try:
        return declared(resolve(path, urlconf).func)
    except Resolver404:
        return None


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parameters = self.normalise(request)
        if parameters is None or not self.for_anyone(request):
            check()
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True, no_store=True)
            return response
        key, address = self.key(request)
        if key is None:  # a query, and no room kept for queries
            check()
            return self.get_response(request)
        found = cache.get_many([CONTENT_VERSION_KEY, SCHEDULE_KEY, key])
        version = content_state(found)
        stored = found.get(key)
        if stored is not None and stored[:2] == (version, address):
            return self.rebuild(*stored[2:])
        response = self.get_response(request)
        if self.may_keep(response):
            self.mark_public(response)
            stored = (version, address, *self.freeze(response))
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def normalise(request):
        """
        The parameters the request's view declares (qiportal.parameters), with the request's
        query replaced by their normal form; None for a view that declares none (its query is
        left as sent), an address no view answers, and the admin.
        """
        if request.path.startswith(NEVER_CACHED) or request.method not in ("GET", "HEAD"):
            return None
        parameters = parameters_at(get_urlconf() or settings.ROOT_URLCONF, request.path_info)
        query_string = request.META.get("QUERY_STRING", "")
        if parameters is not None and query_string:
            request.META["QUERY_STRING"] = parameters.normal_query_string(query_string)
            # request.GET is read from META["QUERY_STRING"] when first asked for (WSGI and ASGI
            # requests alike): if anything read it already, it is read again, in normal form.
            # A cached page never needs it.
            request.__dict__.pop("GET", None)
        return parameters

    @staticmethod
    def for_anyone(request):
        return (
            settings.PAGE_CACHE_ENABLED
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(NEVER_CACHED)
        )

    @staticmethod
    def key(request):
        """
        (cache key, address) of the page: the address is its own for a page without a query;
        a page with one shares a slot of the tail with others, and the address stored with it
        says whose it is. (None, address) for a query when the tail has no slots.
        """
        gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{gzip}"
        address = hashlib.sha256(where.encode()).hexdigest()
        if not request.META.get("QUERY_STRING"):
            return f"qiportal:page:{address}", address
        slots = settings.PAGE_CACHE_TAIL_ENTRIES
        if slots <= 0:
            return None, address
        return f"qiportal:tail:{int(address[:16], 16) % slots}", address

    @staticmethod
    def may_keep(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def mark_public(response):
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.CDN_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        if not response.has_header("ETag"):
            # A fingerprint, not security: MD5 is refused on FIPS systems unless it says so.
            digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            response["ETag"] = f'"{digest}"'

    @staticmethod
    def freeze(response):
        return response.status_code, list(response.items()), response.content

    @staticmethod
    def rebuild(status, headers, content):
        return HttpResponse(content, status=status, headers={**dict(headers), "X-Cache": "hit"})
