"""Lotse: accessible pedestrian routing and spoken guidance, as a Flask service.

``create_app`` is the application factory; ``lotse.cli`` the command line.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the Lotse service.

    ``config`` overrides the settings of :mod:`lotse.config` (``GRAPH_PATH``,
    ``DATA_DIR``, ...). The graph is loaded on first use, so a process that
    forks workers after creating the app does not copy half-loaded state.
    """
    from lotse import api, problems
    from lotse.config import defaults
    from lotse.graphs import GraphStore
    from voice.speech import Synthesizer

    app = Flask(__name__, instance_relative_config=True)
    app.config.update(defaults())
    if config:
        app.config.update(config)
    data_dir = Path(app.config["DATA_DIR"] or app.instance_path)
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config["DATA_DIR"] = str(data_dir)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["lotse.graphs"] = GraphStore(app.config["GRAPH_PATH"], data_dir, app.config["MAX_SNAP_M"])
    app.extensions["lotse.speech"] = Synthesizer(  # starts its engine on first use
        data_dir / "audio", max_cache_bytes=int(float(app.config["AUDIO_CACHE_MB"]) * 1024 * 1024))
    from lotse import db, obstacles

    app.extensions["lotse.obstacles"] = obstacles.ObstacleService(db.init_app(app), app.extensions["lotse.graphs"])
    from lotse import beacon_registry

    beacon_registry.install(app)  # the registry, and beacon positioning for live guidance ("lotse.locate")
    problems.register(app)
    api.register(app)
    app.after_request(_no_type_without_content)
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, _QueryStringFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(_QueryStringFilter())
    return app


def _no_type_without_content(response: Response) -> Response:
    """A 204 has no body, so no content type either (Flask would label it text/html)."""
    if response.status_code == 204:
        response.headers.pop("Content-Type", None)
    return response


_QUERY = re.compile(r"\?\S*")
#: A session id is a bearer secret (it reads the session's last position): never in a log.
_SESSION_ID = re.compile(r"(/sessions/)[^/?\s\"]+")


def redact_path(text: str) -> str:
    """``text`` (a path, a request line, a log message) without query strings and session ids."""
    return _SESSION_ID.sub(r"\1<id>", _QUERY.sub("", text))


class _QueryStringFilter(logging.Filter):
    """Drop query strings (they may carry positions) and session ids from the dev server's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _SESSION_ID.sub(r"\1<id>", record.msg)
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        return True
