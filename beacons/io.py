"""Beacon files: read and write the registry as CSV or GeoJSON, checking every row.

Staff keep beacon lists in spreadsheets and GIS tools, so a file is read row
by row: each row becomes a valid :class:`~beacons.model.Beacon` or a list of
:class:`RowError` saying where (CSV line number, GeoJSON feature number),
which field and why. One bad row never hides the others, and the caller
decides what to do with the good ones.

CSV
    A header row naming the columns (any order, case-insensitive):
    ``id, lat, lon, level, tx_power, path_loss_exponent, kind, label,
    label_en, active, installed_at, battery`` and optionally ``last_seen``.
    ``id``, ``lat``, ``lon`` and ``label`` are required columns; an empty cell
    takes the default (``tx_power`` -59, ``path_loss_exponent`` 2, ``kind``
    waypoint, ``active`` true, others empty). A header with ``;`` and no ``,``
    is read as the German spreadsheet dialect: ``;`` between cells and a
    decimal comma. Booleans: true/false, yes/no, ja/nein, 1/0. UTF-8, with or
    without a byte order mark.
GeoJSON
    A FeatureCollection of Point features (``[lon, lat]``); the fields are
    the feature's ``properties`` (the id may also be the feature's ``id``).
    Read-only members of API answers (``source``, ``attached``, ``revision``,
    ``created_*``, ``updated_*``) are ignored, other unknown members are errors;
    a null takes the default, as an empty CSV cell does.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from .model import DEFAULT_PATH_LOSS_EXPONENT, DEFAULT_TX_POWER, Beacon

__all__ = [
    "FIELDS",
    "EXPORT_FIELDS",
    "RowError",
    "Row",
    "ReadResult",
    "BeaconFileError",
    "read_beacons",
    "parse_csv",
    "parse_geojson",
    "parse_time",
    "to_csv",
    "to_geojson",
]

#: Columns of a beacon file, in the order they are written.
FIELDS: tuple[str, ...] = ("id", "lat", "lon", "level", "tx_power", "path_loss_exponent", "kind", "label",
                           "label_en", "active", "installed_at", "battery")
EXPORT_FIELDS: tuple[str, ...] = FIELDS + ("last_seen",)
REQUIRED_COLUMNS = ("id", "lat", "lon", "label")
_NUMBERS = ("lat", "lon", "level", "tx_power", "path_loss_exponent", "battery")
_TIMES = ("installed_at", "last_seen")
_TRUE = {"true", "yes", "1", "ja", "wahr", "y", "j"}
_FALSE = {"false", "no", "0", "nein", "falsch", "n"}
#: Members of API answers that a re-imported file may carry; not part of the record.
READ_ONLY = ("source", "attached", "revision", "created_at", "created_by", "updated_at", "updated_by")


class BeaconFileError(ValueError):
    """The file as a whole cannot be read (not CSV/GeoJSON, no header, unknown columns ...)."""


@dataclass(frozen=True)
class RowError:
    """One problem of one row: where (``line 7`` / ``feature 3``), which field, why."""

    where: str
    field: str
    reason: str
    line: int | None = None  # CSV line number (1 = header) or GeoJSON feature number (1-based)

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class Row:
    """One row of a file: a valid beacon, or the errors that keep it out."""

    where: str
    line: int
    beacon: Beacon | None
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.beacon is not None and not self.errors


@dataclass
class ReadResult:
    """Every row of a file, in file order."""

    format: str  # csv or geojson
    rows: list[Row]

    @property
    def beacons(self) -> list[Beacon]:
        return [r.beacon for r in self.rows if r.ok]

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]


# -- reading --------------------------------------------------------------------


def read_beacons(path: str | Path, fmt: str | None = None) -> ReadResult:
    """Read a beacon file; the format comes from ``fmt`` or the suffix (.csv, .geojson/.json).

    Raises
    ------
    BeaconFileError
        When the file cannot be read at all; row problems are in the result.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BeaconFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BeaconFileError(f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    fmt = fmt or _format_of(path, text)
    if fmt == "csv":
        return parse_csv(text)
    if fmt == "geojson":
        return parse_geojson(text)
    raise BeaconFileError(f"unknown format {fmt!r}: use csv or geojson")


def _format_of(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    return "geojson" if text.lstrip().startswith("{") else "csv"


def parse_csv(text: str) -> ReadResult:
    """Rows of a CSV text with a header (see the module docstring)."""
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise BeaconFileError("the CSV file is empty; it needs a header row such as " + ",".join(FIELDS))
    german = ";" in first and "," not in first
    reader = csv.reader(io.StringIO(text), delimiter=";" if german else ",")
    header: list[str] | None = None
    rows: list[Row] = []
    seen: dict[str, str] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = _header(cells)
            continue
        where = f"line {line}"
        if len(cells) != len(header):
            rows.append(Row(where, line, None, [RowError(where, "-", f"{len(cells)} cells, the header has "
                                                                   f"{len(header)}", line)]))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells)}
        rows.append(_row_from_cells(values, where, line, german, seen))
    if header is None:
        raise BeaconFileError("the CSV file has no header row")
    return ReadResult("csv", rows)


def _header(cells: list[str]) -> list[str]:
    names = [c.strip().lower() for c in cells]
    unknown = [n for n in names if n not in EXPORT_FIELDS]
    if unknown:
        raise BeaconFileError(f"unknown column(s) {', '.join(repr(n) for n in unknown)}; "
                              f"the columns are {', '.join(EXPORT_FIELDS)}")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise BeaconFileError(f"column(s) {', '.join(dup)} appear more than once in the header")
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise BeaconFileError(f"the header lacks the required column(s) {', '.join(missing)}")
    return names


def _row_from_cells(cells: dict[str, str], where: str, line: int, decimal_comma: bool,
                    seen: dict[str, str]) -> Row:
    """Convert the text cells of one CSV row and check the beacon they make."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    for name, text in cells.items():
        try:
            values[name] = _convert(name, text, decimal_comma)
        except ValueError as exc:
            errors.append(RowError(where, name, str(exc), line))
    _defaults(values, errors)
    return _finish(values, errors, where, line, seen)


def _defaults(values: dict[str, Any], errors: list[RowError]) -> None:
    """An empty cell, or a null in GeoJSON (what GIS tools write for an empty attribute), takes the default."""
    for name, default in (("tx_power", DEFAULT_TX_POWER), ("path_loss_exponent", DEFAULT_PATH_LOSS_EXPONENT),
                          ("kind", "waypoint"), ("active", True)):
        if values.get(name) is None and not any(e.field == name for e in errors):
            values[name] = default


def _convert(name: str, text: str, decimal_comma: bool) -> Any:
    """One CSV cell as the value of field ``name``; empty is None. Raises ValueError with the reason."""
    if text == "":
        return None
    if name in _NUMBERS:
        candidate = text.replace(",", ".") if decimal_comma else text
        try:
            value = float(candidate)
        except ValueError:
            hint = " (write a decimal point, or use ';' between cells for a decimal comma)" if "," in text else ""
            raise ValueError(f"{text!r} is not a number{hint}") from None
        if not math.isfinite(value):
            raise ValueError(f"{text!r} is not a finite number")
        return value
    if name == "active":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{text!r} is not true or false (also yes/no, ja/nein, 1/0)")
    if name in _TIMES:
        return parse_time(text)
    return text


def label_problem(label: str) -> str | None:
    """Why a German label cannot be spoken as written, or None.

    Labels are said by a speech engine: an abbreviation it would spell out
    letter by letter ("Bhst. 3") must be written out. Those Lotse expands
    when speaking ("Bstg.", "Gl.", "Hbf.", "Str.", ... see
    :mod:`voice.abbrev`) are accepted.
    """
    from voice.abbrev import unknown_abbreviations

    found = unknown_abbreviations(label)
    if not found:
        return None
    words = ", ".join(repr(w) for w in dict.fromkeys(found))
    return f"{words}: an abbreviation the speech engine would spell out letter by letter; write the word out"


def parse_time(text: str) -> date | datetime:
    """An ISO 8601 date (``2024-05-01``) or date and time (``Z`` allowed)."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date (2024-05-01) or date and time") from None


def _finish(values: dict[str, Any], errors: list[RowError], where: str, line: int, seen: dict[str, str]) -> Row:
    """Build the beacon from converted values; add the model's checks and duplicate ids."""
    bad = {e.field for e in errors}
    for name in ("id", "lat", "lon"):
        if values.get(name) is None and name not in bad:
            errors.append(RowError(where, name, "required", line))
            bad.add(name)
    if "label" not in bad and values.get("label") is None:
        errors.append(RowError(where, "label", "required: the spoken German name", line))
        bad.add("label")
    if bad & {"id", "lat", "lon"}:
        return Row(where, line, None, errors)
    clean = {k: v for k, v in values.items() if k not in bad}
    beacon = Beacon(**clean)
    for problem in beacon.errors():
        name, _, reason = problem.partition(": ")
        if name not in bad:
            errors.append(RowError(where, name, reason, line))
            bad.add(name)
    if not any(e.field == "id" for e in errors):
        previous = seen.get(beacon.id)
        if previous is not None:
            errors.append(RowError(where, "id", f"{beacon.id} appears already in {previous}", line))
        else:
            seen[beacon.id] = where
    return Row(where, line, None if errors else beacon, errors)


def parse_geojson(text: str) -> ReadResult:
    """Rows of a GeoJSON FeatureCollection of Points (see the module docstring)."""
    if not text.strip():
        raise BeaconFileError("the file is empty: a GeoJSON beacon file must be a FeatureCollection")
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        raise BeaconFileError(f"not valid JSON: {exc}") from None
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection" or not isinstance(
            doc.get("features"), list):
        raise BeaconFileError("a GeoJSON beacon file must be a FeatureCollection with a 'features' list")
    rows: list[Row] = []
    seen: dict[str, str] = {}
    for n, feature in enumerate(doc["features"], 1):
        rows.append(_row_from_feature(feature, f"feature {n}", n, seen))
    return ReadResult("geojson", rows)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _row_from_feature(feature: Any, where: str, n: int, seen: dict[str, str]) -> Row:
    def fail(name: str, reason: str) -> Row:
        return Row(where, n, None, [RowError(where, name, reason, n)])

    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        return fail("-", "not a GeoJSON Feature")
    geometry = feature.get("geometry")
    coords = geometry.get("coordinates") if isinstance(geometry, Mapping) else None
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Point" or not isinstance(coords, list) \
            or len(coords) not in (2, 3):
        return fail("geometry", "must be a Point with coordinates [lon, lat]")
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        return fail("properties", "must be an object")
    errors: list[RowError] = []
    values: dict[str, Any] = {"lon": coords[0], "lat": coords[1]}
    for name, value in props.items():
        if name in READ_ONLY or name in ("lat", "lon"):
            continue  # answers of the API carry these; the geometry gives the position
        if name not in EXPORT_FIELDS:
            errors.append(RowError(where, name, "unknown field", n))
            continue
        if name in _TIMES and isinstance(value, str):
            try:
                value = parse_time(value)
            except ValueError as exc:
                errors.append(RowError(where, name, str(exc), n))
                continue
        values[name] = value
    if "id" not in values and feature.get("id") is not None:
        values["id"] = feature["id"]
    for name in ("lat", "lon"):
        value = values[name]
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(RowError(where, name, f"{value!r} is not a number", n))
    _defaults(values, errors)
    return _finish(values, errors, where, n, seen)


# -- writing --------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def to_csv(beacons: Iterable[Beacon]) -> str:
    """The beacons as CSV with a header of :data:`EXPORT_FIELDS` (``,`` and a decimal point)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_FIELDS)
    for b in beacons:
        writer.writerow([_cell(getattr(b, name)) for name in EXPORT_FIELDS])
    return out.getvalue()


def to_geojson(beacons: Iterable[Beacon]) -> dict[str, Any]:
    """The beacons as a GeoJSON FeatureCollection of Points (properties: every field but lat/lon)."""
    features = []
    for b in beacons:
        record = b.to_dict()
        props = {k: record[k] for k in EXPORT_FIELDS if k not in ("lat", "lon")}
        features.append({"type": "Feature", "id": b.id, "geometry": {"type": "Point", "coordinates": [b.lon, b.lat]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}

