"""Small geodesy helpers shared by routing, beacons and the service.

Distances in a city are short, so an equirectangular local tangent plane is
accurate to centimetres over a few kilometres and far cheaper than geodesic
formulas. Every function takes and returns plain floats or numpy arrays.
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres; works on floats and numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 to point 2, degrees clockwise from north in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360.0


def turn_angle_deg(bearing_in: float, bearing_out: float) -> float:
    """Signed change of heading in (-180, 180]: positive turns right, negative left."""
    d = (bearing_out - bearing_in + 180.0) % 360.0 - 180.0
    return 180.0 if d == -180.0 else d


def clock_from_angle(angle_deg: float) -> int:
    """Clock-face direction (1..12) of a relative angle; 12 is straight ahead, 3 is right."""
    hour = round((angle_deg % 360.0) / 30.0) % 12
    return 12 if hour == 0 else hour


class LocalFrame:
    """Local tangent plane around an origin: (lat, lon) <-> (x east, y north) in metres."""

    def __init__(self, lat0: float, lon0: float):
        self.lat0 = lat0
        self.lon0 = lon0
        self._m_per_deg_lat = math.pi * EARTH_RADIUS_M / 180.0
        self._m_per_deg_lon = self._m_per_deg_lat * math.cos(math.radians(lat0))

    def to_xy(self, lat, lon):
        """Project degrees to metres east (x) and north (y) of the origin."""
        x = (np.asarray(lon) - self.lon0) * self._m_per_deg_lon
        y = (np.asarray(lat) - self.lat0) * self._m_per_deg_lat
        return x, y

    def to_latlon(self, x, y):
        """Inverse of :meth:`to_xy`."""
        lat = self.lat0 + np.asarray(y) / self._m_per_deg_lat
        lon = self.lon0 + np.asarray(x) / self._m_per_deg_lon
        return lat, lon
