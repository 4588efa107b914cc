"""Rate-limit keys that identify no one.

django-ratelimit counts requests per key in the cache. Keying on the client
address would keep addresses in the cache, so the key is an HMAC of the
address under a key that changes every hour and is derived from SECRET_KEY:
it cannot be reversed to an address, and after the hour it cannot even be
linked to the same address again. Counters expire with their window.
"""

import hashlib
import hmac
import time

from django.conf import settings

ROTATION_SECONDS = 3600


def client_address(request) -> str:
    # nginx sets X-Forwarded-For on every path except /tell-us/, where the
    # informant's address is not passed to Django at all.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def anonymous_client_key(group: str, request) -> str:
    """A django-ratelimit `key` callable: a keyed, rotating hash of the address."""
    period = int(time.time() // ROTATION_SECONDS)
    secret = hmac.new(
        settings.SECRET_KEY.encode(), f"ratelimit:{period}".encode(), hashlib.sha256
    ).digest()
    return hmac.new(
        secret, client_address(request).encode(), hashlib.sha256
    ).hexdigest()
