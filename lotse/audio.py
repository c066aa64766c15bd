"""Spoken audio for a described route: synthesise its texts, attach their URLs.

Audio is an addition, never a condition: when the speech engine is missing or
fails, the route is answered with text and ``audio.available`` false with the
reason, so a client can fall back on its own screen reader.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import url_for

from voice.speech import SpeechError, Synthesizer

log = logging.getLogger(__name__)

TEXT_KEYS = ("pre", "main", "post")


def audio_url(key: str) -> str:
    """Public URL of a cached WAV."""
    return url_for("audio.audio", key=key)


def attach_audio(described: dict[str, Any], speech: Synthesizer, lang: str, rate: int) -> dict[str, Any]:
    """Add ``audio`` URLs to every step and the summary; return the audio status block."""
    props = described["route"]["properties"]
    texts = [props["summary"]] + [
        step["text"][k] for step in described["steps"] for k in TEXT_KEYS if step["text"].get(k)
    ]
    try:
        keys = speech.synthesize_many(texts, lang, rate)
    except (SpeechError, ValueError, OSError) as exc:
        log.warning("speech synthesis unavailable: %s", exc)
        return {"available": False, "detail": f"Audio is unavailable ({exc}); the texts are complete without it."}
    props["summary_audio"] = audio_url(keys[props["summary"]])
    for step in described["steps"]:
        step["audio"] = {k: audio_url(keys[step["text"][k]]) for k in TEXT_KEYS if step["text"].get(k)}
    return {"available": True, "format": "audio/wav", "rate": rate}
