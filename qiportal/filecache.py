"""
Django's file-based cache, without zlib.

What this cache holds is mostly rendered pages, read far more often than written; decompressing
them took a third of the time of serving a cached page. The files are a little larger.

And without culling: Django's lists the whole cache directory on every write, to count the
entries against MAX_ENTRIES, so a write gets slower as the cache grows, and when it is full it
deletes entries at random, the pages everyone reads as likely as any. What this site stores is
bounded by its keys instead: a page per public address without a query, a fixed number of slots
for pages with one (qiportal.cache), a few keys of state. Expired entries are removed when read.
"""

import os
import pickle
from contextlib import suppress

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class FileCache(FileBasedCache):
    def _cull(self):
        """Nothing to cull: see above."""

    def get(self, key, default=None, version=None):
        name = self._key_to_file(key, version)
        try:
            with open(name, "rb") as file:
                if not self._is_expired(file):
                    return pickle.load(file)
        except FileNotFoundError:
            pass
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            # Written in another format (Django's zlib one, say) or cut short: a miss.
            with suppress(FileNotFoundError):
                os.remove(name)
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as file:
                locks.lock(file, locks.LOCK_EX)
                try:
                    if self._is_expired(file):
                        return False
                    value = pickle.load(file)
                    file.seek(0)
                    self._write_content(file, timeout, value)
                    file.truncate()
                    return True
                finally:
                    locks.unlock(file)
        except FileNotFoundError:
            return False
