"""Latency of ``POST /api/v1/locate`` and of the beacon registry around it, in one process.

A grid of beacons (default 10 x 10, 8 m apart — a plaza or a station hall
fitted out densely) is registered on the demo map; scans are the log-distance
model's RSSI with 4 dB noise at random spots inside the grid, as the
``[{"id", "rssi"}]`` a phone sends. Printed per kind of request: the median
and 95th percentile of the whole request (Flask test client: validation,
registry counter check, ``beacons.positioning.locate``, nearest beacon,
snapping onto the graph, JSON) and of ``locate`` alone, so the service's
own share is visible. Then: the registry counter check per request, a write
(POST /beacons) and the first locate after it (re-read, BeaconIndex,
attaching the new beacon), and a full reload with ``--registry N`` beacons.

Usage: ``python bench/bench_locate_api.py [--grid 10] [--spacing 8] [--n 200] [--registry 1000]``
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beacons.positioning import locate  # noqa: E402
from lotse import create_app  # noqa: E402
from lotse.storage import keys  # noqa: E402
from lotse.storage.audit import Actor  # noqa: E402
from routing.geo import LocalFrame  # noqa: E402

CENTRE = (49.4431, 7.7590)  # the demo map, between Marktplatz and Mainzer Straße


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(math.ceil(0.95 * len(values))) - 1)]
    return f"median {statistics.median(values) * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=10)
    parser.add_argument("--spacing", type=float, default=8.0)
    parser.add_argument("--n", type=int, default=200, help="requests per kind")
    parser.add_argument("--registry", type=int, default=1000, help="beacons for the reload measurement")
    args = parser.parse_args()

    app = create_app({"DATA_DIR": tempfile.mkdtemp(prefix="lotse-bench-locate-"), "TESTING": True})
    with app.extensions["lotse.db"].write() as session:
        _, secret = keys.create(session, "bench", "staff", Actor(None, "bench", "admin"))
    headers = {"Authorization": f"Bearer {secret}"}
    client = app.test_client()
    frame = LocalFrame(*CENTRE)
    half = (args.grid - 1) * args.spacing / 2
    xy = {}
    for i in range(args.grid):
        for j in range(args.grid):
            bid = f"bench:{i:02d}-{j:02d}"
            x, y = i * args.spacing - half, j * args.spacing - half
            lat, lon = frame.to_latlon(x, y)
            r = client.post("/api/v1/beacons", json={"id": bid, "lat": float(lat), "lon": float(lon),
                                                     "label": f"Bake {i}-{j}"}, headers=headers)
            assert r.status_code == 201, r.get_data(as_text=True)
            xy[bid] = (x, y)
    registry = app.extensions["lotse.beacons"]
    rng = np.random.default_rng(1)

    def scan(k: int) -> tuple[list[dict], tuple[float, float]]:
        at = tuple(rng.uniform(-half, half, 2))
        ranked = sorted(xy, key=lambda b: math.dist(xy[b], at))[:k]
        return [{"id": b, "rssi": round(-59 - 20 * math.log10(math.hypot(math.dist(xy[b], at), 1.0))
                                        + float(rng.normal(0, 4)), 1)} for b in ranked], at

    print(f"{args.grid}x{args.grid} beacons {args.spacing:g} m apart on the demo map; {args.n} requests per kind")
    kinds = [("proximity (1 beacon)", 1, False), ("likelihood (2)", 2, False), ("likelihood (4)", 4, False),
             ("likelihood (8)", 8, False), ("likelihood (16)", 16, False), ("likelihood+gps (8)", 8, True),
             ("gps only", 0, True)]
    for name, k, with_gps in kinds:
        total, alone, errors = [], [], []
        for _ in range(args.n):
            readings, at = scan(k) if k else ([], tuple(rng.uniform(-half, half, 2)))
            lat, lon = frame.to_latlon(at[0] + rng.normal(0, 5), at[1] + rng.normal(0, 5))
            body: dict = {"beacons": readings} if readings else {}
            if with_gps:
                body["gps"] = {"lat": float(lat), "lon": float(lon), "accuracy_m": 6.0}
            t = time.perf_counter()
            r = client.post("/api/v1/locate", json=body)
            total.append(time.perf_counter() - t)
            assert r.status_code == 200, r.get_data(as_text=True)
            fix = r.get_json()
            fx, fy = frame.to_xy(fix["lat"], fix["lon"])
            errors.append(math.dist((float(fx), float(fy)), at))
            t = time.perf_counter()
            locate(readings, registry.current().index, body.get("gps"))
            alone.append(time.perf_counter() - t)
        print(f"  {name:<22} request {ms(total)} | locate() {ms(alone)} | median error "
              f"{statistics.median(errors):4.1f} m")

    t = time.perf_counter()
    for _ in range(2000):
        registry.current()
    print(f"registry counter check per request: {(time.perf_counter() - t) / 2000 * 1e6:.1f} µs")

    writes, firsts = [], []
    for n in range(20):
        lat, lon = frame.to_latlon(-half - 5, n * 2.0 - half)
        t = time.perf_counter()
        client.post("/api/v1/beacons", json={"id": f"bench:w{n}", "lat": float(lat), "lon": float(lon),
                                             "label": "Neu"}, headers=headers)
        writes.append(time.perf_counter() - t)
        readings, _ = scan(4)
        t = time.perf_counter()
        client.post("/api/v1/locate", json={"beacons": readings})
        firsts.append(time.perf_counter() - t)
    print(f"write POST /beacons: {ms(writes)}; first locate after it: {ms(firsts)}")

    from lotse.beacon_registry import BeaconRegistry
    from lotse.storage import beacons as store
    from beacons.model import Beacon

    with app.extensions["lotse.db"].write() as session:
        extra = []
        for n in range(args.registry):
            lat, lon = frame.to_latlon(rng.uniform(-200, 200), rng.uniform(-200, 200))
            extra.append(Beacon(id=f"bulk:{n}", lat=float(lat), lon=float(lon), label=f"Bake {n}"))
        t = time.perf_counter()
        store.import_beacons(session, extra, Actor(None, "bench", "admin"))
    print(f"import of {args.registry} beacons in one transaction: {(time.perf_counter() - t) * 1000:.0f} ms")
    fresh = BeaconRegistry(app.extensions["lotse.db"], app.extensions["lotse.graphs"])
    t = time.perf_counter()
    state = fresh.current()
    cold = time.perf_counter() - t
    print(f"registry reload with {len(state.entries)} beacons: {cold * 1000:.0f} ms cold (attaching each), ", end="")
    fresh._state = None
    t = time.perf_counter()
    fresh.current()
    print(f"{(time.perf_counter() - t) * 1000:.0f} ms warm (attachments cached)")


if __name__ == "__main__":
    main()
