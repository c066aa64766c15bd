"""Text -> WAV files with pyttsx3 driving espeak-ng, cached on disk.

Design (measured, see bench/bench_speech.py):

* The engine lives in a worker *process* (``_tts_worker.py``), started lazily
  on first use, one per Synthesizer and per PID. An in-process engine would
  start faster (~20 ms against ~200 ms) but espeak-ng, once initialised,
  hangs in a forked child, and a hang or crash of the engine would take the
  service down; a process can be killed and restarted. After a fork the child
  drops the parent's worker (without touching it) and starts its own.
* One ``save_to_file`` per ``runAndWait`` (pyttsx3 writes only the last of
  several queued saves); a whole route is sent as one batch, so a cold route
  of 30 texts costs one process start plus ~12 ms per text. The rate travels
  inside each text as an espeak embedded command, because espeak-ng in
  pyttsx3's asynchronous mode often ignores a changed rate parameter.
* Files are named ``<sha256(text, voice, rate)>.wav``; each is written to a
  temporary name, checked (RIFF/WAVE, complete, not silent) and moved into
  place with ``os.replace``, so concurrent writers never expose partial files.
* Without pyttsx3 or espeak-ng, :meth:`Synthesizer.available` is False and
  nothing raises at construction; synthesis raises :class:`SpeechUnavailable`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import unicodedata
import threading
import time
import uuid
import weakref
from pathlib import Path
from typing import Iterable, Sequence

from .wavcheck import WavError, check_wav

# Voice asked for per language (the name goes into the cache key) and the
# language codes to fall back on when that id is not installed.
VOICE_PREFERENCES: dict[str, tuple[str, ...]] = {"de": ("gmw/de", "de"), "en": ("gmw/en", "en-gb", "en")}
RATE_MIN, RATE_MAX, DEFAULT_RATE = 80, 450, 175  # words per minute (espeak-ng's range)
MAX_TEXT_CHARS = 2000
FORMAT_VERSION = 1  # bump when the audio format or engine settings change
RETRY_AFTER_S = 30.0  # a failed engine start is not retried more often than this
BATCH = 64  # items per worker request
USED_TOUCH_S = 3600.0  # a cache hit renews the file's "last used" time at most this often
KEEP_RECENT_S = 900.0  # files used this recently are never pruned: their URLs are in answers just given

_WORKER_SCRIPT = Path(__file__).with_name("_tts_worker.py")
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")


class SpeechError(RuntimeError):
    """Synthesis failed (engine error, timeout, invalid audio)."""


class SpeechUnavailable(SpeechError):
    """No working text-to-speech engine on this machine."""


def worker_command() -> list[str]:
    """Command that starts a worker; ``-P`` keeps voice/ off the worker's sys.path."""
    return [sys.executable, "-P", str(_WORKER_SCRIPT)]


def normalise_lang(lang: str) -> str:
    key = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    if key not in VOICE_PREFERENCES:
        raise ValueError(f"lang must be one of {tuple(VOICE_PREFERENCES)}, not {lang!r}")
    return key


def check_rate(rate: float) -> int:
    """Validate a speech rate in words per minute; returns it as int."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate != rate:
        raise ValueError(f"rate must be a number of words per minute, not {rate!r}")
    value = int(round(rate))
    if not RATE_MIN <= value <= RATE_MAX:
        raise ValueError(f"rate must be between {RATE_MIN} and {RATE_MAX} words per minute, not {rate}")
    return value


def clean_text(text: str) -> str:
    """One line of text, single spaces, no control characters; empty or overlong text is refused.

    Control characters are removed because espeak-ng reads ``\x01`` as the
    start of an embedded command (the worker uses one to set the rate).
    """
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("text is empty")
    if len(cleaned) > MAX_TEXT_CHARS:
        raise ValueError(f"text longer than {MAX_TEXT_CHARS} characters")
    return cleaned


def resolve_voice(lang: str, voices: list[dict]) -> str:
    """Installed voice id for a language: a preferred id, else by language code."""
    prefs = VOICE_PREFERENCES[lang]
    ids = [v["id"] for v in voices]
    for pref in prefs:
        if pref in ids:
            return pref
    for pref in prefs:
        for v in voices:
            langs = [str(x).lower() for x in v.get("languages", [])]
            if any(x == pref or x.startswith(pref + "-") for x in langs) or v["id"].split("/")[-1] == pref:
                return v["id"]
    raise SpeechUnavailable(f"no espeak-ng voice for language {lang!r}")


class _Worker:
    """One worker process and its pipes; belongs to the PID that started it."""

    def __init__(self, command: Sequence[str], start_timeout_s: float):
        self.owner = os.getpid()
        self._stderr = tempfile.TemporaryFile()
        self._buf = b""
        self._next_id = 0
        try:
            self.proc = subprocess.Popen(
                list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._stderr, bufsize=0, close_fds=True)
        except OSError as exc:
            self._stderr.close()
            raise SpeechUnavailable(f"cannot start speech worker: {exc}") from exc
        try:
            hello = self.read(time.monotonic() + start_timeout_s)
        except SpeechError as exc:
            self.kill()
            raise SpeechUnavailable(str(exc)) from exc
        if not hello.get("ready"):
            self.kill()
            raise SpeechUnavailable(f"speech engine unavailable: {hello.get('error', 'unknown error')}")
        self.voices: list[dict] = hello.get("voices", [])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _stderr_tail(self) -> str:
        try:
            self._stderr.seek(0)
            tail = self._stderr.read()[-500:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return f": {tail}" if tail else ""

    def read(self, deadline: float) -> dict:
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SpeechError("speech worker timed out")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise SpeechError(f"speech worker exited{self._stderr_tail()}")
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        try:
            return json.loads(line)
        except json.JSONDecodeError as exc:
            raise SpeechError(f"speech worker sent garbage: {line[:80]!r}") from exc

    def request(self, voice: str, rate: int, items: list[dict], timeout_s: float) -> list[dict]:
        self._next_id += 1
        msg = {"id": self._next_id, "voice": voice, "rate": rate, "items": items}
        try:
            self.proc.stdin.write((json.dumps(msg, ensure_ascii=False) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise SpeechError(f"speech worker gone{self._stderr_tail()}") from exc
        reply = self.read(time.monotonic() + timeout_s)
        if reply.get("id") != self._next_id:
            raise SpeechError("speech worker answered out of order")
        if "error" in reply:
            raise SpeechError(f"speech engine: {reply['error']}")
        results = reply.get("results", [])
        if len(results) != len(items):
            raise SpeechError("speech worker answered for the wrong number of texts")
        return results

    def kill(self) -> None:
        """Stop our own worker (never one inherited from a parent process)."""
        if os.getpid() != self.owner:
            return
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5.0)
        self._stderr.close()

    def forget(self) -> None:
        """In a forked child: close our copies of the parent's pipes, leave its worker alone."""
        for stream in (self.proc.stdin, self.proc.stdout, self._stderr):
            try:
                stream.close()
            except OSError:
                pass
        self.proc.returncode = 0  # not our child: never wait for it


def _stop(holder: list) -> None:
    worker = holder[0]
    holder[0] = None
    if worker is not None:
        worker.kill()


_INSTANCES: "weakref.WeakSet[Synthesizer]" = weakref.WeakSet()


class Synthesizer:
    """Speaks text into cached WAV files; safe to share between threads.

    ``cache_dir`` is created if missing. Nothing is started until the first
    synthesis or :meth:`available` call. ``max_cache_bytes`` bounds the
    cache: when new files push it over, the least recently used are deleted
    (see :meth:`prune`); ``None`` leaves it unbounded.
    """

    def __init__(self, cache_dir: str | os.PathLike, *, timeout_s: float = 20.0,
                 start_timeout_s: float = 15.0, retries: int = 1,
                 command: Sequence[str] | None = None, max_cache_bytes: int | None = None):
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.max_cache_bytes = max_cache_bytes
        self._written = 0  # bytes added since the cache size was last checked
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.retries = retries
        self._command = list(command) if command else None
        self._lock = threading.Lock()
        self._holder: list[_Worker | None] = [None]
        self._pid = os.getpid()
        self._failed_at: float | None = None
        self._error: str | None = None
        self._finalizer = weakref.finalize(self, _stop, self._holder)
        _INSTANCES.add(self)

    # --- engine lifecycle ------------------------------------------------

    def _after_fork(self) -> None:
        worker = self._holder[0]
        self._holder[0] = None
        if worker is not None:
            worker.forget()
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def _worker(self) -> _Worker:
        """The running worker, started on demand (caller holds the lock)."""
        if self._pid != os.getpid():
            self._after_fork()
        worker = self._holder[0]
        if worker is not None and worker.alive():
            return worker
        if worker is not None:
            _stop(self._holder)
        if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_AFTER_S:
            raise SpeechUnavailable(self._error or "speech engine unavailable")
        try:
            worker = _Worker(self._command or worker_command(), self.start_timeout_s)
        except SpeechUnavailable as exc:
            self._failed_at, self._error = time.monotonic(), str(exc)
            raise
        self._failed_at = self._error = None
        self._holder[0] = worker
        return worker

    def available(self) -> bool:
        """True when a working engine with German and English voices runs; never raises."""
        try:
            with self._lock:
                worker = self._worker()
                for lang in VOICE_PREFERENCES:
                    resolve_voice(lang, worker.voices)
            return True
        except Exception:  # noqa: BLE001 - "available" must never raise
            return False

    @property
    def last_error(self) -> str | None:
        """Why the engine is unavailable, for logs and the health endpoint."""
        return self._error

    def close(self) -> None:
        """Stop the worker process; it is restarted on the next synthesis."""
        with self._lock:
            if self._pid == os.getpid():
                _stop(self._holder)

    def __enter__(self) -> "Synthesizer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- cache -----------------------------------------------------------

    def key_for(self, text: str, lang: str, rate: float = DEFAULT_RATE) -> str:
        """Cache key: sha256 of (text, voice, rate) with a format version."""
        payload = json.dumps(
            {"v": FORMAT_VERSION, "text": clean_text(text),
             "voice": VOICE_PREFERENCES[normalise_lang(lang)][0], "rate": check_rate(rate)},
            ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def path_for(self, key: str) -> Path | None:
        """The cached WAV of a key, or None (also for anything that is not a key)."""
        if not isinstance(key, str) or not _KEY_RE.match(key):
            return None
        path = self.cache_dir / f"{key}.wav"
        return path if path.is_file() else None

    # --- synthesis -------------------------------------------------------

    def synthesize(self, text: str, lang: str, rate: float = DEFAULT_RATE) -> Path:
        """WAV file for one text (from the cache when present)."""
        key = self.synthesize_many([text], lang, rate)[text]
        return self.cache_dir / f"{key}.wav"

    def synthesize_many(self, texts: Iterable[str], lang: str, rate: float = DEFAULT_RATE) -> dict[str, str]:
        """Cache keys of many texts (a whole route), synthesising the missing ones in one batch."""
        lang, rate = normalise_lang(lang), check_rate(rate)
        keys: dict[str, str] = {}
        missing: dict[str, str] = {}
        for text in texts:
            if text in keys:
                continue
            key = keys[text] = self.key_for(text, lang, rate)
            if key not in missing and not self._hit(key):
                missing[key] = clean_text(text)
        if missing:
            with self._lock:
                self._render(missing, lang, rate)
            if self.max_cache_bytes is not None and self._written > self.max_cache_bytes // 10:
                self.prune()
        return keys

    def _hit(self, key: str) -> bool:
        """Whether a key is cached; a hit not used for a while is marked used now (for :meth:`prune`)."""
        path = self.cache_dir / f"{key}.wav"
        try:
            st = path.stat()
        except OSError:
            return False
        if time.time() - st.st_mtime > USED_TOUCH_S:
            try:
                os.utime(path)
            except OSError:
                pass
        return True

    def prune(self) -> int:
        """Delete the least recently used WAVs until the cache is under 80 % of ``max_cache_bytes``.

        "Used" is the file's modification time, renewed on cache hits at most
        every :data:`USED_TOUCH_S`. Files used within :data:`KEEP_RECENT_S`
        stay whatever the size: a route's audio URLs must still work when the
        phone fetches them. Returns the number of files deleted.
        """
        self._written = 0
        if self.max_cache_bytes is None:
            return 0
        files = []
        with os.scandir(self.cache_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".wav") and not entry.name.startswith("."):
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    files.append((st.st_mtime, st.st_size, entry.path))
        total = sum(size for _, size, _ in files)
        target = int(0.8 * self.max_cache_bytes)
        if total <= self.max_cache_bytes:
            return 0
        recent = time.time() - KEEP_RECENT_S
        deleted = 0
        for mtime, size, path in sorted(files):
            if total <= target or mtime > recent:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
            deleted += 1
        return deleted

    def _render(self, missing: dict[str, str], lang: str, rate: int) -> None:
        todo = [(k, t) for k, t in missing.items() if not (self.cache_dir / f"{k}.wav").is_file()]
        errors: dict[str, str] = {}
        for _attempt in range(self.retries + 1):
            if not todo:
                return
            worker = self._worker()
            voice = resolve_voice(lang, worker.voices)
            failed: list[tuple[str, str]] = []
            for start in range(0, len(todo), BATCH):
                chunk = todo[start:start + BATCH]
                failed += self._render_chunk(worker, voice, rate, chunk, errors)
                if failed and not worker.alive():
                    failed += todo[start + BATCH:]
                    break
            todo = failed
        if todo:
            first = errors.get(todo[0][0], "unknown error")
            raise SpeechError(f"could not synthesise {len(todo)} text(s): {first}")

    def _render_chunk(self, worker: _Worker, voice: str, rate: int,
                      chunk: list[tuple[str, str]], errors: dict[str, str]) -> list[tuple[str, str]]:
        tag = f"{os.getpid()}.{uuid.uuid4().hex[:12]}"
        tmp = {k: self.cache_dir / f".{k}.{tag}.tmp.wav" for k, _ in chunk}
        failed = []
        try:
            try:
                results = worker.request(voice, rate, [{"text": t, "path": str(tmp[k])} for k, t in chunk],
                                         self.timeout_s + 0.5 * len(chunk))
            except SpeechError as exc:
                _stop(self._holder)  # hung or dead: kill, the retry starts a fresh one
                for k, _ in chunk:
                    errors[k] = str(exc)
                return list(chunk)
            for (k, t), res in zip(chunk, results):
                try:
                    if not res.get("ok"):
                        raise WavError(res.get("error", "engine error"))
                    check_wav(tmp[k])
                    self._written += tmp[k].stat().st_size
                    os.replace(tmp[k], self.cache_dir / f"{k}.wav")
                except (WavError, OSError) as exc:
                    errors[k] = str(exc)
                    failed.append((k, t))
        finally:
            for path in tmp.values():
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
        return failed


def _after_fork_in_child() -> None:
    for synth in list(_INSTANCES):
        synth._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
