"""The beacon record: validation lists every problem; dicts round-trip."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from beacons.model import KINDS, Beacon, BeaconValidationError

UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"


def make(**overrides) -> Beacon:
    fields = dict(id="rathaus-a", lat=49.4445, lon=7.7689, label="Bushaltestelle Rathaus, Steig A")
    fields.update(overrides)
    return Beacon(**fields)


def test_defaults_are_valid_and_typical():
    b = make().validate()
    assert b.tx_power == -59.0
    assert b.path_loss_exponent == 2.0
    assert b.active is True and b.kind in KINDS and b.level is None


def test_id_is_normalised_on_construction():
    assert make(id=f"IBEACON:{UUID.upper()}:01:2").id == f"ibeacon:{UUID}:1:2"


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(id=""), "id:"),
        (dict(lat=91.0), "lat:"),
        (dict(lon=float("nan")), "lon:"),
        (dict(lat="49.4"), "lat:"),
        (dict(level="EG"), "level:"),
        (dict(tx_power=5.0), "tx_power:"),
        (dict(tx_power=-120.0), "tx_power:"),
        (dict(path_loss_exponent=0.5), "path_loss_exponent:"),
        (dict(path_loss_exponent=7.0), "path_loss_exponent:"),
        (dict(kind="lamp_post"), "kind:"),
        (dict(label=""), "label:"),
        (dict(label=" Rathaus"), "label:"),
        (dict(label_en=""), "label_en:"),
        (dict(active="yes"), "active:"),
        (dict(battery=120), "battery:"),
        (dict(battery=-1), "battery:"),
        (dict(installed_at="yesterday"), "installed_at:"),
        (dict(last_seen=date(2024, 1, 1)), "last_seen:"),
    ],
)
def test_each_invalid_field_is_reported(overrides, field):
    b = make(**overrides)
    errors = b.errors()
    assert any(e.startswith(field) for e in errors), errors
    with pytest.raises(BeaconValidationError, match=field.rstrip(":")):
        b.validate()


def test_all_problems_reported_at_once():
    with pytest.raises(BeaconValidationError) as info:
        make(lat=100.0, tx_power=3.0, kind="lamp").validate()
    assert len(info.value.errors) == 3
    assert isinstance(info.value, ValueError)


def test_dict_round_trip_with_times():
    b = make(
        level=1, kind="bus_stop", label_en="Rathaus bus stop, platform A", battery=80,
        installed_at=date(2024, 3, 1), last_seen=datetime(2024, 6, 1, 12, 30, tzinfo=timezone.utc),
        tx_power=-65.5, path_loss_exponent=2.4,
    )
    d = b.to_dict()
    assert d["installed_at"] == "2024-03-01"
    assert d["last_seen"] == "2024-06-01T12:30:00+00:00"
    assert Beacon.from_dict(d) == b


def test_from_dict_accepts_z_times_and_normalises_id():
    b = Beacon.from_dict(dict(id=f"ibeacon:{UUID.upper()}:1:2", lat=49.44, lon=7.77, label="Eingang",
                              kind="entrance", last_seen="2024-06-01T12:30:00Z"))
    assert b.id == f"ibeacon:{UUID}:1:2"
    assert b.last_seen.tzinfo is not None


@pytest.mark.parametrize(
    "data, words",
    [
        (dict(id="a", lat=49.4, lon=7.7, label="A", tx_pwr=-60), "tx_pwr: unknown field"),
        (dict(id="a", lat=49.4, label="A"), "lon: required"),
        (dict(id="a", lat=49.4, lon=7.7, label="A", last_seen="soon"), "last_seen"),
        (dict(id="a", lat=49.4, lon=7.7, label="A", battery=101), "battery"),
        (["a", 49.4, 7.7], "must be an object"),
    ],
)
def test_from_dict_rejects_bad_input(data, words):
    with pytest.raises(BeaconValidationError, match=words):
        Beacon.from_dict(data)
