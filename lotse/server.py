"""Run the service under gunicorn, the production server, from ``lotse serve``."""

from __future__ import annotations

import json
import logging

from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from lotse import create_app, redact_path
from lotse.problems import Problem
from routing.search import warm_up

#: Never log query strings or bodies (they may hold positions), nor session ids (see AccessLogger).
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
#: Bytes of a request line gunicorn accepts (its default): a place query (q: 200 characters) takes under 2 KB.
LIMIT_REQUEST_LINE = 4094


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        return True


class AccessLogger(Logger):
    """gunicorn's logger, without session ids or query strings in the request's path or line.

    A session id is the bearer secret of a walker's guidance session (it reads
    the last position), so ``/sessions/<id>/positions`` is logged as such.
    gunicorn's error log ("Error handling request /sessions/...") is redacted too.
    """

    def setup(self, cfg) -> None:  # noqa: ANN001 - gunicorn's Config
        super().setup(cfg)
        self.error_log.addFilter(_Redact())

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001 - gunicorn's signature
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms.get("U") or "")
        atoms["r"] = redact_path(atoms.get("r") or "")
        atoms["q"] = "-"
        for key in ("{raw_uri}e", "{path_info}e", "{query_string}e", "{request_uri}e"):
            if key in atoms:
                atoms[key] = "-"
        return atoms


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def problem_error(sock, status_int: int, reason: str, mesg: str) -> None:  # noqa: ANN001 - a socket
    """gunicorn's answer to a request it rejects before the app sees it, as problem+json instead of HTML.

    Replaces ``gunicorn.util.write_error`` in the workers (``post_worker_init``):
    a URI over :data:`LIMIT_REQUEST_LINE` bytes (414), too large headers (431),
    a malformed request line or header (400), or gunicorn's own 500.
    """
    if status_int == 414:
        problem = Problem("uri-too-long", f"{mesg}: request lines are limited to {LIMIT_REQUEST_LINE} bytes. "
                          "Shorten the query (q is at most 200 characters), or send long inputs in a POST body.",
                          status=414)
    elif status_int == 431:
        problem = Problem("headers-too-large", f"{mesg}. Send fewer or shorter headers.", status=431)
    elif status_int >= 500:
        problem = Problem("internal-error", mesg or "An unexpected error occurred; it has been logged.",
                          status=status_int)
    else:
        problem = Problem("bad-request", f"The HTTP request is malformed: {mesg or reason}.", status=status_int)
    body = json.dumps(problem.to_dict(), ensure_ascii=True).encode("ascii")
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    gunicorn_util.write_nonblock(sock, head.encode("latin-1") + body)


def _post_worker_init(worker) -> None:  # noqa: ANN001 - a gunicorn worker
    gunicorn_util.write_error = problem_error  # the worker base calls util.write_error for rejected requests


def run(graph: str | None, host: str, port: int, workers: int) -> None:
    """Serve on ``host:port`` with ``workers`` processes; each loads the graph after the fork."""
    app = create_app({"GRAPH_PATH": graph} if graph else None)
    app.extensions["lotse.graphs"].prepare()  # compile the demo map once, before the fork
    warm_up()  # ... and the search kernel: the workers inherit it
    _Gunicorn(app, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": AccessLogger,
        "limit_request_line": LIMIT_REQUEST_LINE,
        "post_worker_init": _post_worker_init,
        "timeout": 60,
    }).run()
