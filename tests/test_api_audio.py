"""Audio in route responses: URLs per step, cached WAVs with ETags, text when speech is missing."""

from __future__ import annotations

import io
import wave

import pytest

from lotse import create_app
from voice.speech import SpeechUnavailable

SE = {"lat": 49.4433597, "lon": 7.7593084}
NE = {"lat": 49.4424604, "lon": 7.7593084}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data")), "TESTING": True})


def test_route_with_audio_has_playable_urls(app):
    client = app.test_client()
    body = client.post("/api/v1/routes", json={"from": SE, "to": NE, "audio": True, "speech_rate": 160}).get_json()
    assert body["audio"]["available"] is True
    urls = [body["route"]["properties"]["summary_audio"]] + [
        url for step in body["steps"] for url in step["audio"].values()]
    assert len(urls) >= 1 + len(body["steps"])
    response = client.get(urls[1])
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    with wave.open(io.BytesIO(response.data)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.5
    etag = response.headers["ETag"]
    assert "immutable" in response.headers["Cache-Control"]
    again = client.get(urls[1], headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_audio_keys_are_checked(app):
    client = app.test_client()
    assert client.get("/api/v1/audio/notakey.wav").status_code == 404
    missing = client.get("/api/v1/audio/" + "0" * 64 + ".wav")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_without_speech_engine_the_route_still_has_its_text(app, monkeypatch):
    def broken(*args, **kwargs):
        raise SpeechUnavailable("espeak-ng not installed")

    monkeypatch.setattr(app.extensions["lotse.speech"], "synthesize_many", broken)
    response = app.test_client().post("/api/v1/routes", json={"from": SE, "to": NE, "audio": True})
    assert response.status_code == 200
    body = response.get_json()
    assert body["audio"]["available"] is False and "espeak-ng" in body["audio"]["detail"]
    assert all(step["text"]["main"] and "audio" not in step for step in body["steps"])
