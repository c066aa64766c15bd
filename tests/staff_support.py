"""Helpers of the staff tests: a Kaiserslautern graph, a real ``lotse serve``, the CLI, a small HTTP client.

Imported by tests/test_staff_*.py (not a conftest, so it cannot clash with
other fixtures). Real data is read from ../shared and must be there.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
KL_OSM = SHARED / "osm" / "kaiserslautern.osm.gz"

# Kaiserslautern: Hauptbahnhof -> bus stop Rathaus (see the issue).
HBF = {"lat": 49.43598, "lon": 7.76893}
RATHAUS = {"lat": 49.44566, "lon": 7.76869}

#: The ``lotse`` command of this interpreter (the console script may not be on PATH).
LOTSE = [sys.executable, "-c", "from lotse.cli import main; main()"]

_graphs: dict[str, Path] = {}


def kl_graph() -> Path:
    """The Kaiserslautern graph, built once per test session (fails, never skips, without ../shared)."""
    if "kl" not in _graphs:
        assert KL_OSM.exists(), f"{KL_OSM} is missing: the staff tests need ../shared/osm (see README)"
        out = Path(tempfile.mkdtemp(prefix="lotse-kl-")) / "kl.graph"
        subprocess.run([*LOTSE, "build", "--osm", str(KL_OSM), "-o", str(out)],
                       check=True, capture_output=True, text=True)
        _graphs["kl"] = out
    return _graphs["kl"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["LOTSE_DATA_DIR"] = str(data_dir)
    env.pop("DATABASE_URL", None)
    return env


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``lotse ARGS`` against the data folder; raises with its stderr on failure."""
    done = subprocess.run([*LOTSE, *args], env=env_for(data_dir),
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"lotse {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done


def create_key(data_dir: Path, role: str, name: str) -> str:
    return cli(data_dir, "keys", "create", "--role", role, "--name", name).stdout.strip().splitlines()[-1]


class PortTaken(Exception):
    """Another process bound the port first."""


class Server:
    """``lotse serve`` (gunicorn, 2 workers) as a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path, graph: Path | None, workers: int = 2):
        self.data_dir = Path(data_dir)
        self.graph = graph
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / f"server-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0, attempts: int = 3) -> "Server":
        """Start and wait for health; a port taken between choosing and binding it is chosen anew."""
        for attempt in range(attempts):
            try:
                return self._start(timeout)
            except PortTaken:
                if attempt == attempts - 1:
                    raise
                self.port = free_port()
                self.url = f"http://127.0.0.1:{self.port}"
                self.log_path = self.data_dir / f"server-{self.port}.log"
        raise AssertionError("unreachable")

    def _start(self, timeout: float) -> "Server":
        args = [*LOTSE, "serve", "--port", str(self.port), "--workers", str(self.workers)]
        if self.graph is not None:
            args += ["--graph", str(self.graph)]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, env=env_for(self.data_dir), stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._log.close()
                if "Address already in use" in self.log():
                    raise PortTaken(self.port)
                raise AssertionError(f"lotse serve exited with {self.proc.returncode}:\n{self.log()}")
            try:
                status, _ = request(self.url, "GET", "/api/v1/health", timeout=5)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"lotse serve did not answer within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers gracefully
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def call(self, method: str, path: str, body: Any = None, key: str | None = None) -> tuple[int, Any]:
        return request(self.url, method, path, body, key)


def request(base: str, method: str, path: str, body: Any = None, key: str | None = None,
            timeout: float = 60) -> tuple[int, Any]:
    """(status, parsed JSON or None) of one HTTP request."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if key is not None:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw) if raw else None
        except ValueError:
            return err.code, raw.decode(errors="replace")


def route_body(a: dict, b: dict, **extra: Any) -> dict:
    return {"from": a, "to": b, **extra}


def coords_near(coords: list[list[float]], lon: float, lat: float, metres: float) -> bool:
    """Does a GeoJSON line pass within ``metres`` of a point (checked on its vertices and segments)?"""
    import shapely

    from routing.geo import LocalFrame

    frame = LocalFrame(lat, lon)
    x, y = frame.to_xy([c[1] for c in coords], [c[0] for c in coords])
    line = shapely.linestrings(list(zip(x, y))) if len(coords) > 1 else shapely.points(x[0], y[0])
    return float(shapely.distance(line, shapely.points(0.0, 0.0))) <= metres


def make_key(app, role: str, name: str) -> str:
    """An API key of ``role`` created directly in ``app``'s database (no CLI round trip)."""
    from lotse.storage import keys
    from lotse.storage.audit import Actor

    with app.extensions["lotse.db"].write() as session:
        _, secret = keys.create(session, name, role, Actor(None, "test", "admin"))
    return secret


def auth(key: str) -> dict:
    """The Authorization header of a key."""
    return {"Authorization": f"Bearer {key}"}
