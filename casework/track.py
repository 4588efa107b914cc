"""Track a report: the public end of a case.

Anyone with the reference and the email address given with it (or, for
anonymous intelligence, the passphrase) can see the case's status, the
updates staff sent, and add information. A wrong reference and a wrong email
get the same answer, so the page cannot be used to find out which references
exist; attempts are rate limited per (hashed) address and per reference.
No session is created: the result is shown in the response to the POST, and
the add-information form carries a signed, short-lived token.
"""

import hashlib
import hmac
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from casework.models import Case, CaseEvent
from casework.references import normalise_reference
from hertsreport.ratelimit import anonymous_client_key

SIGNING_SALT = "casework.track"
TOKEN_MAX_AGE = 3600
ATTEMPTS = "10/15m"


class TrackingRefused(Exception):
    pass


def too_many_attempts(request, reference: str) -> bool:
    by_address = is_ratelimited(
        request,
        group="track:address",
        key=anonymous_client_key,
        rate=ATTEMPTS,
        increment=True,
    )
    by_reference = is_ratelimited(
        request,
        group="track:reference",
        key=lambda group, request: hashlib.sha256(reference.encode()).hexdigest(),
        rate="20/h",
        increment=True,
    )
    return by_address or by_reference


@cache
def dummy_hash() -> str:
    return make_password("not a passphrase anyone has")


def find_case(*, reference: str, secret: str) -> Case | None:
    """The case when reference and email (or passphrase) belong together.

    Every attempt checks one password hash, whether or not the reference
    exists or has a passphrase, so the time taken tells nothing either.
    """
    normalised = normalise_reference(reference)
    case = Case.objects.filter(reference=normalised).first() if normalised else None
    secret = (secret or "").strip()
    passphrase_hash = (case and case.access_passphrase_hash) or dummy_hash()
    passphrase_matches = check_password(secret, passphrase_hash)
    if case is None:
        return None
    email_matches = bool(case.contact_email) and hmac.compare_digest(
        case.contact_email.casefold().encode(), secret.casefold().encode()
    )
    if email_matches or (case.access_passphrase_hash and passphrase_matches):
        return case
    return None


def token_for(case: Case) -> str:
    return signing.dumps(case.pk, salt=SIGNING_SALT)


def case_for_token(token: str) -> Case:
    try:
        case_id = signing.loads(token, salt=SIGNING_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise TrackingRefused(
            _("This page has expired. Find your report again.")
        ) from error
    return Case.objects.get(pk=case_id)


def public_timeline(case: Case) -> list[CaseEvent]:
    return list(case.events.filter(is_public=True).order_by("created_at", "pk"))
