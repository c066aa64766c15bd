"""Review of beacon files (lotse beacons import/export, lotse build --beacons): regressions found by staff use."""

from __future__ import annotations

import json

from beacons.io import parse_geojson


def test_geojson_nulls_take_the_defaults_like_empty_csv_cells():
    """QGIS writes null for an empty attribute: "tx_power": null was rejected as "None dBm is outside ..."."""
    props = {"id": "g1", "label": "Haltestelle", "tx_power": None, "path_loss_exponent": None, "kind": None,
             "active": None, "level": None, "battery": None, "label_en": None, "installed_at": None,
             "last_seen": None}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.759, 49.443]}, "properties": props}]}
    result = parse_geojson(json.dumps(doc))
    assert not result.errors, [str(e) for e in result.errors]
    (b,) = result.beacons
    assert (b.tx_power, b.path_loss_exponent, b.kind, b.active) == (-59.0, 2.0, "waypoint", True)


def test_the_build_counts_a_switched_off_beacon_not_as_a_landmark():
    """lotse build --beacons said '5 of 6 beacons attached as landmarks' with one of the five switched off."""
    from lotse.cli import _beacon_summary

    stored = [{"id": "a", "active": True, "attached": {"edge": 1}}, {"id": "b", "active": False, "attached": {"edge": 2}},
              {"id": "c", "active": True, "attached": None}]
    assert _beacon_summary(stored) == "1 of 3 beacons attached as landmarks (1 more attached but switched off)"
    assert _beacon_summary(stored[:1]) == "1 of 1 beacons attached as landmarks"


def test_an_empty_geojson_file_says_it_is_empty():
    """An empty .geojson said 'not valid JSON: Expecting value: line 1 column 1 (char 0)'."""
    import pytest

    from beacons.io import BeaconFileError

    for text in ("", "\n  \n"):
        with pytest.raises(BeaconFileError, match="the file is empty"):
            parse_geojson(text)
