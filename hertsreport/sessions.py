"""Sessions kept in the database and read through Redis (Django's cached_db),
so that Redis going down costs a database read instead of an error page.

Django's cached_db already falls back to the database when a cache read
fails, but then writes the cache back unguarded, and so do its exists() and
delete(): with Redis down, every page that carries a session (each step of
reporting a crime) would fail. Here each cache call is guarded, and a save
the cache refused drops the cached copy, so an older one is not read later.
Nothing logged names the session key: it is as good as the cookie.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


def _cache_failed(what: str) -> None:
    logger.warning("Session cache unavailable (%s): using the database", what)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            _cache_failed("read")
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(
                self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date)
            )
        except Exception:
            _cache_failed("copy")
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            _cache_failed("exists")
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            _cache_failed("save")
            self._forget_cached(self.session_key)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        self._forget_cached(session_key or self.session_key)

    def _forget_cached(self, session_key) -> None:
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            _cache_failed("delete")
