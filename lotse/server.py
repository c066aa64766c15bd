"""Run the service under gunicorn, the production server, from ``lotse serve``."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from lotse import create_app
from routing.search import warm_up


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


def run(graph: str | None, host: str, port: int, workers: int) -> None:
    """Serve on ``host:port`` with ``workers`` processes; each loads the graph after the fork."""
    app = create_app({"GRAPH_PATH": graph} if graph else None)
    app.extensions["lotse.graphs"].prepare()  # compile the demo map once, before the fork
    warm_up()  # ... and the search kernel: the workers inherit it
    _Gunicorn(app, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        # Never log query strings or bodies: they may hold positions.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        "timeout": 60,
    }).run()
