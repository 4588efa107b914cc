"""Which cases a member of staff may see: casework.access, which the workflow
also checks, so admin and every other caller apply the same rule."""

from casework.access import may_see, team_id_of, visible_cases

__all__ = ["may_see", "team_id_of", "visible_cases"]
