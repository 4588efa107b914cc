"""Valid answers for every page of the report journey, as a browser posts them."""

VALID_POSTS = {
    "kind": {"kind": "theft_cycle"},
    "when": {"when": "on"},
    "when-date": {"date_0": "3", "date_1": "11", "date_2": "2026", "time": "2:30pm"},
    "when-between": {
        "date_from_0": "1",
        "date_from_1": "11",
        "date_from_2": "2026",
        "date_to_0": "3",
        "date_to_1": "11",
        "date_to_2": "2026",
    },
    "where": {"place": "Outside the station, Hitchin", "postcode": "sg5 1aa"},
    "what-happened": {"description": "My bike was taken from the rack."},
    "role": {"role": "victim"},
    "victim": {"victim_name": "Corner Shop Ltd", "relationship": "Manager"},
    "your-details": {
        "full_name": "Sam Reporter",
        "email": "sam@example.com",
        "phone": "07700 900982",
    },
    "contact": {"methods": ["email", "phone"], "voicemail": "yes", "safe_times": ""},
    "repeat": {"repeat": "no"},
    "vulnerability": {"vulnerable": "no"},
    "help": {"needs": ["none"], "language": "", "adjustments": ""},
    "suspect-known": {"knows_suspect": "no"},
    "suspects": {"name": "", "description": "Tall, red coat"},
    "vehicles-involved": {"vehicles_involved": "no"},
    "vehicles": {"registration": "AB12 CDE", "description": "", "whose": "suspect"},
    "items": {
        "description": "Blue Raleigh bicycle",
        "value": "350",
        "serial_number": "",
    },
    "witness-known": {"witnesses": "no"},
    "witnesses": {"name": "Pat", "contact": "", "saw": ""},
    "evidence": {"cctv": "not_sure", "evidence": ""},
    # Optional: Continue with no files chosen goes on.
    "files": {},
}


def complete_journey(client, overrides: dict | None = None, *, max_pages: int = 40):
    """Answer the screening question, then every page the journey asks for.

    Follows the site's own redirects, so it walks exactly the pages that
    apply. Returns the response for the check-your-answers page.
    """
    posts = {**VALID_POSTS, **(overrides or {})}
    response = client.post("/report/emergency/", {"emergency": "no"})
    for _ in range(max_pages):
        location = response["Location"]
        if location == "/report/check/":
            return client.get(location)
        slug = location.strip("/").split("/")[-1]
        response = client.post(location, {**posts[slug], "action": "continue"})
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    raise AssertionError("the journey did not reach check your answers")
