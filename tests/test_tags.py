"""One small test per normalisation rule of :mod:`routing.tags`."""

from __future__ import annotations

import math

import pytest

from routing import tags as T

# ---------------------------------------------------------------------------
# walkability
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "highway",
    ["footway", "path", "steps", "residential", "pedestrian", "living_street", "track", "service", "platform"],
)
def test_walkable_highways(highway):
    assert T.is_walkable({"highway": highway})


@pytest.mark.parametrize("highway", ["motorway", "motorway_link", "construction", "proposed"])
def test_never_walkable_highways(highway):
    assert not T.is_walkable({"highway": highway})
    assert not T.is_walkable({"highway": highway, "foot": "yes"}), "foot=yes does not open a motorway"


def test_no_highway_is_not_walkable():
    assert not T.is_walkable({"building": "yes"})


@pytest.mark.parametrize("foot", ["no", "use_sidepath"])
def test_foot_denied(foot):
    assert not T.is_walkable({"highway": "residential", "foot": foot})


def test_access_private_without_foot_is_not_walkable():
    assert not T.is_walkable({"highway": "service", "access": "private"})


def test_access_private_with_foot_yes_is_walkable():
    assert T.is_walkable({"highway": "service", "access": "private", "foot": "yes"})


def test_access_agricultural_is_walkable():
    # documented choice: agricultural/forestry restrict vehicles, not pedestrians
    assert T.is_walkable({"highway": "track", "access": "agricultural"})


def test_cycleway_needs_foot_permission():
    assert not T.is_walkable({"highway": "cycleway"})
    assert T.is_walkable({"highway": "cycleway", "foot": "designated"})


def test_trunk_needs_foot_permission():
    assert not T.is_walkable({"highway": "trunk"})
    assert T.is_walkable({"highway": "trunk", "foot": "yes"})


def test_crossing_no_footway_is_not_walkable():
    assert not T.is_walkable({"highway": "footway", "footway": "crossing", "crossing": "no"})


# ---------------------------------------------------------------------------
# car roads
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["driveway", "parking_aisle"])
def test_driveways_are_not_roads(service):
    assert T.car_road_class({"highway": "service", "service": service}) is None


def test_plain_service_is_a_road():
    assert T.car_road_class({"highway": "service"}) == "service"


@pytest.mark.parametrize("link,main", [("primary_link", "primary"), ("secondary_link", "secondary"),
                                       ("motorway_link", "motorway")])
def test_link_roads_map_to_their_class(link, main):
    assert T.car_road_class({"highway": link}) == main


@pytest.mark.parametrize("highway", ["footway", "steps", "cycleway", "pedestrian"])
def test_ways_without_motor_traffic_are_not_roads(highway):
    assert T.car_road_class({"highway": highway}) is None


def test_motor_vehicle_no_is_not_a_road():
    assert T.car_road_class({"highway": "residential", "motor_vehicle": "no"}) is None


# ---------------------------------------------------------------------------
# crossings
# ---------------------------------------------------------------------------

C = {"highway": "crossing"}


@pytest.mark.parametrize(
    "extra,control",
    [
        ({"crossing": "traffic_signals"}, "signals"),
        ({"crossing": "pedestrian_signals"}, "signals"),
        ({"crossing": "zebra"}, "zebra"),
        ({"crossing": "marked", "crossing_ref": "zebra"}, "zebra"),
        ({"crossing": "marked"}, "marked"),
        ({"crossing": "uncontrolled"}, "uncontrolled"),
        ({"crossing": "island"}, "uncontrolled"),
        ({"crossing": "unmarked"}, "none"),
        ({"crossing": "no"}, "none"),
        ({}, "unknown"),
    ],
    ids=lambda v: str(v),
)
def test_crossing_control(extra, control):
    assert T.crossing_control({**C, **extra}) == control


def test_crossing_signals_win_over_zebra_ref():
    assert T.crossing_control({**C, "crossing": "traffic_signals", "crossing_ref": "zebra"}) == "signals"


def test_footway_crossing_way_is_a_crossing():
    assert T.crossing_control({"highway": "footway", "footway": "crossing"}) == "unknown"


def test_non_crossing_has_no_control():
    assert T.crossing_control({"highway": "footway"}) is None
    assert T.crossing_control({"highway": "traffic_signals"}) is None


@pytest.mark.parametrize("value,expected", [("yes", "yes"), ("locate", "yes"), ("walk", "yes"),
                                            ("no", "no"), (None, "unknown")])
def test_signal_sound(value, expected):
    tags = {} if value is None else {"traffic_signals:sound": value}
    assert T.signal_sound(tags) == expected


@pytest.mark.parametrize("value,expected", [("yes", "yes"), ("no", "no"), (None, "unknown"), ("maybe", "unknown")])
def test_signal_vibration(value, expected):
    tags = {} if value is None else {"traffic_signals:vibration": value}
    assert T.signal_vibration(tags) == expected


@pytest.mark.parametrize("value,expected", [("yes", "yes"), ("no", "no"), ("incorrect", "incorrect"),
                                            ("partial", "incorrect"), (None, "unknown")])
def test_tactile_paving(value, expected):
    tags = {} if value is None else {"tactile_paving": value}
    assert T.tactile_paving(tags) == expected


@pytest.mark.parametrize(
    "tags,expected",
    [({"crossing:island": "yes"}, "yes"), ({"crossing:island": "no"}, "no"), ({}, "unknown"),
     ({"crossing": "island"}, "yes"), ({"traffic_calming": "island"}, "yes")],
)
def test_crossing_island(tags, expected):
    assert T.crossing_island(tags) == expected


# ---------------------------------------------------------------------------
# kerbs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["raised", "lowered", "flush", "rolled", "no"])
def test_kerb_kinds(kind):
    assert T.kerb({"kerb": kind}) == (kind, None)


@pytest.mark.parametrize("tags", [{}, {"kerb": "yes"}, {"barrier": "kerb"}])
def test_kerb_kind_unknown(tags):
    assert T.kerb(tags)[0] == "unknown"


@pytest.mark.parametrize("height,metres", [("0.12", 0.12), ("12 cm", 0.12), ("3cm", 0.03), ("0,05", 0.05),
                                           ("bad", None), ("-0.1", None)])
def test_kerb_height(height, metres):
    _, h = T.kerb({"kerb": "raised", "kerb:height": height})
    if metres is None:
        assert h is None
    else:
        assert h == pytest.approx(metres)


# ---------------------------------------------------------------------------
# surface
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tags,group",
    [
        ({"surface": "asphalt"}, "paved_smooth"),
        ({"surface": "paving_stones"}, "paved_smooth"),
        ({"surface": "sett"}, "paved_rough"),
        ({"surface": "cobblestone"}, "paved_rough"),
        ({"surface": "gravel"}, "unpaved"),
        ({"surface": "grass"}, "unpaved"),
        ({}, "unknown"),
        ({"surface": "something_new"}, "unknown"),
        ({"surface": "asphalt", "smoothness": "bad"}, "paved_rough"),
        ({"smoothness": "very_bad"}, "paved_rough"),
        ({"surface": "gravel", "smoothness": "horrible"}, "unpaved"),
        ({"surface": "asphalt", "smoothness": "good"}, "paved_smooth"),
    ],
)
def test_surface_group(tags, group):
    assert T.surface_group(tags) == group


# ---------------------------------------------------------------------------
# sidewalks and way kinds
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tags,expected",
    [
        ({"sidewalk": "both"}, "both"),
        ({"sidewalk": "left"}, "left"),
        ({"sidewalk": "right"}, "right"),
        ({"sidewalk": "separate"}, "separate"),
        ({"sidewalk": "no"}, "no"),
        ({"sidewalk": "none"}, "no"),
        ({"sidewalk": "yes"}, "yes"),
        ({"sidewalk:both": "separate"}, "separate"),
        ({"sidewalk:left": "yes", "sidewalk:right": "yes"}, "both"),
        ({"sidewalk:left": "yes", "sidewalk:right": "no"}, "left"),
        ({"sidewalk:right": "yes"}, "right"),
        ({"sidewalk:left": "no", "sidewalk:right": "no"}, "no"),
        ({"sidewalk:left": "separate", "sidewalk:right": "no"}, "separate"),
        ({}, "unknown"),
        ({"sidewalk:left": "no"}, "unknown"),
    ],
)
def test_sidewalk(tags, expected):
    assert T.sidewalk({"highway": "residential", **tags}) == expected


@pytest.mark.parametrize(
    "tags,kind",
    [
        ({"highway": "footway"}, "footway"),
        ({"highway": "footway", "footway": "sidewalk"}, "sidewalk"),
        ({"highway": "footway", "footway": "crossing"}, "crossing"),
        ({"highway": "pedestrian"}, "pedestrian_street"),
        ({"highway": "pedestrian", "area": "yes"}, "pedestrian_area"),
        ({"highway": "living_street"}, "living_street"),
        ({"highway": "residential", "sidewalk": "both"}, "street_with_sidewalk"),
        ({"highway": "residential", "sidewalk": "no"}, "street_without_sidewalk"),
        ({"highway": "residential", "sidewalk": "separate"}, "street_without_sidewalk"),
        ({"highway": "residential"}, "street_sidewalk_unknown"),
        ({"highway": "path", "bicycle": "designated"}, "shared_path"),
        ({"highway": "cycleway", "foot": "designated"}, "shared_path"),
        ({"highway": "cycleway", "foot": "designated", "segregated": "yes"}, "segregated_path"),
        ({"highway": "footway", "bicycle": "yes"}, "footway"),
        ({"highway": "path"}, "path"),
        ({"highway": "track"}, "track"),
        ({"highway": "steps"}, "steps"),
        ({"highway": "elevator"}, "elevator"),
        ({"highway": "platform"}, "platform"),
        ({"highway": "footway", "public_transport": "platform"}, "platform"),
        ({"highway": "corridor"}, "corridor"),
        ({"highway": "service"}, "service"),
        ({"highway": "service", "sidewalk": "right"}, "street_with_sidewalk"),
    ],
    ids=lambda v: "-".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else v,
)
def test_way_kind(tags, kind):
    assert kind in T.WAY_KINDS
    assert T.way_kind(tags) == kind


# ---------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tags,expected",
    [
        ({"handrail:left": "yes"}, "left"),
        ({"handrail:right": "yes"}, "right"),
        ({"handrail:left": "yes", "handrail:right": "yes"}, "both"),
        ({"handrail:center": "yes"}, "center"),
        ({"handrail": "yes"}, "yes"),
        ({"handrail": "no"}, "none"),
        ({"handrail:left": "no", "handrail:right": "no"}, "none"),
        ({}, "unknown"),
    ],
)
def test_handrail(tags, expected):
    assert T.handrail({"highway": "steps", **tags}) == expected


@pytest.mark.parametrize("value,mirrored", [("left", "right"), ("right", "left"), ("both", "both"),
                                            ("center", "center"), ("yes", "yes"), ("none", "none"),
                                            ("unknown", "unknown")])
def test_mirror_handrail(value, mirrored):
    assert T.mirror_handrail(value) == mirrored


@pytest.mark.parametrize("incline,direction", [("up", "up"), ("down", "down"), ("10%", "up"), ("-5%", "down"),
                                               ("5°", "up"), ("0%", "unknown"), ("steep", "unknown"),
                                               (None, "unknown")])
def test_incline_direction(incline, direction):
    tags = {"highway": "steps"} if incline is None else {"highway": "steps", "incline": incline}
    assert T.incline_direction(tags) == direction


def test_incline_percent():
    assert T.incline_percent({"incline": "-5%"}) == pytest.approx(5.0)
    assert T.incline_percent({"incline": "45°"}) == pytest.approx(100.0)
    assert T.incline_percent({"incline": "up"}) is None


# ---------------------------------------------------------------------------
# road danger
# ---------------------------------------------------------------------------


def test_road_danger_class_order():
    d = [T.road_danger(c, None, None) for c in ("primary", "secondary", "tertiary", "residential")]
    assert d == sorted(d, reverse=True) and len(set(d)) == 4
    assert T.road_danger("residential", None, None) == 1.0


def test_road_danger_speed_and_lanes():
    base = T.road_danger("secondary", None, None)
    assert T.road_danger("secondary", 30, None) < base
    assert T.road_danger("secondary", 70, None) > base
    assert T.road_danger("secondary", None, 4) > base
    assert T.road_danger("secondary", 50, 2) == base, "50 km/h and two lanes are the class default"


def test_is_major_road():
    assert T.is_major_road("primary", None, None)
    assert T.is_major_road("tertiary", None, None)
    assert not T.is_major_road("residential", None, None)
    assert T.is_major_road("residential", 70, None)
    assert T.is_major_road("residential", None, 3)
    assert not T.is_major_road("residential", 50, 2)


# ---------------------------------------------------------------------------
# barriers and numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("tags,expected", [({"barrier": "bollard"}, "bollard"), ({"barrier": "gate"}, "gate"),
                                           ({"barrier": "kerb"}, None), ({"barrier": "no"}, None), ({}, None)])
def test_barrier(tags, expected):
    assert T.barrier(tags) == expected


@pytest.mark.parametrize("value,kmh", [("50", 50.0), ("30 mph", 30 * 1.609344), ("DE:urban", 50.0),
                                       ("DE:zone30", 30.0), ("walk", 7.0), ("fast", None), ("", None),
                                       (None, None)])
def test_parse_speed_kmh(value, kmh):
    result = T.parse_speed_kmh(value)
    if kmh is None:
        assert result is None
    else:
        assert math.isclose(result, kmh)


@pytest.mark.parametrize("value,expected", [("12", 12), (" 3 ", 3), ("many", None), ("-2", None), (None, None)])
def test_parse_int(value, expected):
    assert T.parse_int(value) == expected


@pytest.mark.parametrize("value,expected", [("yes", "yes"), ("24/7", "yes"), ("no", "no"), (None, "unknown")])
def test_lit(value, expected):
    assert T.lit({} if value is None else {"lit": value}) == expected
