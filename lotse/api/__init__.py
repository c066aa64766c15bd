"""The HTTP API, version 1: one blueprint per concern under ``/api/v1``."""

from __future__ import annotations

from flask import Flask

from lotse.api import admin, meta, obstacles, places, routes
from lotse.api import audio, exports, feedback, scenarios
from lotse.api import orientation, sessions
from lotse.api import beacons, locate

PREFIX = "/api/v1"


def register(app: Flask) -> None:
    """Mount every blueprint of the API."""
    app.register_blueprint(meta.bp, url_prefix=PREFIX)
    app.register_blueprint(routes.bp, url_prefix=PREFIX)
    app.register_blueprint(audio.bp, url_prefix=PREFIX)
    app.register_blueprint(places.bp, url_prefix=PREFIX)
    app.register_blueprint(obstacles.bp, url_prefix=PREFIX)
    app.register_blueprint(admin.bp, url_prefix=PREFIX)
    app.register_blueprint(exports.bp, url_prefix=PREFIX)
    app.register_blueprint(scenarios.bp, url_prefix=PREFIX)
    app.register_blueprint(feedback.bp, url_prefix=PREFIX)
    app.register_blueprint(sessions.bp, url_prefix=PREFIX)
    app.register_blueprint(orientation.bp, url_prefix=PREFIX)
    app.register_blueprint(beacons.bp, url_prefix=PREFIX)
    app.register_blueprint(locate.bp, url_prefix=PREFIX)
