"""Hertfordshire's ten districts and the postcode outward codes that lie in each.

Some outward codes straddle a district boundary; each is listed once, under
the district that holds most of its addresses. Routing treats the result as a
first guess that control-room staff can change.
"""

DISTRICT_OUTWARD_CODES: dict[str, list[str]] = {
    "Broxbourne": ["EN7", "EN8", "EN10", "EN11"],
    "Dacorum": ["HP1", "HP2", "HP3", "HP4", "HP23", "WD4"],
    "East Hertfordshire": [
        "SG9",
        "SG10",
        "SG11",
        "SG12",
        "SG13",
        "SG14",
        "CM21",
        "CM22",
        "CM23",
    ],
    "Hertsmere": ["WD6", "WD7", "WD23", "EN6"],
    "North Hertfordshire": ["SG3", "SG4", "SG5", "SG6", "SG7", "SG8"],
    "St Albans": ["AL1", "AL2", "AL3", "AL4", "AL5"],
    "Stevenage": ["SG1", "SG2"],
    "Three Rivers": ["WD3", "WD5"],
    "Watford": ["WD17", "WD18", "WD19", "WD24", "WD25"],
    "Welwyn Hatfield": ["AL6", "AL7", "AL8", "AL9", "AL10"],
}

# Teams that serve the whole county. Every district also has its own
# Safer Neighbourhood Team.
COUNTY_TEAMS: list[tuple[str, str]] = [
    ("Force Control Room", "control_room"),
    ("Crime Management Unit", "investigation"),
    ("Force Intelligence Bureau", "intelligence"),
    ("Hate Crime Unit", "investigation"),
    ("Roads Policing Unit", "investigation"),
]
