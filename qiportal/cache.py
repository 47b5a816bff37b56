"""
Anonymous readers' pages, rendered once and then served from the shared cache.

Every cached page is stored with the content version it was rendered from, and every change
readers could see replaces the version (qiportal.changes, after the change commits), so no
worker and no app server ever serves a page older than the last change: the next request
renders it again, in the same cache entry. The cache is shared (Redis, or files on one machine),
so one worker's render serves them all. A hit costs one read of the cache (the content version,
the schedule and the page together: one round trip to Redis) and no query.

Every request, cached or not, also lets scheduled publication see whether a publication time
has come (qiportal.scheduling.check: work starts in a thread of its own, never in this request).

Never cached, never served from the cache: anything for a request that carries a session
cookie (staff: drafts, previews, the admin), methods other than GET and HEAD, answers other
than 200, streamed answers (downloads) and answers that set a cookie. Those for a logged-in
user are marked `private, no-store`, so no proxy or CDN keeps them either.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from qiportal.changes import CONTENT_VERSION_KEY, SCHEDULE_KEY
from qiportal.scheduling import check, content_state

NEVER_CACHED = ("/admin/", "/markdownx/")


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.for_anyone(request):
            check()
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True, no_store=True)
            return response
        key = self.key(request)
        found = cache.get_many([CONTENT_VERSION_KEY, SCHEDULE_KEY, key])
        version = content_state(found)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            return self.rebuild(*stored[1:])
        response = self.get_response(request)
        if self.may_keep(response):
            self.mark_public(response)
            cache.set(key, (version, *self.freeze(response)), settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response

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
        gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{gzip}"
        return f"qiportal:page:{hashlib.sha256(where.encode()).hexdigest()}"

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
