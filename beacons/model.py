"""The beacon record: where a beacon is, how it radiates, what it is called.

The radio fields (``tx_power``, ``path_loss_exponent``) are the per-beacon
parameters of the log-distance model used by :mod:`beacons.positioning`, so a
calibration survey writes its results straight into the records.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any, Mapping

from .ids import BeaconIdError, normalize_beacon_id

__all__ = [
    "KINDS",
    "DEFAULT_TX_POWER",
    "DEFAULT_PATH_LOSS_EXPONENT",
    "TX_POWER_RANGE",
    "PATH_LOSS_EXPONENT_RANGE",
    "LEVEL_RANGE",
    "Beacon",
    "BeaconValidationError",
]

KINDS: tuple[str, ...] = ("bus_stop", "entrance", "crossing", "waypoint", "platform", "other")

#: Typical measured power (RSSI at 1 m) of an iBeacon at default settings, dBm.
DEFAULT_TX_POWER = -59.0
#: Free-space path loss; indoors and along streets 1.6..4 are common.
DEFAULT_PATH_LOSS_EXPONENT = 2.0
TX_POWER_RANGE = (-100.0, 0.0)
PATH_LOSS_EXPONENT_RANGE = (1.0, 6.0)
#: Floors below and above street level; a level beyond is a typo (1e308 reached positioning's answers).
LEVEL_RANGE = (-20.0, 200.0)
MAX_LABEL_LENGTH = 200


class BeaconValidationError(ValueError):
    """A beacon record with one or more invalid fields.

    ``errors`` lists every problem as ``"field: message"`` so an API can show
    them all at once instead of one per round trip.
    """

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("invalid beacon: " + "; ".join(self.errors))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parse_time(value: Any, name: str) -> date | datetime | None:
    """Accept None, date/datetime or an ISO 8601 string (``Z`` allowed)."""
    if value is None or isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise BeaconValidationError([f"{name}: {value!r} is not an ISO 8601 date or time"])
    raise BeaconValidationError([f"{name}: expected an ISO 8601 string, got {type(value).__name__}"])


@dataclass
class Beacon:
    """One installed BLE beacon.

    Attributes
    ----------
    id : str
        Beacon id in any form accepted by :mod:`beacons.ids`; normalised on
        construction when valid.
    lat, lon : float
        WGS84 position in degrees.
    level : float or None
        Building level / floor (0 = street level); None outdoors or unknown.
    tx_power : float
        Measured power: RSSI at 1 m in dBm (what iBeacon calls "measured power").
    path_loss_exponent : float
        ``n`` in ``rssi = tx_power - 10 n log10(d)``.
    kind : str
        One of :data:`KINDS`.
    label : str
        Spoken German name, e.g. "Bushaltestelle Rathaus, Steig A".
    label_en : str or None
        Optional English name.
    active : bool
        Inactive beacons are ignored by positioning (battery swap, removed).
    installed_at, last_seen : date/datetime or None
        Operational bookkeeping.
    battery : float or None
        Battery level in percent, 0..100, when the beacon reports it.
    """

    id: str
    lat: float
    lon: float
    level: float | int | None = None
    tx_power: float = DEFAULT_TX_POWER
    path_loss_exponent: float = DEFAULT_PATH_LOSS_EXPONENT
    kind: str = "waypoint"
    label: str = ""
    label_en: str | None = None
    active: bool = True
    installed_at: date | datetime | None = None
    battery: float | int | None = None
    last_seen: datetime | None = field(default=None)

    def __post_init__(self) -> None:
        try:
            self.id = normalize_beacon_id(self.id)
        except BeaconIdError:
            pass  # reported by errors()/validate(), not at construction

    # -- validation ---------------------------------------------------------

    def errors(self) -> list[str]:
        """Every problem of this record as ``"field: message"``; empty when valid."""
        out: list[str] = []
        try:
            normalize_beacon_id(self.id)
        except BeaconIdError as exc:
            out.append(f"id: {exc}")
        out += _range_errors("lat", self.lat, (-90.0, 90.0), "is not a latitude in")
        out += _range_errors("lon", self.lon, (-180.0, 180.0), "is not a longitude in")
        if self.level is not None:
            out += _range_errors("level", self.level, LEVEL_RANGE, "is not a floor in", "or null")
        out += _range_errors("tx_power", self.tx_power, TX_POWER_RANGE, "dBm is outside the plausible range")
        out += _range_errors("path_loss_exponent", self.path_loss_exponent, PATH_LOSS_EXPONENT_RANGE,
                             "is outside the plausible range")
        if self.kind not in KINDS:
            out.append(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        label_errors = _label_errors("label", self.label, required=True)
        if not label_errors:
            from .io import label_problem  # the spoken German label: no abbreviation spelt out letter by letter

            reason = label_problem(self.label)
            label_errors = [f"label: {reason}"] if reason else []
        out.extend(label_errors)
        out.extend(_label_errors("label_en", self.label_en, required=False))
        if not isinstance(self.active, bool):
            out.append(f"active: {self.active!r} must be true or false")
        if self.battery is not None:
            out += _range_errors("battery", self.battery, (0.0, 100.0), "is not a percentage in", "or null")
        if self.installed_at is not None and not isinstance(self.installed_at, (date, datetime)):
            out.append(f"installed_at: {self.installed_at!r} must be an ISO 8601 date (2024-05-01) or date and time")
        if isinstance(self.last_seen, date) and not isinstance(self.last_seen, datetime):
            out.append(f"last_seen: {self.last_seen.isoformat()} is a date without a time; write when the beacon "
                       f"was seen, e.g. {self.last_seen.isoformat()}T10:00:00Z")
        elif self.last_seen is not None and not isinstance(self.last_seen, datetime):
            out.append(f"last_seen: {self.last_seen!r} must be an ISO 8601 date and time (2024-05-01T10:00:00Z)")
        return out

    def validate(self) -> "Beacon":
        """Return ``self`` when valid.

        Raises
        ------
        BeaconValidationError
            Listing every invalid field.
        """
        problems = self.errors()
        if problems:
            raise BeaconValidationError(problems)
        return self

    # -- (de)serialisation --------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; dates and times as ISO 8601 strings."""
        out = asdict(self)
        for key in ("installed_at", "last_seen"):
            if out[key] is not None:
                out[key] = out[key].isoformat()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, validate: bool = True) -> "Beacon":
        """Build a beacon from a dict as produced by :meth:`to_dict` or an API body.

        Unknown keys and missing required keys (``id``, ``lat``, ``lon``) are
        errors: a typo such as ``tx_pwr`` must not silently fall back to a default.

        Raises
        ------
        BeaconValidationError
            On unknown/missing keys, unparsable times or (with ``validate``)
            invalid values.
        """
        if not isinstance(data, Mapping):
            raise BeaconValidationError([f"beacon must be an object, not {type(data).__name__}"])
        known = {f.name for f in fields(cls)}
        problems = [f"{key}: unknown field" for key in data if key not in known]
        problems += [f"{key}: required" for key in ("id", "lat", "lon") if key not in data]
        if problems:
            raise BeaconValidationError(problems)
        values = dict(data)
        for key in ("installed_at", "last_seen"):
            if key in values:
                values[key] = _parse_time(values[key], key)
        beacon = cls(**values)
        return beacon.validate() if validate else beacon


def _shown(value: Any) -> str:
    """A value as staff wrote it in JSON or a cell: 'x', true, null - not Python's True/None."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _range_errors(name: str, value: Any, bounds: tuple[float, float], what: str, alt: str = "") -> list[str]:
    """A number field's problem: a wrong type is said as such, not as a value out of range ('x' dBm ...)."""
    lo, hi = bounds
    if not _is_number(value):
        return [f"{name}: {_shown(value)} is not a {'finite ' if isinstance(value, float) else ''}number"
                + (f" {alt}" if alt else "")]
    if not lo <= value <= hi:
        return [f"{name}: {value!r} {what} {lo:g}..{hi:g}"]
    return []


def _label_errors(name: str, value: Any, *, required: bool) -> list[str]:
    if value is None:
        return [f"{name}: required"] if required else []
    if not isinstance(value, str):
        return [f"{name}: must be a string"]
    if not value.strip():
        return [f"{name}: must not be empty"]
    if value != value.strip():
        return [f"{name}: has whitespace at its start or end"]
    if len(value) > MAX_LABEL_LENGTH:
        return [f"{name}: longer than {MAX_LABEL_LENGTH} characters"]
    if not value.isprintable():
        return [f"{name}: contains non-printable characters"]
    return []
