"""gunicorn's access log, less the requests it must not record.

nginx keeps the same rules (deploy/nginx.conf): nothing about the anonymous
intelligence journey is logged (DESIGN.md: nothing that could identify an
informant), and a link to resume a saved report is not logged either, its
token being in the path: whoever read the log could open the draft.
"""

from gunicorn.glogging import Logger

UNLOGGED_PREFIXES = ("/tell-us/", "/report/resume/")


def is_logged(path: str) -> bool:
    return not path.startswith(UNLOGGED_PREFIXES)


class AccessLog(Logger):
    def access(self, resp, req, environ, request_time):
        if not is_logged(environ.get("PATH_INFO", "")):
            return
        super().access(resp, req, environ, request_time)
