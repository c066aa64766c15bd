"""Words of live guidance that are not a route step: where a new route leads."""

from __future__ import annotations

import pytest

from lotse.session_text import new_route_direction


@pytest.mark.parametrize("heading, bearing, lang, directions, expected", [
    (0, 10, "de", "relative", "Die neue Route führt geradeaus."),
    (0, 90, "de", "relative", "Die neue Route führt nach rechts."),
    (90, 45, "de", "relative", "Die neue Route führt halb links."),
    (0, 180, "de", "relative", "Bitte drehen Sie um."),
    (0, 90, "de", "clock", "Die neue Route führt in Richtung 3 Uhr."),
    (350, 5, "en", "relative", "The new route leads straight ahead."),
    (0, 270, "en", "relative", "The new route leads to your left."),
])
def test_new_route_direction_is_relative_to_the_heading(heading, bearing, lang, directions, expected):
    assert new_route_direction(heading, bearing, lang, directions) == expected


def test_without_a_heading_nothing_relative_can_be_said():
    assert new_route_direction(None, 90, "de", "relative") is None
