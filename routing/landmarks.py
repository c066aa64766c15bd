"""Point landmarks (beacons) placed on the walkable graph.

A beacon is useful as a landmark only where a walker passes it: each is
attached to the nearest point of a walkable way within :data:`ATTACH_M`.
Beacons farther off (indoors, on a wall across a car park, a typo in the
coordinates) are kept but not attached, and reported, so staff can check
them.

A graph built with beacons keeps them in ``graph.meta["beacons"]``: the
records as given (plain dicts, :meth:`beacons.model.Beacon.to_dict` shape)
plus ``attached``. The service merges them with the beacons registered
later, which it attaches with the same :func:`attach` at runtime.
No dependency on the ``beacons`` package: records are plain mappings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

from routing.graph import CompiledGraph, decode
from routing.snap import Snapper

#: A beacon farther than this from every walkable way is not attached (metres).
ATTACH_M = 30.0


@dataclass(frozen=True)
class Attachment:
    """Where a point meets the walkable network: the nearest point of the nearest walkable edge."""

    edge: int
    lat: float
    lon: float
    distance_m: float
    street: str | None  # the way's name, None when unnamed
    way_kind: str  # footway, sidewalk, steps, ...

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["lat"], out["lon"] = round(self.lat, 7), round(self.lon, 7)
        out["distance_m"] = round(self.distance_m, 1)
        return out


def attach(snapper: Snapper, lat: float, lon: float, max_m: float = ATTACH_M) -> Attachment | None:
    """The nearest walkable point within ``max_m`` of (lat, lon), or None."""
    found = snapper.candidates(lat, lon, max_m)
    if not found:
        return None
    distance, edge = found[0]
    snap = snapper.project(lat, lon, edge, distance)
    graph = snapper.graph
    return Attachment(edge=edge, lat=snap.lat, lon=snap.lon, distance_m=snap.distance_m,
                      street=graph.string(int(graph.edge_name[edge])),
                      way_kind=decode("way_kind", graph.edge_kind[edge]))


def attach_beacons(graph: CompiledGraph, beacons: Iterable[Mapping[str, Any]], max_m: float = ATTACH_M,
                   snapper: Snapper | None = None) -> list[str]:
    """Store ``beacons`` in ``graph.meta["beacons"]``, each with its attachment; return warnings.

    Every beacon is kept (positioning needs it wherever it is); those farther
    than ``max_m`` from every walkable way get ``attached: None`` and a warning.
    The warnings are also appended to ``graph.meta["warnings"]``.
    """
    snapper = snapper or Snapper(graph)
    stored, warnings = [], []
    for record in beacons:
        item = {k: v for k, v in dict(record).items() if k != "attached"}
        at = attach(snapper, float(item["lat"]), float(item["lon"]), max_m)
        item["attached"] = None if at is None else at.to_dict()
        if at is None:
            nearest = snapper.nearest_distance(float(item["lat"]), float(item["lon"]))
            far = f"{nearest:.0f} m" if nearest is not None else "far"
            warnings.append(f"beacon {item['id']} ({item.get('label') or 'no label'}) is {far} from the nearest "
                            f"walkable way (more than {max_m:.0f} m): kept for positioning, not a landmark")
        stored.append(item)
    graph.meta["beacons"] = stored
    graph.meta["beacons_attach_m"] = max_m
    graph.meta.setdefault("warnings", []).extend(warnings)
    return warnings


def graph_beacons(graph: CompiledGraph) -> list[dict[str, Any]]:
    """The beacons a graph was built with (records with ``attached``); [] for graphs without."""
    return list(graph.meta.get("beacons") or [])
