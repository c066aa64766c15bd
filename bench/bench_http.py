"""Benchmark: routes per second over HTTP with the production server (gunicorn via ``lotse serve``).

Builds the Kaiserslautern graph (../shared/osm) into a temporary folder,
starts ``lotse serve --graph KL --workers 2 --port <free port>`` on 127.0.0.1
as a subprocess, warms it up, then fires ``POST /api/v1/routes`` (blind_cane,
German text, no audio) between random graph nodes from a few client threads,
each with its own ``http.client`` connection (reopened when the sync worker
closes it), bounded in count and time. Prints routes/s, latency percentiles
and status counts, then stops the server.

    python bench/bench_http.py [--requests 1500] [--seconds 30] [--threads 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from routing.pipeline import build_from_osm  # noqa: E402

OSM = ROOT.parent / "shared" / "osm" / "kaiserslautern.osm.gz"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_ready(port: int, server: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer /api/v1/health in time")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (gunicorn master and its workers), then wait."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the processes of one process group (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def bodies(graph, n: int, seed: int) -> list[bytes]:
    rng = np.random.default_rng(seed)
    out = []
    for a, b in rng.integers(0, graph.n_nodes, size=(n, 2)):
        out.append(json.dumps({
            "from": {"lat": float(graph.node_lat[a]), "lon": float(graph.node_lon[a])},
            "to": {"lat": float(graph.node_lat[b]), "lon": float(graph.node_lon[b])},
            "profile": "blind_cane", "lang": "de", "audio": False,
        }).encode())
    return out


def fire(port: int, work: list[bytes], deadline: float, latencies: list[float], statuses: Counter,
         lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    for body in work:
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/routes", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()  # gunicorn's sync workers close after each response: reopen next time
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
        elapsed = time.perf_counter() - t0
        with lock:
            latencies.append(elapsed)
            statuses[status] += 1
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="at most this many timed requests")
    parser.add_argument("--seconds", type=float, default=30.0, help="at most this long")
    parser.add_argument("--threads", type=int, default=4, help="client threads (connections)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        graph = build_from_osm(OSM)
        graph_path = tmp / "kaiserslautern.graph"
        graph.save(graph_path)
        port = free_port()
        env = dict(os.environ, LOTSE_DATA_DIR=str(tmp / "data"))
        cmd = [sys.executable, "-c", "from lotse.cli import main; main()", "serve", "--graph", str(graph_path),
               "--workers", str(args.workers), "--host", HOST, "--port", str(port)]
        log = open(tmp / "server.log", "wb")
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            t0 = time.perf_counter()
            wait_ready(port, server)
            print(f"lotse serve --graph kaiserslautern --workers {args.workers} on {HOST}:{port}: "
                  f"ready in {time.perf_counter() - t0:.1f} s (graph {graph.n_nodes:,} nodes, {graph.n_states:,} states)")
            warm, work = bodies(graph, 8 * args.workers, seed=1), bodies(graph, args.requests, seed=2)
            lock = threading.Lock()
            fire(port, warm, time.monotonic() + 120, [], Counter(), lock)  # every worker loads the graph, costs
            latencies: list[float] = []
            statuses: Counter = Counter()
            shares = [work[i::args.threads] for i in range(args.threads)]
            deadline = time.monotonic() + args.seconds
            cpu_before = group_cpu_s(server.pid)
            started = time.perf_counter()
            threads = [threading.Thread(target=fire, args=(port, share, deadline, latencies, statuses, lock))
                       for share in shares]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            server_cpu = group_cpu_s(server.pid) - cpu_before
        finally:
            stop(server)
            log.close()
        ok = statuses.get(200, 0)
        ms = np.array(latencies) * 1000
        print(f"{len(latencies)} requests in {wall:.1f} s from {args.threads} client threads "
              f"(blind_cane, German text, no audio, random node pairs)")
        print(f"routes/s: {ok / wall:.1f}   (all answers/s {len(latencies) / wall:.1f}; target >= 150 routes/s)")
        print(f"latency: p50 {np.percentile(ms, 50):.1f} ms  p95 {np.percentile(ms, 95):.1f} ms  "
              f"max {ms.max():.1f} ms")
        print(f"status: {dict(statuses)}")
        if ok:
            per_route = server_cpu / ok
            print(f"server CPU: {server_cpu:.1f} s for {ok} routes = {per_route * 1000:.1f} ms per route; "
                  f"{args.workers} workers on {args.workers} idle cores would serve about "
                  f"{args.workers / per_route:.0f} routes/s (load average now {os.getloadavg()[0]:.1f} "
                  f"on {os.cpu_count()} CPUs)")
        print(f"server stopped (exit code {server.returncode})")


if __name__ == "__main__":
    main()
