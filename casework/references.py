"""Case references: a prefix, the year, a sequence number and a check letter.

"CR-26-004217-K" is crime report number 4,217 of the sequence, given in 2026.
The check letter is a weighted sum modulo 23, which catches every single
mistyped digit and every swap of two neighbouring digits, so the track page
can say "check the reference" instead of "not found".
"""

import re

# 23 letters: the alphabet without I, O and U, which are easily misread.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
assert len(CHECK_LETTERS) == 23

PREFIXES = {"report": "CR", "intelligence": "IN", "chat": "WC"}

_REFERENCE = re.compile(r"^([A-Z]{2})(\d{2})(\d{6,})([A-Z])$")


def check_letter(prefix: str, year: int, number: int) -> str:
    body = f"{prefix}{year % 100:02d}{number:06d}"
    values = [int(c, 36) for c in body]  # letters count as 10..35
    total = sum(weight * value for weight, value in enumerate(values, start=1))
    return CHECK_LETTERS[total % 23]


def format_reference(prefix: str, year: int, number: int) -> str:
    letter = check_letter(prefix, year, number)
    return f"{prefix}-{year % 100:02d}-{number:06d}-{letter}"


def normalise_reference(typed: str) -> str:
    """What people type ("cr 26 4217 k", "CR-26-004217-K") in the stored form.

    Returns "" when what was typed does not have the shape of a reference or
    its check letter does not match.
    """
    compact = re.sub(r"[\s\-/]+", "", typed or "").upper()
    match = _REFERENCE.match(compact)
    if not match:
        return ""
    prefix, year, number, letter = match.groups()
    if check_letter(prefix, int(year), int(number)) != letter:
        return ""
    return format_reference(prefix, int(year), int(number))
