"""Beacon ids: every accepted spelling normalises to one key; bad ids say what is wrong."""

from __future__ import annotations

import pytest

from beacons.ids import BeaconIdError, is_valid_beacon_id, normalize_beacon_id, parse_beacon_id

UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"


@pytest.mark.parametrize(
    "raw, canonical",
    [
        (f"ibeacon:{UUID}:1:2", f"ibeacon:{UUID}:1:2"),
        (f"iBeacon:{UUID.upper()}:1:2", f"ibeacon:{UUID}:1:2"),
        (f"ibeacon:{UUID.replace('-', '')}:0:65535", f"ibeacon:{UUID}:0:65535"),
        (f"IBEACON:{UUID.replace('-', '').upper()}:007:0010", f"ibeacon:{UUID}:7:10"),
        ("eddystone:EDD1EBEAC04E5DEFA017:0BDB87539B67", "eddystone:edd1ebeac04e5defa017:0bdb87539b67"),
        ("Eddystone:edd1ebeac04e5defa017:0bdb87539b67", "eddystone:edd1ebeac04e5defa017:0bdb87539b67"),
        ("uji-23", "uji-23"),
        ("Rathaus Steig A", "Rathaus Steig A"),
        ("x" * 128, "x" * 128),
        ("bus:stop:7", "bus:stop:7"),
    ],
)
def test_valid_ids_normalise(raw, canonical):
    assert normalize_beacon_id(raw) == canonical
    assert normalize_beacon_id(canonical) == canonical  # idempotent
    assert is_valid_beacon_id(raw)


def test_parse_exposes_kind_and_parts():
    parsed = parse_beacon_id(f"ibeacon:{UUID}:100:7")
    assert parsed.kind == "ibeacon"
    assert parsed.parts == (UUID, "100", "7")
    assert parse_beacon_id("eddystone:" + "a" * 20 + ":" + "b" * 12).kind == "eddystone"
    assert parse_beacon_id("uji-23") == ("free", ("uji-23",))


@pytest.mark.parametrize(
    "raw, words",
    [
        ("", "empty"),
        (" uji-23", "whitespace"),
        ("uji-23\n", "whitespace"),
        ("x" * 129, "129 characters"),
        ("bad\x00id", "non-printable"),
        (23, "must be a string"),
        (None, "must be a string"),
        (f"ibeacon:{UUID}:1", "expected 3"),
        (f"ibeacon:{UUID}:1:2:3", "expected 3"),
        ("ibeacon:1234:1:2", "UUID"),
        (f"ibeacon:{UUID[:-1]}g:1:2", "UUID"),
        (f"ibeacon:{UUID}:65536:2", "major 65536 is out of range"),
        (f"ibeacon:{UUID}:1:-2", "minor '-2' must be a decimal"),
        (f"ibeacon:{UUID}:0x10:2", "major '0x10' must be a decimal"),
        (f"ibeacon:{UUID}: 1:2", "major"),
        ("eddystone:" + "a" * 20, "expected 2"),
        ("eddystone:" + "a" * 18 + ":" + "b" * 12, "namespace"),
        ("eddystone:" + "a" * 20 + ":" + "b" * 10, "instance"),
        ("eddystone:" + "z" * 20 + ":" + "b" * 12, "10 bytes"),
    ],
)
def test_invalid_ids_raise_clear_errors(raw, words):
    with pytest.raises(BeaconIdError, match=words):
        normalize_beacon_id(raw)
    assert not is_valid_beacon_id(raw)


def test_error_is_a_value_error():
    assert issubclass(BeaconIdError, ValueError)
