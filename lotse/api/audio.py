"""``GET /api/v1/audio/<key>.wav``: cached speech, immutable per key."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, send_file

from lotse.api.spec import documented
from lotse.problems import Problem

bp = Blueprint("audio", __name__)

_KEY = re.compile(r"^[0-9a-f]{16,64}$")


@bp.get("/audio/<key>.wav")
@documented(
    "Spoken text as a WAV file (from a route's audio URLs)",
    responses={200: ("WAV audio", {"type": "string", "format": "binary"}), 404: ("Unknown key", None)},
    content_types={200: "audio/wav"},
    tag="guidance",
)
def audio(key: str):
    if not _KEY.match(key):
        raise Problem("not-found", "Audio keys are hexadecimal strings from a route response.")
    speech = current_app.extensions["lotse.speech"]
    path = speech.path_for(key)
    if path is None:
        raise Problem("not-found", f"No audio with key {key}; request the route again with \"audio\": true.")
    # The key is a hash of (text, voice, rate): the file never changes, so it may be cached for long.
    response = send_file(path, mimetype="audio/wav", etag=key, max_age=31536000, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
