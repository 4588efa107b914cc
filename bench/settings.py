"""Settings for benchmarks: the site's own, plus a floor view to compare with."""

from hertsreport.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
