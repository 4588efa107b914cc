"""Gunicorn settings for the `web` service (HTTP behind nginx).

gunicorn serves every page and form; daphne only serves /ws/ (DESIGN.md:
a plain Django page ran ~7x faster on one gunicorn worker than on daphne).
"""

import os

# Only reachable inside the compose network; nginx is the sole client.
bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A sync worker serves one request at a time, so one persistent database
# connection each is all it needs, and cheaper than taking one from a pool
# for every request (about 15% more report submissions a second in
# bench/report_submit.py). The pool (settings.DB_POOL_MAX_SIZE) is for
# daphne's many threads.
os.environ.setdefault("DB_POOL_MAX_SIZE", "0")
# Sync workers: nginx buffers request bodies (uploads) and responses, so a
# slow client never holds a worker.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30

# nginx's address inside the compose network is not fixed, and gunicorn's
# port is not published, so trust the scheme headers from any peer.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Worker heartbeat files in memory rather than on the container's overlay
# disk (gunicorn's advice for Docker); gunicorn makes them with unique names.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

# No runtime control socket: it would be created under $HOME, and the
# container is managed by compose instead.
control_socket_disable = True

# Access log to stdout WITHOUT the client address (%(h)s), the user agent
# (%(a)s), the referrer (%(f)s) or the query string (%(r)s / %(q)s):
# DESIGN.md says nothing that could identify an anonymous informant may be
# logged, and query strings can carry resume tokens. Time, method, path,
# protocol, status, size and duration are enough to operate the service.
accesslog = "-"
# And not the requests nginx does not log either: the intelligence journey,
# and resume links (their token is in the path).
logger_class = "hertsreport.access_log.AccessLog"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %(p)s'
