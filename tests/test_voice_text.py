"""Spoken text: golden tests for every maneuver kind in German and English,
rounding, singular and plural, summaries, and the language purity check."""

import re

import pytest

from routing.maneuver import Crossing, Hazard, Landmark, Maneuver, RouteSummary, Steps
from voice import Guidance, expand_name, render, summarise
from voice.directions import clock_of, modifier_from_angle, modifier_of, normalise_modifier
from voice.units import distance_amount, duration_parts

LOC = (7.7689, 49.4447)


def M(kind, **kw):
    kw.setdefault("distance_m", 120.0)
    kw.setdefault("bearing", 0.0)
    return Maneuver(kind=kind, location=LOC, **kw)


SIGNALS = Crossing(street="Pariser Str.", road_class="secondary", control="signals", sound="yes",
                   vibration="unknown", tactile_paving="unknown", island="yes", kerb="lowered")
CASES = {
    "depart": M("depart", street="Mainzer Str.", cardinal="n", distance_m=42),
    "depart_reference": M("depart", street="Mainzer Straße", cardinal="ne", distance_m=42,
                          reference="Bushaltestelle Rathaus", turn_angle=90, clock=3),
    "depart_unnamed": M("depart", way_kind="sidewalk", bearing=265.0, distance_m=50),
    "continue": M("continue", street="Mainzer Straße", distance_m=63),
    "turn_left": M("turn", street="Fauthweg", turn_angle=-90, clock=9, distance_m=137),
    "turn_slight_right": M("turn", street="Benzinoring", modifier="slight_right", turn_angle=30, clock=1,
                           distance_m=18),
    "turn_sharp_angle": M("turn", street="Am Altenhof", turn_angle=150, clock=5, distance_m=8),
    "turn_square": M("turn", street="Marktplatz", turn_angle=-100, clock=9, distance_m=55),
    "turn_footway": M("turn", way_kind="footway", turn_angle=80, clock=3, distance_m=25),
    "turn_shared": M("turn", way_kind="shared_cycle_path", turn_angle=-40, clock=11, distance_m=300),
    "compound": M("turn", way_kind="footway", turn_angle=-90, clock=9, distance_m=6,
                  compound=[M("turn", street="Pariser Straße", turn_angle=90, clock=3, distance_m=210)]),
    "uturn": M("uturn", street="Mainzer Straße", turn_angle=180, clock=6, distance_m=40),
    "name_change": M("name_change", street="Schillerstr.", distance_m=250),
    "cross_signals": M("cross", crossing=SIGNALS, way_kind="sidewalk", distance_m=80),
    "cross_signals_no_sound": M("cross", street="Marktstraße", distance_m=30, crossing=Crossing(
        street="Maxstraße", control="signals", sound="no", vibration="yes", button="yes",
        tactile_paving="yes", island="no", kerb="lowered", kerb_height_m=0.03)),
    "cross_zebra_flush": M("cross", street="Marktstraße", distance_m=20, crossing=Crossing(
        street="Marktstraße", control="zebra", tactile_paving="no", kerb="flush", island="no")),
    "cross_marked": M("cross", street="Marktstraße", distance_m=20, crossing=Crossing(
        street="Fackelstraße", control="marked", tactile_paving="yes", island="unknown", kerb="raised",
        kerb_height_m=0.12)),
    "cross_uncontrolled_major": M("cross", street="Lauterstraße", distance_m=20, crossing=Crossing(
        street="Lauterstraße", road_class="primary", control="uncontrolled", tactile_paving="yes",
        island="no", kerb="raised")),
    "cross_unmarked_junction": M("cross", street="Marktstraße", distance_m=20, crossing=Crossing(
        road_class="residential", control="none", mapped=False)),
    "cross_none_major_unnamed": M("cross", way_kind="sidewalk", distance_m=20, crossing=Crossing(
        road_class="primary", control="none", tactile_paving="no", island="no", kerb="rolled")),
    "cross_unknown": M("cross", street="Kaiserstraße", distance_m=20, crossing=Crossing(
        street="Kaiserstraße", control="unknown", kerb_height_m=0.12)),
    "steps_up": M("steps", way_kind="steps", distance_m=40, steps=Steps(count=12, direction="up", handrail="right")),
    "steps_unknown": M("steps", way_kind="footway", distance_m=15, steps=Steps()),
    "steps_one_down": M("steps", way_kind="footway", distance_m=10,
                        steps=Steps(count=1, direction="down", handrail="none")),
    "steps_both": M("steps", way_kind="steps", distance_m=10,
                    steps=Steps(count=24, direction="down", handrail="both", ramp="yes")),
    "steps_handrail_side_unknown": M("steps", way_kind="steps", distance_m=9,
                                     steps=Steps(count=24, direction="up", handrail="yes", ramp="yes")),
    "elevator": M("elevator", way_kind="elevator", distance_m=30),
    "enter_area": M("enter_area", street="Stiftsplatz", way_kind="pedestrian_area", turn_angle=30, clock=1,
                    distance_m=40),
    "enter_area_unnamed": M("enter_area", way_kind="pedestrian_area", distance_m=25),
    "leave_area": M("leave_area", street_before="Stiftsplatz", street="Alte Straße", turn_angle=80, clock=3,
                    distance_m=55),
    "leave_area_unnamed": M("leave_area", way_kind="sidewalk", distance_m=25),
    "enter_area_uturn": M("enter_area", street="Marktplatz", street_before="Marktplatz", way_kind="pedestrian_area",
                          turn_angle=-180, clock=6, modifier="uturn", distance_m=36),
    "leave_area_uturn": M("leave_area", street_before="Marktplatz", way_kind="footway", turn_angle=175, clock=6,
                          modifier="uturn", distance_m=20),
    "landmark": M("landmark", street="Alte Straße", distance_m=30, landmarks=[
        Landmark(kind="bus_stop", label="Bushaltestelle Rathaus", label_en="Rathaus bus stop", side="right")]),
    "landmark_beacon": M("landmark", street="Alte Straße", distance_m=30, landmarks=[
        Landmark(kind="bus_stop", label="Bushaltestelle Rathaus, Steig A", label_en="Rathaus bus stop, platform A",
                 side="right", id="ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:2")]),
    "hazard": M("hazard", street="Alte Straße", distance_m=45, hazards=[
        Hazard(kind="construction", description="Baustelle auf dem Gehweg",
               description_en="construction site on the pavement", distance_m=20)]),
    "hazard_kind_only": M("hazard", street="Alte Straße", distance_m=45, hazards=[Hazard(kind="scaffolding")]),
    "turn_with_extras": M("turn", street="Marktplatz", turn_angle=95, clock=3, distance_m=1450, landmarks=[
        Landmark(kind="shop", label="Apotheke am Markt", label_en="the pharmacy", side="left")],
        hazards=[Hazard(kind="bollard", distance_m=60)]),
    "arrive_right": M("arrive", side="right", distance_m=0, landmarks=[
        Landmark(kind="entrance", label="Eingang Rathaus", label_en="the town hall entrance", side="right")]),
    "arrive_ahead": M("arrive", side="ahead", distance_m=0),
    "arrive_unknown": M("arrive", side="unknown", distance_m=0),
    "arrive_square": M("arrive", side="area", street="Marktplatz", way_kind="pedestrian_area", distance_m=0),
}


# Golden texts (reviewed by hand): (case, lang) -> (pre, main, post).
# Each case is rendered after a 30 m 'continue', so its pre-announcement says 30 m.
GOLDEN_RELATIVE = {
    ('depart', 'de'): (
        'Ihre Route beginnt auf der Mainzer Straße.',
        'Gehen Sie nach Norden auf der Mainzer Straße.',
        'Weiter 40 Meter auf der Mainzer Straße.'),
    ('depart', 'en'): (
        'Your route starts on Mainzer Straße.',
        'Head north on Mainzer Straße.',
        'Continue 40 metres on Mainzer Straße.'),
    ('depart_reference', 'de'): (
        'Ihre Route beginnt auf der Mainzer Straße.',
        'Gehen Sie nach Nordosten auf der Mainzer Straße. Mit Blick zur Bushaltestelle Rathaus ist das rechts.',
        'Weiter 40 Meter auf der Mainzer Straße.'),
    ('depart_reference', 'en'): (
        'Your route starts on Mainzer Straße.',
        'Head north-east on Mainzer Straße. Facing Bushaltestelle Rathaus, that is to your right.',
        'Continue 40 metres on Mainzer Straße.'),
    ('depart_unnamed', 'de'): (
        'Ihre Route beginnt auf dem Gehweg.',
        'Gehen Sie nach Westen auf dem Gehweg.',
        'Weiter 50 Meter auf dem Gehweg.'),
    ('depart_unnamed', 'en'): (
        'Your route starts on the pavement.',
        'Head west on the pavement.',
        'Continue 50 metres on the pavement.'),
    ('continue', 'de'): (
        'In 30 Metern geradeaus weiter auf der Mainzer Straße.',
        'Jetzt geradeaus weiter auf der Mainzer Straße.',
        'Weiter 65 Meter auf der Mainzer Straße.'),
    ('continue', 'en'): (
        'In 30 metres, continue straight ahead on Mainzer Straße.',
        'Now continue straight ahead on Mainzer Straße.',
        'Continue 65 metres on Mainzer Straße.'),
    ('turn_left', 'de'): (
        'In 30 Metern links in den Fauthweg.',
        'Jetzt links in den Fauthweg.',
        'Weiter 140 Meter auf dem Fauthweg.'),
    ('turn_left', 'en'): (
        'In 30 metres, turn left onto Fauthweg.',
        'Now turn left onto Fauthweg.',
        'Continue 140 metres on Fauthweg.'),
    ('turn_slight_right', 'de'): (
        'In 30 Metern halb rechts in den Benzinoring.',
        'Jetzt halb rechts in den Benzinoring.',
        'Weiter 18 Meter auf dem Benzinoring.'),
    ('turn_slight_right', 'en'): (
        'In 30 metres, turn slightly right onto Benzinoring.',
        'Now turn slightly right onto Benzinoring.',
        'Continue 18 metres on Benzinoring.'),
    ('turn_sharp_angle', 'de'): (
        'In 30 Metern scharf rechts in die Straße Am Altenhof.',
        'Jetzt scharf rechts in die Straße Am Altenhof.',
        'Weiter 8 Meter auf der Straße Am Altenhof.'),
    ('turn_sharp_angle', 'en'): (
        'In 30 metres, turn sharp right onto Am Altenhof.',
        'Now turn sharp right onto Am Altenhof.',
        'Continue 8 metres on Am Altenhof.'),
    ('turn_square', 'de'): (
        'In 30 Metern links auf den Marktplatz.',
        'Jetzt links auf den Marktplatz.',
        'Weiter 55 Meter auf dem Marktplatz.'),
    ('turn_square', 'en'): (
        'In 30 metres, turn left onto Marktplatz.',
        'Now turn left onto Marktplatz.',
        'Continue 55 metres on Marktplatz.'),
    ('turn_footway', 'de'): (
        'In 30 Metern rechts in den Fußweg.',
        'Jetzt rechts in den Fußweg.',
        'Weiter 25 Meter auf dem Fußweg.'),
    ('turn_footway', 'en'): (
        'In 30 metres, turn right onto the footpath.',
        'Now turn right onto the footpath.',
        'Continue 25 metres on the footpath.'),
    ('turn_shared', 'de'): (
        'In 30 Metern halb links auf den gemeinsamen Geh- und Radweg.',
        'Jetzt halb links auf den gemeinsamen Geh- und Radweg.',
        'Weiter 300 Meter auf dem gemeinsamen Geh- und Radweg.'),
    ('turn_shared', 'en'): (
        'In 30 metres, turn slightly left onto the shared foot and cycle path.',
        'Now turn slightly left onto the shared foot and cycle path.',
        'Continue 300 metres on the shared foot and cycle path.'),
    ('compound', 'de'): (
        'In 30 Metern links und gleich danach rechts in die Pariser Straße.',
        'Jetzt links und gleich danach rechts in die Pariser Straße.',
        'Weiter 210 Meter auf der Pariser Straße.'),
    ('compound', 'en'): (
        'In 30 metres, turn left, then immediately turn right onto Pariser Straße.',
        'Now turn left, then immediately turn right onto Pariser Straße.',
        'Continue 210 metres on Pariser Straße.'),
    ('uturn', 'de'): (
        'In 30 Metern umdrehen.',
        'Jetzt umdrehen und zurück auf der Mainzer Straße.',
        'Weiter 40 Meter auf der Mainzer Straße.'),
    ('uturn', 'en'): (
        'In 30 metres, turn around.',
        'Now turn around and go back on Mainzer Straße.',
        'Continue 40 metres on Mainzer Straße.'),
    ('name_change', 'de'): (
        'In 30 Metern heißt die Straße Schillerstraße.',
        'Die Straße heißt jetzt Schillerstraße.',
        'Weiter 250 Meter auf der Schillerstraße.'),
    ('name_change', 'en'): (
        'In 30 metres, the street becomes Schillerstraße.',
        'The street is now called Schillerstraße.',
        'Continue 250 metres on Schillerstraße.'),
    ('cross_signals', 'de'): (
        'In 30 Metern überqueren Sie die Pariser Straße an der Ampel mit Blindensignal.',
        'Überqueren Sie jetzt die Pariser Straße an der Ampel, mit Blindensignal und Mittelinsel. Bordstein abgesenkt. Vibrationssignal und Bodenleitsystem unbekannt.',
        'Weiter 80 Meter auf dem Gehweg.'),
    ('cross_signals', 'en'): (
        'In 30 metres, cross Pariser Straße at the traffic lights with acoustic signal.',
        'Now cross Pariser Straße at the traffic lights, with acoustic signal and crossing island. Kerb lowered. Vibration signal and tactile paving unknown.',
        'Continue 80 metres on the pavement.'),
    ('cross_signals_no_sound', 'de'): (
        'In 30 Metern überqueren Sie die Maxstraße an der Ampel ohne Blindensignal.',
        'Überqueren Sie jetzt die Maxstraße an der Ampel, mit Vibrationssignal, Taster und Bodenleitsystem, ohne Blindensignal. Bordstein abgesenkt, 3 Zentimeter hoch.',
        'Weiter 30 Meter auf der Marktstraße.'),
    ('cross_signals_no_sound', 'en'): (
        'In 30 metres, cross Maxstraße at the traffic lights without acoustic signal.',
        'Now cross Maxstraße at the traffic lights, with vibration signal, push button and tactile paving, without acoustic signal. Kerb lowered, 3 centimetres high.',
        'Continue 30 metres on Marktstraße.'),
    ('cross_zebra_flush', 'de'): (
        'In 30 Metern überqueren Sie die Marktstraße am Zebrastreifen.',
        'Überqueren Sie jetzt die Marktstraße am Zebrastreifen, ohne Bodenleitsystem. Bordstein ebenerdig. Achtung: Fahrbahnrand nicht tastbar.',
        'Weiter 20 Meter auf der Marktstraße.'),
    ('cross_zebra_flush', 'en'): (
        'In 30 metres, cross Marktstraße at the zebra crossing.',
        'Now cross Marktstraße at the zebra crossing, without tactile paving. Kerb flush with the road. Caution: the road edge cannot be felt.',
        'Continue 20 metres on Marktstraße.'),
    ('cross_marked', 'de'): (
        'In 30 Metern überqueren Sie die Fackelstraße am markierten Überweg.',
        'Überqueren Sie jetzt die Fackelstraße am markierten Überweg, mit Bodenleitsystem. Bordstein 12 Zentimeter hoch. Mittelinsel unbekannt.',
        'Weiter 20 Meter auf der Marktstraße.'),
    ('cross_marked', 'en'): (
        'In 30 metres, cross Fackelstraße at the marked crossing.',
        'Now cross Fackelstraße at the marked crossing, with tactile paving. Kerb 12 centimetres high. Crossing island unknown.',
        'Continue 20 metres on Marktstraße.'),
    ('cross_uncontrolled_major', 'de'): (
        'In 30 Metern überqueren Sie die Lauterstraße, eine Hauptverkehrsstraße, am ungesicherten Überweg.',
        'Überqueren Sie jetzt die Lauterstraße, eine Hauptverkehrsstraße, am ungesicherten Überweg, mit Bodenleitsystem. Bordstein hoch.',
        'Weiter 20 Meter auf der Lauterstraße.'),
    ('cross_uncontrolled_major', 'en'): (
        'In 30 metres, cross Lauterstraße, a main road, at the uncontrolled crossing.',
        'Now cross Lauterstraße, a main road, at the uncontrolled crossing, with tactile paving. Kerb high.',
        'Continue 20 metres on Lauterstraße.'),
    ('cross_unmarked_junction', 'de'): (
        'In 30 Metern überqueren Sie die Straße, kein Überweg verzeichnet.',
        'Überqueren Sie jetzt die Straße. Kein Überweg verzeichnet.',
        'Weiter 20 Meter auf der Marktstraße.'),
    ('cross_unmarked_junction', 'en'): (
        'In 30 metres, cross the street, no crossing mapped.',
        'Now cross the street. No crossing mapped.',
        'Continue 20 metres on Marktstraße.'),
    ('cross_none_major_unnamed', 'de'): (
        'In 30 Metern überqueren Sie die Hauptverkehrsstraße ohne Überweg.',
        'Überqueren Sie jetzt die Hauptverkehrsstraße ohne Überweg, ohne Bodenleitsystem. Bordstein abgerundet.',
        'Weiter 20 Meter auf dem Gehweg.'),
    ('cross_none_major_unnamed', 'en'): (
        'In 30 metres, cross the main road without a crossing.',
        'Now cross the main road without a crossing, without tactile paving. Kerb rounded.',
        'Continue 20 metres on the pavement.'),
    ('cross_unknown', 'de'): (
        'In 30 Metern überqueren Sie die Kaiserstraße.',
        'Überqueren Sie jetzt die Kaiserstraße. Art des Überwegs unbekannt. Bordstein 12 Zentimeter hoch. Bodenleitsystem und Mittelinsel unbekannt.',
        'Weiter 20 Meter auf der Kaiserstraße.'),
    ('cross_unknown', 'en'): (
        'In 30 metres, cross Kaiserstraße.',
        'Now cross Kaiserstraße. Type of crossing unknown. Kerb 12 centimetres high. Tactile paving and crossing island unknown.',
        'Continue 20 metres on Kaiserstraße.'),
    ('steps_up', 'de'): (
        'In 30 Metern geht es eine Treppe hinauf, 12 Stufen.',
        'Jetzt die Treppe hinauf, 12 Stufen, Handlauf rechts.',
        'Weiter 40 Meter.'),
    ('steps_up', 'en'): (
        'In 30 metres, there are stairs going up, 12 steps.',
        'Now go up the stairs, 12 steps, handrail on the right.',
        'Continue 40 metres.'),
    ('steps_unknown', 'de'): (
        'In 30 Metern kommt eine Treppe.',
        'Jetzt eine Treppe. Stufenzahl und Handlauf unbekannt.',
        'Weiter 15 Meter auf dem Fußweg.'),
    ('steps_unknown', 'en'): (
        'In 30 metres, there are stairs.',
        'Now take the stairs. Number of steps and handrail unknown.',
        'Continue 15 metres on the footpath.'),
    ('steps_one_down', 'de'): (
        'In 30 Metern geht es eine Treppe hinab, eine Stufe.',
        'Jetzt die Treppe hinab, eine Stufe, kein Handlauf.',
        'Weiter 10 Meter auf dem Fußweg.'),
    ('steps_one_down', 'en'): (
        'In 30 metres, there are stairs going down, 1 step.',
        'Now go down the stairs, 1 step, no handrail.',
        'Continue 10 metres on the footpath.'),
    ('steps_both', 'de'): (
        'In 30 Metern geht es eine Treppe hinab, 24 Stufen.',
        'Jetzt die Treppe hinab, 24 Stufen, Handlauf auf beiden Seiten, mit Rampe.',
        'Weiter 10 Meter.'),
    ('steps_both', 'en'): (
        'In 30 metres, there are stairs going down, 24 steps.',
        'Now go down the stairs, 24 steps, handrails on both sides, with ramp.',
        'Continue 10 metres.'),
    ('elevator', 'de'): (
        'In 30 Metern kommt ein Aufzug.',
        'Nehmen Sie jetzt den Aufzug.',
        'Weiter 30 Meter.'),
    ('elevator', 'en'): (
        'In 30 metres, there is a lift.',
        'Now take the lift.',
        'Continue 30 metres.'),
    ('enter_area', 'de'): (
        'In 30 Metern halb rechts auf den Stiftsplatz, eine offene Fläche.',
        'Jetzt halb rechts auf den Stiftsplatz, eine offene Fläche. Orientierung schwierig.',
        'Weiter 40 Meter geradeaus über den Stiftsplatz.'),
    ('enter_area', 'en'): (
        'In 30 metres, turn slightly right and enter Stiftsplatz, an open area.',
        'Now turn slightly right and enter Stiftsplatz, an open area. Orientation is difficult.',
        'Continue 40 metres straight ahead across Stiftsplatz.'),
    ('enter_area_unnamed', 'de'): (
        'In 30 Metern beginnt ein offener Platz.',
        'Jetzt betreten Sie einen offenen Platz. Orientierung schwierig.',
        'Weiter 25 Meter geradeaus über den Platz.'),
    ('enter_area_unnamed', 'en'): (
        'In 30 metres you reach an open square.',
        'Now you enter an open square. Orientation is difficult.',
        'Continue 25 metres straight ahead across the square.'),
    ('leave_area', 'de'): (
        'In 30 Metern verlassen Sie den Stiftsplatz, rechts in die Alte Straße.',
        'Jetzt verlassen Sie den Stiftsplatz, rechts in die Alte Straße.',
        'Weiter 55 Meter auf der Alten Straße.'),
    ('leave_area', 'en'): (
        'In 30 metres, leave Stiftsplatz and turn right onto Alte Straße.',
        'Now leave Stiftsplatz and turn right onto Alte Straße.',
        'Continue 55 metres on Alte Straße.'),
    ('leave_area_unnamed', 'de'): (
        'In 30 Metern verlassen Sie den Platz.',
        'Jetzt verlassen Sie den Platz, geradeaus auf den Gehweg.',
        'Weiter 25 Meter auf dem Gehweg.'),
    ('leave_area_unnamed', 'en'): (
        'In 30 metres you leave the square.',
        'Now leave the square and go straight ahead onto the pavement.',
        'Continue 25 metres on the pavement.'),
    ('landmark', 'de'): (
        'In 30 Metern passieren Sie die Bushaltestelle Rathaus auf der rechten Seite.',
        'Sie passieren die Bushaltestelle Rathaus auf der rechten Seite.',
        'Weiter 30 Meter auf der Alten Straße.'),
    ('landmark', 'en'): (
        'In 30 metres you pass Rathaus bus stop on your right.',
        'You pass Rathaus bus stop on your right.',
        'Continue 30 metres on Alte Straße.'),
    ('landmark_beacon', 'de'): (
        'In 30 Metern erreichen Sie die Bushaltestelle Rathaus, Steig A.',
        'Sie sind an der Bushaltestelle Rathaus, Steig A.',
        'Weiter 30 Meter auf der Alten Straße.'),
    ('landmark_beacon', 'en'): (
        'In 30 metres you reach Rathaus bus stop, platform A.',
        'You are at Rathaus bus stop, platform A.',
        'Continue 30 metres on Alte Straße.'),
    ('hazard', 'de'): (
        'Achtung: Baustelle auf dem Gehweg, in 50 Metern.',
        'Achtung: Baustelle auf dem Gehweg, in 20 Metern.',
        'Weiter 45 Meter auf der Alten Straße.'),
    ('hazard', 'en'): (
        'Caution: construction site on the pavement, in 50 metres.',
        'Caution: construction site on the pavement, in 20 metres.',
        'Continue 45 metres on Alte Straße.'),
    ('hazard_kind_only', 'de'): (
        'Achtung: Baugerüst, in 30 Metern.',
        'Achtung: Baugerüst.',
        'Weiter 45 Meter auf der Alten Straße.'),
    ('hazard_kind_only', 'en'): (
        'Caution: scaffolding, in 30 metres.',
        'Caution: scaffolding.',
        'Continue 45 metres on Alte Straße.'),
    ('turn_with_extras', 'de'): (
        'In 30 Metern rechts auf den Marktplatz.',
        'Jetzt rechts auf den Marktplatz. Hier ist die Apotheke am Markt auf der linken Seite.',
        'Weiter 1,5 Kilometer auf dem Marktplatz. Achtung: Poller, nach 60 Metern.'),
    ('turn_with_extras', 'en'): (
        'In 30 metres, turn right onto Marktplatz.',
        'Now turn right onto Marktplatz. The pharmacy is here, on your left.',
        'Continue 1.5 kilometres on Marktplatz. Caution: bollard, after 60 metres.'),
    ('arrive_right', 'de'): (
        'In 30 Metern erreichen Sie Ihr Ziel, es liegt rechts.',
        'Sie haben Ihr Ziel erreicht, es liegt rechts. Dort ist der Eingang Rathaus.',
        'Die Routenführung ist beendet.'),
    ('arrive_right', 'en'): (
        'In 30 metres you reach your destination, it is on your right.',
        'You have reached your destination, it is on your right. The town hall entrance is there.',
        'Route guidance has ended.'),
    ('arrive_ahead', 'de'): (
        'In 30 Metern erreichen Sie Ihr Ziel, es liegt vor Ihnen.',
        'Sie haben Ihr Ziel erreicht, es liegt vor Ihnen.',
        'Die Routenführung ist beendet.'),
    ('arrive_ahead', 'en'): (
        'In 30 metres you reach your destination, it is ahead of you.',
        'You have reached your destination, it is ahead of you.',
        'Route guidance has ended.'),
    ('arrive_unknown', 'de'): (
        'In 30 Metern erreichen Sie Ihr Ziel.',
        'Sie haben Ihr Ziel erreicht. Auf welcher Seite es liegt, ist nicht bekannt.',
        'Die Routenführung ist beendet.'),
    ('arrive_unknown', 'en'): (
        'In 30 metres you reach your destination.',
        'You have reached your destination. Which side it is on is not known.',
        'Route guidance has ended.'),
    ('arrive_square', 'de'): (
        'In 30 Metern erreichen Sie Ihr Ziel, den Marktplatz.',
        'Sie haben Ihr Ziel erreicht. Hier beginnt der Marktplatz, eine offene Fläche.',
        'Die Routenführung ist beendet.'),
    ('arrive_square', 'en'): (
        'In 30 metres you reach your destination, Marktplatz.',
        'You have reached your destination. Marktplatz, an open area, begins here.',
        'Route guidance has ended.'),
}

GOLDEN_CLOCK = {
    ('depart_reference', 'de'): (
        'Ihre Route beginnt auf der Mainzer Straße.',
        'Gehen Sie nach Nordosten auf der Mainzer Straße. Mit Blick zur Bushaltestelle Rathaus ist das auf 3 Uhr.',
        'Weiter 40 Meter auf der Mainzer Straße.'),
    ('depart_reference', 'en'): (
        'Your route starts on Mainzer Straße.',
        "Head north-east on Mainzer Straße. Facing Bushaltestelle Rathaus, that is at 3 o'clock.",
        'Continue 40 metres on Mainzer Straße.'),
    ('continue', 'de'): (
        'In 30 Metern geradeaus weiter auf der Mainzer Straße.',
        'Jetzt geradeaus weiter auf der Mainzer Straße.',
        'Weiter 65 Meter auf der Mainzer Straße.'),
    ('continue', 'en'): (
        'In 30 metres, continue straight ahead on Mainzer Straße.',
        'Now continue straight ahead on Mainzer Straße.',
        'Continue 65 metres on Mainzer Straße.'),
    ('turn_left', 'de'): (
        'In 30 Metern Richtung 9 Uhr in den Fauthweg.',
        'Jetzt Richtung 9 Uhr in den Fauthweg.',
        'Weiter 140 Meter auf dem Fauthweg.'),
    ('turn_left', 'en'): (
        "In 30 metres, turn towards 9 o'clock onto Fauthweg.",
        "Now turn towards 9 o'clock onto Fauthweg.",
        'Continue 140 metres on Fauthweg.'),
    ('turn_slight_right', 'de'): (
        'In 30 Metern Richtung ein Uhr in den Benzinoring.',
        'Jetzt Richtung ein Uhr in den Benzinoring.',
        'Weiter 18 Meter auf dem Benzinoring.'),
    ('turn_slight_right', 'en'): (
        "In 30 metres, turn towards 1 o'clock onto Benzinoring.",
        "Now turn towards 1 o'clock onto Benzinoring.",
        'Continue 18 metres on Benzinoring.'),
    ('turn_sharp_angle', 'de'): (
        'In 30 Metern Richtung 5 Uhr in die Straße Am Altenhof.',
        'Jetzt Richtung 5 Uhr in die Straße Am Altenhof.',
        'Weiter 8 Meter auf der Straße Am Altenhof.'),
    ('turn_sharp_angle', 'en'): (
        "In 30 metres, turn towards 5 o'clock onto Am Altenhof.",
        "Now turn towards 5 o'clock onto Am Altenhof.",
        'Continue 8 metres on Am Altenhof.'),
    ('compound', 'de'): (
        'In 30 Metern Richtung 9 Uhr und gleich danach Richtung 3 Uhr in die Pariser Straße.',
        'Jetzt Richtung 9 Uhr und gleich danach Richtung 3 Uhr in die Pariser Straße.',
        'Weiter 210 Meter auf der Pariser Straße.'),
    ('compound', 'en'): (
        "In 30 metres, turn towards 9 o'clock, then immediately turn towards 3 o'clock onto Pariser Straße.",
        "Now turn towards 9 o'clock, then immediately turn towards 3 o'clock onto Pariser Straße.",
        'Continue 210 metres on Pariser Straße.'),
    ('enter_area', 'de'): (
        'In 30 Metern Richtung ein Uhr auf den Stiftsplatz, eine offene Fläche.',
        'Jetzt Richtung ein Uhr auf den Stiftsplatz, eine offene Fläche. Orientierung schwierig.',
        'Weiter 40 Meter geradeaus über den Stiftsplatz.'),
    ('enter_area', 'en'): (
        "In 30 metres, turn towards 1 o'clock and enter Stiftsplatz, an open area.",
        "Now turn towards 1 o'clock and enter Stiftsplatz, an open area. Orientation is difficult.",
        'Continue 40 metres straight ahead across Stiftsplatz.'),
    ('leave_area', 'de'): (
        'In 30 Metern verlassen Sie den Stiftsplatz, Richtung 3 Uhr in die Alte Straße.',
        'Jetzt verlassen Sie den Stiftsplatz, Richtung 3 Uhr in die Alte Straße.',
        'Weiter 55 Meter auf der Alten Straße.'),
    ('leave_area', 'en'): (
        "In 30 metres, leave Stiftsplatz and turn towards 3 o'clock onto Alte Straße.",
        "Now leave Stiftsplatz and turn towards 3 o'clock onto Alte Straße.",
        'Continue 55 metres on Alte Straße.'),
    ('landmark', 'de'): (
        'In 30 Metern passieren Sie die Bushaltestelle Rathaus auf 3 Uhr.',
        'Sie passieren die Bushaltestelle Rathaus auf 3 Uhr.',
        'Weiter 30 Meter auf der Alten Straße.'),
    ('landmark', 'en'): (
        "In 30 metres you pass Rathaus bus stop at 3 o'clock.",
        "You pass Rathaus bus stop at 3 o'clock.",
        'Continue 30 metres on Alte Straße.'),
    ('turn_with_extras', 'de'): (
        'In 30 Metern Richtung 3 Uhr auf den Marktplatz.',
        'Jetzt Richtung 3 Uhr auf den Marktplatz. Hier ist die Apotheke am Markt auf 9 Uhr.',
        'Weiter 1,5 Kilometer auf dem Marktplatz. Achtung: Poller, nach 60 Metern.'),
    ('turn_with_extras', 'en'): (
        "In 30 metres, turn towards 3 o'clock onto Marktplatz.",
        "Now turn towards 3 o'clock onto Marktplatz. The pharmacy is here, at 9 o'clock.",
        'Continue 1.5 kilometres on Marktplatz. Caution: bollard, after 60 metres.'),
    ('arrive_right', 'de'): (
        'In 30 Metern erreichen Sie Ihr Ziel, es liegt auf 3 Uhr.',
        'Sie haben Ihr Ziel erreicht, es liegt auf 3 Uhr. Dort ist der Eingang Rathaus.',
        'Die Routenführung ist beendet.'),
    ('arrive_right', 'en'): (
        "In 30 metres you reach your destination, it is at 3 o'clock.",
        "You have reached your destination, it is at 3 o'clock. The town hall entrance is there.",
        'Route guidance has ended.'),
}

GOLDEN_STEPS = {
    ('continue', 'de'): (
        'In 40 Schritten geradeaus weiter auf der Mainzer Straße.',
        'Jetzt geradeaus weiter auf der Mainzer Straße.',
        'Weiter 85 Schritte auf der Mainzer Straße.'),
    ('continue', 'en'): (
        'In 40 paces, continue straight ahead on Mainzer Straße.',
        'Now continue straight ahead on Mainzer Straße.',
        'Continue 85 paces on Mainzer Straße.'),
    ('turn_left', 'de'): (
        'In 40 Schritten links in den Fauthweg.',
        'Jetzt links in den Fauthweg.',
        'Weiter 180 Schritte auf dem Fauthweg.'),
    ('turn_left', 'en'): (
        'In 40 paces, turn left onto Fauthweg.',
        'Now turn left onto Fauthweg.',
        'Continue 180 paces on Fauthweg.'),
    ('steps_one_down', 'de'): (
        'In 40 Schritten geht es eine Treppe hinab, eine Stufe.',
        'Jetzt die Treppe hinab, eine Stufe, kein Handlauf.',
        'Weiter 13 Schritte auf dem Fußweg.'),
    ('steps_one_down', 'en'): (
        'In 40 paces, there are stairs going down, 1 step.',
        'Now go down the stairs, 1 step, no handrail.',
        'Continue 13 paces on the footpath.'),
    ('hazard', 'de'): (
        'Achtung: Baustelle auf dem Gehweg, in 65 Schritten.',
        'Achtung: Baustelle auf dem Gehweg, in 25 Schritten.',
        'Weiter 60 Schritte auf der Alten Straße.'),
    ('hazard', 'en'): (
        'Caution: construction site on the pavement, in 65 paces.',
        'Caution: construction site on the pavement, in 25 paces.',
        'Continue 60 paces on Alte Straße.'),
}

GOLDENS = [("relative", "metres", 0.7, GOLDEN_RELATIVE), ("clock", "metres", 0.7, GOLDEN_CLOCK),
           ("relative", "steps", 0.75, GOLDEN_STEPS)]


def say(m, lang="de", directions="relative", units="metres", step_length_m=0.7):
    """Render one maneuver after a 30 m leg."""
    return render([M("continue", street="Mainzer Straße", distance_m=30.0), m], lang=lang,
                  directions=directions, units=units, step_length_m=step_length_m)[1]


@pytest.mark.parametrize("directions, units, step, case, lang", [
    (d, u, s, c, lang) for d, u, s, table in GOLDENS for (c, lang) in table])
def test_golden(directions, units, step, case, lang):
    table = {("relative", "metres"): GOLDEN_RELATIVE, ("clock", "metres"): GOLDEN_CLOCK,
             ("relative", "steps"): GOLDEN_STEPS}[(directions, units)]
    g = say(CASES[case], lang, directions, units, step)
    assert g.texts() == table[(case, lang)]


def test_every_kind_has_goldens_in_both_languages():
    kinds = {"depart", "continue", "turn", "uturn", "name_change", "cross", "steps", "elevator",
             "enter_area", "leave_area", "landmark", "hazard", "arrive"}
    covered = {(CASES[c].kind, lang) for c, lang in GOLDEN_RELATIVE}
    assert covered == {(k, lang) for k in kinds for lang in ("de", "en")}
    assert any(CASES[c].compound for c, _ in GOLDEN_RELATIVE)


def test_brief_examples():
    g = say(M("turn", street="Mainzer Straße", turn_angle=-90, clock=9, distance_m=120), "de")
    assert g.pre == "In 30 Metern links in die Mainzer Straße."
    assert g.main == "Jetzt links in die Mainzer Straße."
    assert g.post == "Weiter 120 Meter auf der Mainzer Straße."
    assert say(M("turn", street="Mainzer Straße", turn_angle=-90), "en").main == "Now turn left onto Mainzer Straße."
    crossing = M("cross", crossing=Crossing(street="Pariser Straße", control="signals", sound="yes"))
    assert say(crossing, "en").main.startswith("Now cross Pariser Straße at the traffic lights, with acoustic signal")


def test_guidance_fields_and_first_maneuver_has_no_pre_distance():
    route = [CASES["depart"], CASES["turn_left"], CASES["arrive_right"]]
    out = render(route, "de")
    assert all(isinstance(g, Guidance) for g in out)
    assert [g.kind for g in out] == ["depart", "turn", "arrive"]
    assert out[0].pre_distance_m is None
    assert out[1].pre_distance_m == 30.0  # min(announce 30 m, leg 42 m)
    assert out[2].pre_distance_m == 30.0
    near = render([M("continue", distance_m=7.0), CASES["turn_left"]], "de")[1]
    assert near.pre_distance_m == 7.0 and near.pre.startswith("In 7 Metern ")
    far = render([M("continue", distance_m=200.0), CASES["turn_left"]], "de", announce_m=50)[1]
    assert far.pre.startswith("In 50 Metern ")
    first = render([CASES["turn_left"]], "de", directions="relative")[0]
    assert (first.pre, first.pre_distance_m) == ("Gleich links in den Fauthweg.", None)
    assert render([CASES["turn_left"]], "en", directions="relative")[0].pre == "Shortly, turn left onto Fauthweg."


@pytest.mark.parametrize("angle, modifier", [
    (0, "straight"), (19.9, "straight"), (-19.9, "straight"), (20, "slight_right"), (-44, "slight_left"),
    (45, "right"), (-134, "left"), (135, "sharp_right"), (-170, "sharp_left"), (180, "sharp_right"),
])
def test_modifier_from_angle(angle, modifier):
    assert modifier_from_angle(angle) == modifier


def test_modifier_field_wins_and_aliases():
    assert modifier_of(M("turn", turn_angle=90, modifier="slight_right")) == "slight_right"
    assert normalise_modifier("Sharp Left") == "sharp_left"
    assert normalise_modifier("u-turn") == "uturn"
    assert normalise_modifier("bogus") is None
    assert modifier_of(M("turn", turn_angle=-100, modifier="bogus")) == "left"


def test_clock_default_is_not_trusted_against_angle():
    assert clock_of(M("turn", turn_angle=90)) == 3  # clock left at its default 12
    assert clock_of(M("turn", turn_angle=90, clock=2)) == 2  # an explicit clock is kept
    assert clock_of(M("turn", turn_angle=5)) == 12


def test_turn_angle_without_modifier_in_words():
    de = [say(M("turn", street="Fauthweg", turn_angle=a), "de").main for a in (10, -30, 90, -160)]
    assert de == ["Jetzt geradeaus in den Fauthweg.", "Jetzt halb links in den Fauthweg.",
                  "Jetzt rechts in den Fauthweg.", "Jetzt scharf links in den Fauthweg."]
    assert say(M("turn", street="Fauthweg", modifier="uturn"), "de").main == "Jetzt umdrehen und zurück auf dem Fauthweg."


# --- distances ----------------------------------------------------------------

@pytest.mark.parametrize("metres, value, unit", [
    (0, 1, "m"), (0.4, 1, "m"), (1.4, 1, "m"), (1.5, 2, "m"), (7.2, 7, "m"), (19.4, 19, "m"),
    (19.6, 20, "m"), (22, 20, "m"), (23, 25, "m"), (97, 95, "m"), (98, 100, "m"), (137, 140, "m"),
    (994, 990, "m"), (996, 1.0, "km"), (1049, 1.0, "km"), (1234, 1.2, "km"), (1250, 1.3, "km"),
    (12345, 12.3, "km"),
])
def test_distance_rounding(metres, value, unit):
    a = distance_amount(metres)
    assert (a.value, a.unit) == (value, unit)


@pytest.mark.parametrize("metres, step, paces", [(0.5, 0.7, 1), (7, 0.7, 10), (30, 0.75, 40), (70, 0.7, 100),
                                                 (1000, 0.7, 1430)])
def test_distance_in_steps(metres, step, paces):
    assert distance_amount(metres, "steps", step).value == paces


@pytest.mark.parametrize("metres, acc, dat, en", [
    (1, "einen Meter", "einem Meter", "1 metre"),
    (2, "2 Meter", "2 Metern", "2 metres"),
    (1000, "einen Kilometer", "einem Kilometer", "1 kilometre"),
    (1234, "1,2 Kilometer", "1,2 Kilometern", "1.2 kilometres"),
])
def test_singular_and_plural_distances(metres, acc, dat, en):
    m = M("turn", street="Fauthweg", turn_angle=-90, distance_m=metres,
          hazards=[Hazard(kind="bollard", distance_m=metres)])
    de = say(m, "de")
    assert de.post == f"Weiter {acc} auf dem Fauthweg." + (f" Achtung: Poller, nach {dat}." if metres > 2 else "")
    assert say(m, "en").post.startswith(f"Continue {en} on Fauthweg.")
    if metres <= 500:  # the longest pre-announcement allowed
        prev = M("continue", distance_m=metres)
        pre = render([prev, m], "de", directions="relative", announce_m=metres)[1].pre
        assert pre == f"In {dat} links in den Fauthweg."


def test_singular_steps_and_paces():
    prev = M("continue", distance_m=0.7)
    m = M("turn", street="Fauthweg", turn_angle=-90, distance_m=0.7)
    de = render([prev, m], "de", "steps", "relative", 0.7)[1]
    assert (de.pre, de.post) == ("In einem Schritt links in den Fauthweg.", "Weiter einen Schritt auf dem Fauthweg.")
    en = render([prev, m], "en", "steps", "relative", 0.7)[1]
    assert en.post == "Continue 1 pace on Fauthweg."


def test_one_oclock_is_ein_uhr():
    assert say(M("turn", street="Fauthweg", turn_angle=30, clock=1), "de", "clock").main == \
        "Jetzt Richtung ein Uhr in den Fauthweg."


@pytest.mark.parametrize("seconds, de, en", [
    (0, "weniger als eine Minute", "less than a minute"),
    (59, "weniger als eine Minute", "less than a minute"),
    (60, "etwa eine Minute", "about 1 minute"),
    (89, "etwa eine Minute", "about 1 minute"),
    (720, "etwa 12 Minuten", "about 12 minutes"),
    (3600, "etwa eine Stunde", "about 1 hour"),
    (4000, "etwa eine Stunde und 7 Minuten", "about 1 hour and 7 minutes"),
    (7500, "etwa 2 Stunden und 5 Minuten", "about 2 hours and 5 minutes"),
])
def test_durations(seconds, de, en):
    s = RouteSummary(distance_m=100, duration_s=seconds, crossings=0)
    assert summarise(s, "de") == f"Route: 100 Meter, {de}. Keine Straße zu überqueren."
    assert summarise(s, "en") == f"Route: 100 metres, {en}. No streets to cross."
    assert duration_parts(seconds).under_a_minute == (seconds < 60)


# --- summaries ----------------------------------------------------------------

SUMMARIES = {
    "brief": (
        RouteSummary(distance_m=850, duration_s=720, crossings=3, signals=3, signals_with_sound=3,
                     flights_of_steps=[Steps(count=12, handrail="right")]),
        "Route: 850 Meter, etwa 12 Minuten. Drei Ampeln, alle mit Blindensignal. "
        "Eine Treppe mit 12 Stufen und Handlauf.",
        "Route: 850 metres, about 12 minutes. Three traffic lights, all with acoustic signal. "
        "One staircase with 12 steps and a handrail."),
    "mixed": (
        RouteSummary(distance_m=1234, duration_s=1000, crossings=6, signals=2, signals_with_sound=1,
                     signals_sound_unknown=1, zebras=1, unmarked_crossings=1, unknown_crossings=1,
                     flights_of_steps=[Steps(), Steps(count=5, handrail="none")],
                     hazards=[Hazard(kind="construction", description="Baustelle auf dem Gehweg",
                                     description_en="construction site on the pavement")]),
        "Route: 1,2 Kilometer, etwa 17 Minuten. Zwei Ampeln, eine davon mit Blindensignal, "
        "bei einer ist das Blindensignal unbekannt. Ein Zebrastreifen. Eine Überquerung ohne Überweg. "
        "Eine Überquerung unbekannter Art. Ein weiterer Überweg. Zwei Treppen: die erste, Stufenzahl und "
        "Handlauf unbekannt; die zweite mit 5 Stufen ohne Handlauf. Achtung: Baustelle auf dem Gehweg.",
        "Route: 1.2 kilometres, about 17 minutes. Two traffic lights, one of them with acoustic signal, "
        "acoustic signal unknown at one. One zebra crossing. One unmarked crossing. One crossing of "
        "unknown type. One other crossing. Two staircases: the first, number of steps and handrail "
        "unknown; the second with 5 steps without handrail. Caution: construction site on the pavement."),
    "signals_split": (
        RouteSummary(distance_m=300, duration_s=240, crossings=4, signals=4, signals_with_sound=1,
                     signals_sound_unknown=1, flights_of_steps=[Steps(count=3)] * 4 + [Steps()],
                     hazards=[Hazard(kind="construction"), Hazard(kind="bollard")]),
        "Route: 300 Meter, etwa 4 Minuten. Vier Ampeln, eine davon mit Blindensignal, zwei ohne, "
        "bei einer ist das Blindensignal unbekannt. Fünf Treppen mit zusammen 12 Stufen, bei einer ist "
        "die Stufenzahl unbekannt. Achtung, zwei Hindernisse: Baustelle; Poller.",
        "Route: 300 metres, about 4 minutes. Four traffic lights, one of them with acoustic signal, two "
        "without, acoustic signal unknown at one. Five staircases with 12 steps in total, number of steps "
        "unknown for one. Caution, two obstacles: construction site; bollard."),
    "one_signal_unknown": (
        RouteSummary(distance_m=1, duration_s=20, crossings=1, signals=1, signals_sound_unknown=1,
                     flights_of_steps=[Steps(count=1, handrail="unknown")]),
        "Route: ein Meter, weniger als eine Minute. Eine Ampel, Blindensignal unbekannt. "
        "Eine Treppe mit einer Stufe, Handlauf unbekannt.",
        "Route: 1 metre, less than a minute. One traffic light, acoustic signal unknown. "
        "One staircase with 1 step, handrail unknown."),
    "two_without": (
        RouteSummary(distance_m=500, duration_s=400, crossings=2, signals=2),
        "Route: 500 Meter, etwa 7 Minuten. Zwei Ampeln, keine mit Blindensignal.",
        "Route: 500 metres, about 7 minutes. Two traffic lights, none with acoustic signal."),
    "two_unknown": (
        RouteSummary(distance_m=500, duration_s=400, crossings=2, signals=2, signals_sound_unknown=2),
        "Route: 500 Meter, etwa 7 Minuten. Zwei Ampeln, bei beiden ist das Blindensignal unbekannt.",
        "Route: 500 metres, about 7 minutes. Two traffic lights, acoustic signal unknown at both."),
    # a junction where nothing is mapped is not known to be unmarked: said apart from mapped unmarked crossings
    "unmapped_apart_from_unmarked": (
        RouteSummary(distance_m=600, duration_s=480, crossings=5, unmarked_crossings=1, unmapped_crossings=4,
                     side_dependent_crossings=6),
        "Route: 600 Meter, etwa 8 Minuten. Eine Überquerung ohne Überweg. Vier Überquerungen ohne verzeichneten "
        "Überweg. Je nach Straßenseite kommen bis zu sechs weitere Straßen hinzu.",
        "Route: 600 metres, about 8 minutes. One unmarked crossing. Four streets to cross where no crossing is "
        "mapped. Depending on the side of the street, up to six more streets to cross."),
    "one_unmapped_one_maybe": (
        RouteSummary(distance_m=100, duration_s=80, crossings=1, unmapped_crossings=1, side_dependent_crossings=1,
                     flights_of_steps=[Steps(count=24, handrail="yes")]),
        "Route: 100 Meter, etwa eine Minute. Eine Überquerung ohne verzeichneten Überweg. Je nach Straßenseite "
        "kommt möglicherweise eine weitere Straße hinzu. Eine Treppe mit 24 Stufen und Handlauf.",
        "Route: 100 metres, about 1 minute. One street to cross where no crossing is mapped. Depending on the "
        "side of the street, possibly one more street to cross. One staircase with 24 steps and a handrail."),
    "only_maybe_one": (
        RouteSummary(distance_m=100, duration_s=80, side_dependent_crossings=1),
        "Route: 100 Meter, etwa eine Minute. Je nach Straßenseite überqueren Sie möglicherweise eine Straße.",
        "Route: 100 metres, about 1 minute. Depending on the side of the street, you may have to cross one "
        "street."),
    "only_maybe_two": (
        RouteSummary(distance_m=100, duration_s=80, side_dependent_crossings=2),
        "Route: 100 Meter, etwa eine Minute. Je nach Straßenseite überqueren Sie bis zu zwei Straßen.",
        "Route: 100 metres, about 1 minute. Depending on the side of the street, up to two streets to cross."),
    "already_there": (
        RouteSummary(distance_m=0.4, duration_s=0.3, already_there=True),
        "Sie sind bereits am Ziel.", "You are already at your destination."),
}


@pytest.mark.parametrize("case", SUMMARIES)
def test_summaries(case):
    summary, de, en = SUMMARIES[case]
    assert summarise(summary, "de") == de
    assert summarise(summary, "en") == en


def test_brief_summary_example_wording():
    s = RouteSummary(distance_m=400, duration_s=300, crossings=2, signals=2, signals_with_sound=1,
                     signals_sound_unknown=1)
    assert "Zwei Ampeln, eine davon mit Blindensignal, bei einer ist das Blindensignal unbekannt." in summarise(s)


# --- what is unknown is said, and never guessed -------------------------------

def test_unknown_crossing_facts_are_grouped_in_one_sentence():
    c = Crossing(street="Maxstraße", control="signals")
    main = say(M("cross", crossing=c), "de").main
    assert main == ("Überqueren Sie jetzt die Maxstraße an der Ampel. "
                    "Blindensignal, Vibrationssignal, Bodenleitsystem, Mittelinsel und Bordstein unbekannt.")
    assert main.count("unbekannt") == 1


def test_missing_crossing_record_is_unknown_not_guessed():
    g = say(M("cross", street="Marktstraße"), "de")
    assert "Art des Überwegs unbekannt" in g.main
    assert "Ampel" not in g.main and "Zebrastreifen" not in g.main


def test_steps_direction_only_when_known():
    assert "hinauf" not in say(M("steps", steps=Steps(count=3)), "de").main
    assert "hinab" not in say(M("steps", steps=Steps(count=3)), "de").main
    assert "up" not in say(M("steps", steps=Steps(count=3)), "en").main.split()


def test_validation_errors():
    with pytest.raises(ValueError):
        render([CASES["depart"]], lang="fr")
    with pytest.raises(ValueError):
        render([CASES["depart"]], units="yards")
    with pytest.raises(ValueError):
        render([CASES["depart"]], directions="compass")
    with pytest.raises(ValueError):
        render([CASES["depart"]], units="steps", step_length_m=0)
    assert render([CASES["depart"]], lang="de-DE")[0].main.startswith("Gehen Sie")
    assert render([], "de") == []


def test_unknown_kind_falls_back_to_continue():
    g = say(Maneuver(kind="teleport", location=LOC, distance_m=20, bearing=0, street="Fauthweg"), "de")
    assert g.main == "Jetzt geradeaus weiter auf dem Fauthweg."


# --- language purity ----------------------------------------------------------

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:'[a-z]+)?")
# Words both languages really share; each one checked by hand.
SHARED = {"in", "an", "route", "minute"}


def _all_outputs(lang):
    out = []
    for _d, _u, _s, table in GOLDENS:
        out += [t for (c, la), texts in table.items() if la == lang for t in texts]
    for d in ("relative", "clock"):
        for u in ("metres", "steps"):
            out += [t for g in render(list(CASES.values()), lang, u, d) for t in g.texts()]
    out += [summarise(s, lang) for s, _de, _en in SUMMARIES.values()]
    return out


def _name_words():
    """Words of proper names (streets, labels) and German-only descriptions in the fixtures."""
    words = set()
    for m in CASES.values():
        for x in [m, *m.compound]:
            for text in (x.street, x.street_before, x.reference,
                         x.crossing.street if x.crossing else None,
                         *(lm.label for lm in x.landmarks)):
                if text:
                    words |= {w.lower() for w in WORD.findall(expand_name(text))}
    return words


def _vocabulary(texts):
    return {w.lower() for t in texts for w in WORD.findall(t)}


def test_no_english_words_in_german_output():
    names = _name_words()
    german = _vocabulary(_all_outputs("de")) - names
    english = _vocabulary(_all_outputs("en")) - names
    leaked = german & english - SHARED
    assert not leaked, f"English words in German output: {sorted(leaked)}"


def test_no_german_words_in_english_output():
    names = _name_words()
    german = _vocabulary(_all_outputs("de")) - names
    english = _vocabulary(_all_outputs("en")) - names
    leaked = english & german - SHARED
    assert not leaked, f"German words in English output: {sorted(leaked)}"


def test_purity_check_has_teeth():
    english = _vocabulary(_all_outputs("en")) - _name_words()
    assert {"left", "right", "metres", "the", "cross", "unknown", "steps"} <= english


def test_no_spoken_out_abbreviations_or_bare_one():
    for lang in ("de", "en"):
        for text in _all_outputs(lang):
            assert not re.search(r"\b(Str|Pl|St|Dr|Prof|Nr|ca|bzw)\.", text), text
            assert not re.search(r"\b(Hbf|Bf|km|cm)\b", text), text
            assert not re.search(r"\b[A-ZÄÖÜ]{2,}\b", text), text  # would be spelled out
            assert "  " not in text and ".." not in text and " ," not in text and " ." not in text, text
    for text in _all_outputs("de"):
        # espeak-ng says "eins Meter": one must be a word that agrees with its noun
        assert not re.search(r"\b1 (Meter|Kilometer|Schritt|Stufe|Uhr|Zentimeter|Minute|Stunde)", text), text


def test_every_obstacle_kind_has_words_in_both_languages():
    from routing.obstacles import KINDS
    from voice import lang_de, lang_en

    assert set(KINDS) <= set(lang_de.HAZARDS) and set(KINDS) <= set(lang_en.HAZARDS)


# --- review rules: distances, handrails, open areas, nothing to walk ----------

def _compound_route():
    """Depart, 'rechts und gleich danach links' (11 m to its second part, 61 m from there), a crossing, arrive."""
    compound = M("turn", way_kind="footway", turn_angle=90, clock=3, distance_m=11.3,
                 compound=[M("turn", street="Richard-Wagner-Straße", turn_angle=-90, clock=9, distance_m=60.9)])
    cross = M("cross", street="Richard-Wagner-Straße", distance_m=95.9,
              crossing=Crossing(street="Logenstraße", control="signals"))
    return [M("depart", way_kind="footway", cardinal="n", distance_m=19.0), compound, cross,
            M("arrive", side="ahead", distance_m=0.0)]


def test_distances_after_a_compound_turn_run_over_all_its_parts():
    route = _compound_route()
    assert route[1].to_next_m == pytest.approx(72.2)
    assert sum(m.to_next_m for m in route) == pytest.approx(19.0 + 72.2 + 95.9)  # the route's length
    far = render(route, "de", announce_m=200)
    # each pre-announcement: from the previous maneuver's point to this one
    assert [g.pre_distance_m for g in far] == [None, 19.0, pytest.approx(72.2), 95.9]
    assert far[2].pre == "In 70 Metern überqueren Sie die Logenstraße an der Ampel."
    near = render(route, "de")
    assert near[2].pre.startswith("In 30 Metern überqueren Sie die Logenstraße")
    # after the turn: from its last part on
    assert near[1].post == "Weiter 60 Meter auf der Richard-Wagner-Straße."
    assert render(route, "en")[1].post == "Continue 60 metres on Richard-Wagner-Straße."


def test_a_handrail_of_unknown_side_is_a_handrail():
    case = CASES["steps_handrail_side_unknown"]
    assert say(case, "de").main == ("Jetzt die Treppe hinauf, 24 Stufen, mit Handlauf, mit Rampe. "
                                    "Seite des Handlaufs unbekannt.")
    assert say(case, "en").main == ("Now go up the stairs, 24 steps, with a handrail, with ramp. "
                                    "Side of the handrail unknown.")
    both = say(M("steps", steps=Steps(direction="down", handrail="yes")), "de").main
    assert both == "Jetzt die Treppe hinab, mit Handlauf. Stufenzahl und Seite des Handlaufs unbekannt."
    assert "Handlauf unbekannt" not in both
    assert "Handlauf unbekannt" not in summarise(RouteSummary(100, 80, flights_of_steps=[Steps(handrail="yes")]))


@pytest.mark.parametrize("lang, main", [
    ("de", "Jetzt umdrehen und auf den Marktplatz, eine offene Fläche. Orientierung schwierig."),
    ("en", "Now turn around and enter Marktplatz, an open area. Orientation is difficult.")])
def test_entering_an_area_says_the_turn(lang, main):
    g = say(CASES["enter_area_uturn"], lang)
    assert g.main == main
    assert ("umdrehen" if lang == "de" else "turn around") in g.pre
    assert "zurück" not in g.post and "back" not in g.post  # once turned, the way runs straight on
    left = say(M("enter_area", street="Marktplatz", way_kind="pedestrian_area", turn_angle=-90), lang)
    assert ("links" if lang == "de" else "left") in left.main and ("links" if lang == "de" else "left") in left.pre
    straight = say(M("enter_area", street="Marktplatz", way_kind="pedestrian_area", turn_angle=5), lang)
    assert straight.main.startswith("Jetzt betreten Sie" if lang == "de" else "Now you enter")


def test_leaving_an_area_says_the_turn():
    assert say(CASES["leave_area_uturn"], "de").main == "Jetzt umdrehen und den Marktplatz verlassen, in den Fußweg."
    assert say(CASES["leave_area_uturn"], "en").main == "Now turn around and leave Marktplatz onto the footpath."
    assert say(CASES["leave_area_uturn"], "de").pre == "In 30 Metern umdrehen und den Marktplatz verlassen, in den Fußweg."


@pytest.mark.parametrize("lang, text", [("de", "Sie sind bereits am Ziel."),
                                        ("en", "You are already at your destination.")])
def test_nothing_to_walk_is_one_sentence(lang, text):
    """A route whose only maneuver is the arrival: no distance, no direction, no 'in one metre'."""
    (g,) = render([M("arrive", side="ahead", distance_m=0.0)], lang)
    assert g.texts() == ("", text, "")
    assert summarise(RouteSummary(distance_m=0.0, duration_s=0.0, already_there=True), lang) == text


@pytest.mark.parametrize("lang, words", [("de", "Kein Gehweg, Sie gehen auf der Fahrbahn."),
                                         ("en", "There is no pavement: you walk on the roadway.")])
def test_a_street_without_a_sidewalk_is_said_to_be_walked_on_the_roadway(lang, words):
    bare = say(M("turn", street="Benzinoring", turn_angle=90, distance_m=55, way_kind="street_without_sidewalk"), lang)
    assert bare.post.endswith(words)
    with_sidewalk = say(M("turn", street="Benzinoring", turn_angle=90, distance_m=55,
                          way_kind="street_with_sidewalk"), lang)
    assert words not in with_sidewalk.post
