"""Beacon ids: parse and normalise the three accepted forms.

A phone reports what it hears in whatever case and spelling its BLE stack
uses; the registry must match that against what staff typed in. Normalising
both sides to one canonical string makes the lookup a plain dict access.

Accepted forms
--------------
``ibeacon:UUID:MAJOR:MINOR``
    UUID as 32 hex digits, with or without the canonical hyphens
    (8-4-4-4-12); MAJOR and MINOR decimal integers 0..65535.
    Canonical: ``ibeacon:`` + lowercase hyphenated UUID + decimal numbers
    without leading zeros.
``eddystone:NAMESPACE:INSTANCE``
    Eddystone-UID: a 10-byte namespace (20 hex digits) and a 6-byte
    instance (12 hex digits). Canonical: lowercase hex.
free string
    Anything else that is non-empty, printable, at most 128 characters and
    without leading or trailing whitespace (e.g. ``uji-23``,
    ``rathaus-steig-a``). Kept exactly as given: free ids are case-sensitive.

The prefixes ``ibeacon:`` and ``eddystone:`` are reserved (case-insensitive):
a malformed structured id is an error, never silently a free string.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "BeaconIdError",
    "ParsedBeaconId",
    "parse_beacon_id",
    "normalize_beacon_id",
    "is_valid_beacon_id",
    "MAX_FREE_ID_LENGTH",
]

MAX_FREE_ID_LENGTH = 128

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_UUID_HYPHENATED = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_DECIMAL = re.compile(r"^[0-9]+$")


class BeaconIdError(ValueError):
    """A beacon id that cannot be parsed; the message says what is wrong."""


class ParsedBeaconId(NamedTuple):
    """A parsed id: its kind (``ibeacon``, ``eddystone``, ``free``) and parts."""

    kind: str
    parts: tuple[str, ...]

    @property
    def canonical(self) -> str:
        """The normalised string form used as registry key."""
        if self.kind == "free":
            return self.parts[0]
        return ":".join((self.kind, *self.parts))


def _parse_uuid(text: str, raw: str) -> str:
    if _UUID_HYPHENATED.match(text):
        hexdigits = text.replace("-", "")
    elif len(text) == 32 and _HEX.match(text):
        hexdigits = text
    else:
        raise BeaconIdError(
            f"iBeacon id {raw!r}: UUID {text!r} must be 32 hex digits, "
            "optionally hyphenated as 8-4-4-4-12"
        )
    h = hexdigits.lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _parse_uint16(text: str, name: str, raw: str) -> str:
    if not _DECIMAL.match(text):
        raise BeaconIdError(f"iBeacon id {raw!r}: {name} {text!r} must be a decimal integer")
    value = int(text)
    if value > 65535:
        raise BeaconIdError(f"iBeacon id {raw!r}: {name} {value} is out of range 0..65535")
    return str(value)


def _parse_hex(text: str, n_bytes: int, name: str, raw: str) -> str:
    if len(text) != 2 * n_bytes or not _HEX.match(text):
        raise BeaconIdError(
            f"Eddystone id {raw!r}: {name} {text!r} must be {n_bytes} bytes "
            f"({2 * n_bytes} hex digits)"
        )
    return text.lower()


def parse_beacon_id(raw: object) -> ParsedBeaconId:
    """Parse a beacon id in any accepted spelling.

    Raises
    ------
    BeaconIdError
        If ``raw`` is not a string or not a valid id of any accepted form.
    """
    if not isinstance(raw, str):
        raise BeaconIdError(f"beacon id must be a string, not {type(raw).__name__}")
    if raw == "":
        raise BeaconIdError("beacon id is empty")
    if raw != raw.strip():
        raise BeaconIdError(f"beacon id {raw!r} has whitespace at its start or end")
    head, sep, rest = raw.partition(":")
    prefix = head.lower()
    if sep and prefix == "ibeacon":
        parts = rest.split(":")
        if len(parts) != 3:
            raise BeaconIdError(
                f"iBeacon id {raw!r} must look like ibeacon:UUID:MAJOR:MINOR "
                f"(found {len(parts)} part(s) after the prefix, expected 3)"
            )
        uuid, major, minor = parts
        return ParsedBeaconId(
            "ibeacon",
            (
                _parse_uuid(uuid, raw),
                _parse_uint16(major, "major", raw),
                _parse_uint16(minor, "minor", raw),
            ),
        )
    if sep and prefix == "eddystone":
        parts = rest.split(":")
        if len(parts) != 2:
            raise BeaconIdError(
                f"Eddystone id {raw!r} must look like eddystone:NAMESPACE:INSTANCE "
                f"(found {len(parts)} part(s) after the prefix, expected 2)"
            )
        namespace, instance = parts
        return ParsedBeaconId(
            "eddystone",
            (
                _parse_hex(namespace, 10, "namespace", raw),
                _parse_hex(instance, 6, "instance", raw),
            ),
        )
    if len(raw) > MAX_FREE_ID_LENGTH:
        raise BeaconIdError(
            f"beacon id is {len(raw)} characters long; at most {MAX_FREE_ID_LENGTH} allowed"
        )
    if not raw.isprintable():
        raise BeaconIdError(f"beacon id {raw!r} contains non-printable characters")
    return ParsedBeaconId("free", (raw,))


def normalize_beacon_id(raw: object) -> str:
    """Return the canonical form of ``raw`` (see module docstring).

    Raises
    ------
    BeaconIdError
        If ``raw`` is not a valid beacon id.
    """
    return parse_beacon_id(raw).canonical


def is_valid_beacon_id(raw: object) -> bool:
    """True when :func:`parse_beacon_id` accepts ``raw``."""
    try:
        parse_beacon_id(raw)
    except BeaconIdError:
        return False
    return True
