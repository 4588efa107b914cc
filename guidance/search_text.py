"""Plain-text helpers shared by search and feedback: no database here."""

import re
import unicodedata

MAX_QUERY_LENGTH = 100

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# Seven or more digits, allowing the spaces, dots, dashes and brackets that
# people put in phone numbers (and that would make other numbers identifying).
_LONG_NUMBER = re.compile(r"\+?\(?\d(?:[\s().-]*\d){6,}")
# A UK postcode, full or with the inward part only missing the letters.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)

REMOVED = "[removed]"


def normalise(text: str) -> str:
    """Lower case words separated by single spaces: how searches are compared.

    Accents are folded (“café” → “cafe”) and anything not a letter or digit
    separates words, so “Clare's Law” and “clares law” differ only by a
    space, which synonyms can cover.
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = text.encode("ascii", "ignore").decode().lower().replace("'", "")
    return _NOT_WORD.sub(" ", text).strip()[:MAX_QUERY_LENGTH].strip()


def words_of(text: str) -> list[str]:
    return normalise(text).split()


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether normalised `phrase` is in normalised `text` as whole words."""
    return f" {phrase} " in f" {text} "


def scrub_personal_details(text: str) -> str:
    """Take out what looks like an email address, phone number or postcode.

    Feedback and searches are anonymous; people sometimes type their details
    anyway, and we must not keep them.
    """
    text = _EMAIL.sub(REMOVED, text or "")
    text = _LONG_NUMBER.sub(REMOVED, text)
    return _POSTCODE.sub(REMOVED, text)
