"""
Pieces of pages that many pages share (the case index's menus, a case's row in its table),
worked out from the content once and kept in this process under the content version they were
worked out from (qiportal.changes). Every change readers could see replaces the version, so the
first request after a change works them out again, as the page cache renders its pages again:
a change shows on the very next request, in every process and on every app server.

A request reads the version once (`version(request)`), before anything it works out from the
database, so what is kept under a version is never older than that version (as the page cache
keeps a page under the version read before rendering it). Keep here only what every reader sees
alike: nothing from a staff member's preview or a draft.
"""

import threading

from django.core.cache import cache

from qiportal.changes import CONTENT_VERSION_KEY, content_version

MISSING = object()


def version(request=None):
    """The content version this request works from, read from the cache once per request (each
    time, without a request)."""
    if request is None:
        return content_version(cache.get(CONTENT_VERSION_KEY))
    try:
        return request.content_version
    except AttributeError:
        request.content_version = content_version(cache.get(CONTENT_VERSION_KEY))
        return request.content_version


class Memo:
    """Values worked out from the content, for one content version at a time: asked under a
    new version it starts empty. It holds at most `limit` values, the oldest going first."""

    def __init__(self, limit):
        self.limit = limit
        self._lock = threading.Lock()
        self._state = (None, {})  # (version, {key: value}), replaced as one

    def _values(self, version):
        held, values = self._state
        if held != version:
            values = {}
            self._state = (version, values)
        return values

    def _keep(self, values, found):
        with self._lock:
            values.update(found)
            while len(values) > self.limit:
                del values[next(iter(values))]

    def get(self, version, key, work):
        """The value for `key`, from `work()` the first time it is asked for under `version`."""
        values = self._values(version)
        value = values.get(key, MISSING)
        if value is MISSING:
            value = work()
            self._keep(values, {key: value})
        return value

    def get_many(self, version, keys, work):
        """{key: value} for `keys`; `work(missing keys)` gives {key: value} for those it finds
        (a key it does not find has none)."""
        values, found, missing = self._values(version), {}, []
        for key in keys:
            value = values.get(key, MISSING)
            if value is MISSING:
                missing.append(key)
            else:
                found[key] = value
        if missing:
            worked = work(missing)
            self._keep(values, worked)
            found.update(worked)
        return found
