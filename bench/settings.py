"""The benchmarks' settings: the project's own (config.settings, from the same environment), with the bench URLconf
(the project's URLs plus a trivial view, the baseline every page is compared with) and plain static files (no
manifest to build). Rate limits are turned off by bench/run.py's environment (RATE_LIMITS_ENABLED=0) for the in-process
measurements; the load test (bench/suite.py) turns them back on for its gunicorn with limits too high to refuse
anything, so that counting every request is part of what it measures.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
