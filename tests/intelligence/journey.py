"""Walk the intelligence journey as a browser without JavaScript would."""

import re

VALID_POSTS = {
    "about": {"topic": "drug_dealing"},
    "what": {"information": "Cars come and go from the flat every evening."},
    "where": {"place": "Flats above the shops, Queensway", "postcode": "AL10 0AA"},
    "when": {"when": "regularly", "details": "Most evenings after 9pm"},
    "people-known": {"people_known": "yes"},
    "people": {
        "name": "",
        "nickname": "Tiny",
        "description": "Tall, red cap",
        "age": "about 20",
        "address": "",
        "social_media": "",
    },
    "vehicles-known": {"vehicles_known": "no"},
    "vehicles": {"registration": "AB12CDE", "description": "Black BMW"},
    "how-known": {"how_known": "saw"},
    "identity": {"give_details": "no"},
    "your-details": {
        "full_name": "Pat Informant",
        "email": "pat@example.com",
        "phone": "",
        "safe": "yes",
        "safe_times": "",
    },
    # No file chosen: the browser sends the field empty.
    "files": {},
}


def start(client, **extra) -> str:
    """Pass the danger question; returns the draft's first page address."""
    response = client.post("/tell-us/danger/", {"danger": "no"}, **extra)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def token_of(location: str) -> str:
    return re.match(r"^/tell-us/([^/]+)/", location).group(1)


def complete(client, overrides=None, **extra) -> str:
    """Answer every page that applies; returns the check page's address."""
    posts = {**VALID_POSTS, **(overrides or {})}
    location = start(client, **extra)
    for _ in range(30):
        if location.endswith("/check/"):
            return location
        slug = location.rstrip("/").split("/")[-1]
        response = client.post(location, {**posts[slug], "action": "continue"}, **extra)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
        location = response["Location"]
    raise AssertionError("did not reach the check page")


def submit(client, check_url: str, **extra):
    return client.post(check_url, {}, **extra)


def passphrase_on(html: str) -> str:
    return re.search(
        r'class="govuk-body hr-passphrase"><strong>([A-Z0-9-]+)</strong>', html
    ).group(1)


def reference_on(html: str) -> str:
    return re.search(r"<strong>(IN-\d\d-\d{6}-[A-Z])</strong>", html).group(1)
