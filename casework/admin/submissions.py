"""What the public sent, as staff read it: each channel says how to show it.

casework does not import the channel apps (DESIGN.md); each registers, from
its own admin module, a function that turns its record of a case into
readable sections: ``[{"title": ..., "rows": [{"question", "answer"}]}]``.
"""

from collections.abc import Callable

from casework.models import Case

Sections = list[dict]
_PROVIDERS: dict[str, Callable[[Case], Sections | None]] = {}


def register_submission(channel: str, provider: Callable[[Case], Sections | None]):
    _PROVIDERS[channel] = provider


def submission_sections(case: Case) -> Sections | None:
    provider = _PROVIDERS.get(case.channel)
    return provider(case) if provider else None
