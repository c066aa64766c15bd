"""The positioning bench reads any UJI-format zone and splits it without leaks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_positioning", ROOT / "bench" / "bench_positioning.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_positioning", module)   # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write_zone(root: Path, name: str) -> None:
    """A tiny zone: 3 beacons, 2 campaigns at different places, 2 phones, one scan hears nothing."""
    (root / "dep").mkdir(parents=True, exist_ok=True)
    (root / "rss").mkdir(parents=True, exist_ok=True)
    (root / "dep" / f"{name}.csv").write_text("id,x,y\n1,0.0,0.0\n2,10.0,0.0\n3,0.0,10.0\n")
    rss, crd, ids = [], [], []
    places = {2: [(1.0, 1.0), (5.0, 1.0)], 3: [(2.0, 6.0), (6.0, 4.0), (3.0, 3.0)]}
    for phone in (1, 2):
        for campaign, pts in places.items():
            for point, (x, y) in enumerate(pts, start=1):
                for sample in (1, 2):
                    rss.append("-60,-70,100" if sample == 1 else "100,100,100")
                    crd.append(f"{x:.2f},{y:.2f}")
                    ids.append(str(phone * 10**7 + 2 * 10**6 + campaign * 10**5 + point * 100 + sample))
    (root / "rss" / f"{name}_rss.csv").write_text("\n".join(rss) + "\n")
    (root / "rss" / f"{name}_crd.csv").write_text("\n".join(crd) + "\n")
    (root / "rss" / f"{name}_ids.csv").write_text("\n".join(ids) + "\n")


def test_finds_zones_by_their_files(bench, tmp_path):
    write_zone(tmp_path, "aut")
    write_zone(tmp_path, "lab2")
    (tmp_path / "rss" / "orphan_rss.csv").write_text("100\n")   # no dep/orphan.csv: not a zone
    assert bench.find_zones(tmp_path) == ["aut", "lab2"]


def test_loads_a_zone_as_the_endpoint_sees_it(bench, tmp_path):
    write_zone(tmp_path, "aut")
    zone = bench.load_zone(tmp_path, "aut")
    assert len(zone.beacons) == 3 and len(zone.scans) == 20
    assert zone.scans[0] == [{"id": "uji-aut-1", "rssi": -60.0}, {"id": "uji-aut-2", "rssi": -70.0}]
    assert zone.scans[1] == []
    assert sorted(set(zone.phone.tolist())) == [1, 2] and sorted(set(zone.campaign.tolist())) == [2, 3]
    # Point numbers restart per campaign; places are positions.
    assert len(set(zone.place.tolist())) == 5


def test_splits_never_share_what_they_claim_to_hold_out(bench, tmp_path):
    write_zone(tmp_path, "aut")
    zone = bench.load_zone(tmp_path, "aut")
    splits = bench.schemes(zone, folds=2)
    assert set(splits) == {"by campaign", "leave places out", "leave one phone out"}
    for scheme, key in (("by campaign", zone.campaign), ("leave places out", zone.place),
                        ("leave one phone out", zone.phone)):
        covered = []
        for _, train, test in splits[scheme]:
            assert not set(key[train].tolist()) & set(key[test].tolist())
            covered += test.tolist()
        assert sorted(covered) == list(range(len(zone.scans)))  # every scan is tested once


def test_uji_library_zone_is_found_where_the_bench_looks(bench):
    if not (bench.DEFAULT_DATA / "rss").exists():
        pytest.skip("no ../shared/ble/uji_lib")
    assert "lib" in bench.find_zones(bench.DEFAULT_DATA)
    zone = bench.load_zone(bench.DEFAULT_DATA, "lib")
    campaigns = sorted(set(zone.campaign.tolist()))
    places = [set(zone.place[zone.campaign == c].tolist()) for c in campaigns]
    assert len(set(zone.place.tolist())) == 58 and not set.intersection(*places)
    assert np.sum([len(s) == 0 for s in zone.scans]) > 0
