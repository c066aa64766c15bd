"""Speech worker process: owns the only pyttsx3 engine, one WAV per request item.

Run as a script (``python -P _tts_worker.py``) by :mod:`voice.speech`; it
imports nothing from ``voice``, and only the benchmark imports it (to compare
the in-process design). A separate process because espeak-ng, once
initialised, hangs in a forked child (measured: a fork after one synthesis
blocks in SetVoiceByName; pyttsx3 runs espeak-ng with its own queue thread,
which the child does not have), and because a crash or hang of the engine must not take the
service with it. Protocol: one JSON object per line on stdin / stdout.

    -> {"id": 1, "voice": "gmw/de", "rate": 170, "items": [{"text": ..., "path": ...}]}
    <- {"id": 1, "results": [{"ok": true} | {"ok": false, "error": "..."}]}

The first line written is ``{"ready": true, "voices": [...]}`` or
``{"ready": false, "error": "..."}``. pyttsx3 prints to stdout, so the
protocol uses a duplicate of the original stdout and fd 1 goes to /dev/null.

The rate is not set with ``setProperty("rate")``: pyttsx3 runs espeak-ng in
its asynchronous retrieval mode, where a changed rate is often ignored or
reverted (measured: of 60 random voice/rate changes, 36 came out at a stale
rate). Instead every text starts with espeak's embedded speed command
``\x01<wpm>S``, which is applied while that very text is synthesised (0 of
60 wrong). The parent strips control characters from texts, so no text can
carry embedded commands of its own.

``runAndWait`` does not wait for espeak-ng: its queued ``endLoop`` runs before
the asynchronous synthesis starts, so it returns after one 10 ms sleep,
sometimes before the WAV is written (measured: empty or missing files in
about 1 of 40 fresh engines) and, worse, while the next ``save_to_file``
could redirect the audio to another file. The worker therefore waits for the
driver's "finished-utterance" notification, sent after the file is written,
before it answers or starts the next text; a text that never finishes ends
the worker so that no late callback can write into a later file.

Each ``runAndWait`` also calls the driver's ``stop()``, which cancels whatever
espeak-ng still has in its queue. Right after a text finished, espeak-ng is
sometimes still busy for a moment, and the next text is then cancelled and
saved empty (measured: 6 of 4500 texts, every one after ``IsPlaying()`` was
true). The worker waits until espeak-ng is idle before each text (0 of 4500),
and counts only utterances that finished completely.
"""

import json
import os
import sys
import threading
import time

ITEM_TIMEOUT_S = 15.0


class Speaker:
    """One pyttsx3 engine that writes one complete WAV per call, or says why not."""

    def __init__(self) -> None:
        import pyttsx3

        self.engine = pyttsx3.init("espeak")
        self.voices = [{"id": v.id, "languages": [str(x) for x in (v.languages or [])]}
                       for v in self.engine.getProperty("voices")]
        try:
            from pyttsx3.drivers import _espeak

            self._is_busy = _espeak.IsPlaying
        except Exception:  # noqa: BLE001 - another pyttsx3 layout: rely on the checks after
            self._is_busy = lambda: 0
        self._voice: str | None = None
        self._finished = [0, 0]  # utterances finished: all, and cut short
        self._cond = threading.Condition()
        self.engine.connect("finished-utterance", self._on_finished)
        self.stalled = False

    def _on_finished(self, completed: bool = True, **_kw) -> None:
        # The driver's utterance names are unreliable, so finished texts are counted.
        with self._cond:
            self._finished[0] += 1
            self._finished[1] += 0 if completed else 1
            self._cond.notify_all()

    def _wait_idle(self, deadline: float) -> bool:
        while self._is_busy():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def save(self, text: str, path: str, voice: str, rate: int) -> str | None:
        """Synthesise ``text`` into ``path``; None when done, else the error."""
        if self.stalled:
            return "engine stalled on an earlier text"
        if voice != self._voice:
            self.engine.setProperty("voice", voice)
            self._voice = voice
        if not self._wait_idle(time.monotonic() + ITEM_TIMEOUT_S):
            self.stalled = True
            return "engine stayed busy"
        with self._cond:
            target, cut = self._finished[0] + 1, self._finished[1]
        # One save_to_file per runAndWait: pyttsx3 writes only the last of
        # several queued saves.
        self.engine.save_to_file(f"\x01{int(rate)}S{text}", path)
        self.engine.runAndWait()
        with self._cond:  # runAndWait may return before the file is written
            done = self._cond.wait_for(lambda: self._finished[0] >= target, timeout=ITEM_TIMEOUT_S)
            was_cut = self._finished[1] != cut
        if not done:
            self.stalled = True
            return "synthesis did not finish"
        return "synthesis was cut short" if was_cut else None


def main() -> int:
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - pyttsx3 prints "Audio saved to"

    def send(obj: dict) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    try:
        speaker = Speaker()
    except Exception as exc:  # noqa: BLE001 - any failure means "no engine"
        send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    send({"ready": True, "voices": speaker.voices, "pid": os.getpid()})
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        results = []
        for item in req["items"]:
            try:
                error = speaker.save(item["text"], item["path"], req["voice"], int(req["rate"]))
            except Exception as exc:  # noqa: BLE001
                error = f"{type(exc).__name__}: {exc}"
            results.append({"ok": True} if error is None else {"ok": False, "error": error})
        send({"id": req.get("id"), "results": results})
        if speaker.stalled:
            return 2  # a late callback could write into a later file: start afresh
    return 0


if __name__ == "__main__":
    sys.exit(main())
