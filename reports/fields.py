"""Moved to hertsreport.fields (shared by every app); kept while imports move."""

from hertsreport.fields import *  # noqa: F403
from hertsreport.fields import _cap  # noqa: F401
