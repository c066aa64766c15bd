"""German grammar of names: articles, prepositions, declension, abbreviations."""

import pytest

from voice.abbrev import expand_name, expand_text
from voice.german import landmark_phrase, street_gender, street_phrase


@pytest.mark.parametrize("name, into, on, over", [
    ("Mainzer Straße", "in die Mainzer Straße", "auf der Mainzer Straße", "über die Mainzer Straße"),
    ("Pariser Straße", "in die Pariser Straße", "auf der Pariser Straße", "über die Pariser Straße"),
    ("Kaiserslauterer Straße", "in die Kaiserslauterer Straße", "auf der Kaiserslauterer Straße",
     "über die Kaiserslauterer Straße"),
    ("Schillerstraße", "in die Schillerstraße", "auf der Schillerstraße", "über die Schillerstraße"),
    ("Fauthweg", "in den Fauthweg", "auf dem Fauthweg", "über den Fauthweg"),
    ("Benzinoring", "in den Benzinoring", "auf dem Benzinoring", "über den Benzinoring"),
    ("Marktplatz", "auf den Marktplatz", "auf dem Marktplatz", "über den Marktplatz"),
    ("Schillerplatz", "auf den Schillerplatz", "auf dem Schillerplatz", "über den Schillerplatz"),
    ("Lindenallee", "in die Lindenallee", "auf der Lindenallee", "über die Lindenallee"),
    ("Steingasse", "in die Steingasse", "in der Steingasse", "über die Steingasse"),
    ("Burgsteig", "in den Burgsteig", "auf dem Burgsteig", "über den Burgsteig"),
    ("Weinsteige", "in die Weinsteige", "auf der Weinsteige", "über die Weinsteige"),
    ("Wiesenpfad", "in den Wiesenpfad", "auf dem Wiesenpfad", "über den Wiesenpfad"),
    ("Lauterdamm", "in den Lauterdamm", "auf dem Lauterdamm", "über den Lauterdamm"),
    ("Mainufer", "auf das Mainufer", "am Mainufer", "über das Mainufer"),
    ("Ufer", "auf das Ufer", "am Ufer", "über das Ufer"),
    ("Altmarkt", "auf den Altmarkt", "auf dem Altmarkt", "über den Altmarkt"),
    ("Stadtpark", "in den Stadtpark", "im Stadtpark", "über den Stadtpark"),
    ("Rathaushof", "in den Rathaushof", "im Rathaushof", "über den Rathaushof"),
    ("Am Altenhof", "in die Straße Am Altenhof", "auf der Straße Am Altenhof", "über die Straße Am Altenhof"),
    ("An der Lauter", "in die Straße An der Lauter", "auf der Straße An der Lauter",
     "über die Straße An der Lauter"),
    ("Zum Wasserturm", "in die Straße Zum Wasserturm", "auf der Straße Zum Wasserturm",
     "über die Straße Zum Wasserturm"),
    ("Im Bangert", "in die Straße Im Bangert", "auf der Straße Im Bangert", "über die Straße Im Bangert"),
    ("Auf der Höhe", "in die Straße Auf der Höhe", "auf der Straße Auf der Höhe",
     "über die Straße Auf der Höhe"),
    ("Hinter der Kirche", "in die Straße Hinter der Kirche", "auf der Straße Hinter der Kirche",
     "über die Straße Hinter der Kirche"),
    ("Platz der Deutschen Einheit", "auf den Platz der Deutschen Einheit",
     "auf dem Platz der Deutschen Einheit", "über den Platz der Deutschen Einheit"),
])
def test_street_prepositions(name, into, on, over):
    p = street_phrase(name)
    assert (p.into, p.on, p.over) == (into, on, over)


@pytest.mark.parametrize("name, acc, dat", [
    ("Alte Straße", "die Alte Straße", "der Alten Straße"),
    ("Lange Gasse", "die Lange Gasse", "der Langen Gasse"),
    ("Alter Markt", "den Alten Markt", "dem Alten Markt"),
    ("Hoher Weg", "den Hohen Weg", "dem Hohen Weg"),
    ("Hohes Ufer", "das Hohe Ufer", "dem Hohen Ufer"),
    ("Obere Hauptstraße", "die Obere Hauptstraße", "der Oberen Hauptstraße"),
    # city adjectives in -er do not decline
    ("Mainzer Straße", "die Mainzer Straße", "der Mainzer Straße"),
    ("Trippstadter Straße", "die Trippstadter Straße", "der Trippstadter Straße"),
])
def test_adjectives_in_names_decline(name, acc, dat):
    p = street_phrase(name)
    assert (p.acc, p.dat) == (acc, dat)


@pytest.mark.parametrize("name, gender", [
    ("Mainzer Straße", "f"), ("Schillerstraße", "f"), ("Schillerstr.", "f"), ("Gasse", "f"),
    ("Allee", "f"), ("Fauthweg", "m"), ("Benzinoring", "m"), ("Marktplatz", "m"), ("Ring", "m"),
    ("Weg", "m"), ("Steig", "m"), ("Pfad", "m"), ("Damm", "m"), ("Markt", "m"), ("Ufer", "n"),
    ("Am Altenhof", None), ("Kaiserpfalz", None), ("Fackelrondell", None),
])
def test_gender_by_last_component(name, gender):
    assert street_gender(name) == gender


@pytest.mark.parametrize("kind, into, on", [
    ("footway", "in den Fußweg", "auf dem Fußweg"),
    ("sidewalk", "auf den Gehweg", "auf dem Gehweg"),
    ("pedestrian_area", "auf den Platz", "auf dem Platz"),
    ("pedestrian", "in die Fußgängerzone", "in der Fußgängerzone"),
    ("steps", "auf die Treppe", "auf der Treppe"),
    ("path", "in den Weg", "auf dem Weg"),
    ("shared_cycle_path", "auf den gemeinsamen Geh- und Radweg", "auf dem gemeinsamen Geh- und Radweg"),
    ("living_street", "in den verkehrsberuhigten Bereich", "im verkehrsberuhigten Bereich"),
    ("crossing", "auf den Überweg", "auf dem Überweg"),
    ("street_no_sidewalk", "in die Straße ohne Gehweg", "auf der Straße ohne Gehweg"),
    (None, "in den Weg", "auf dem Weg"),
    ("something_new", "in den Weg", "auf dem Weg"),
])
def test_unnamed_ways(kind, into, on):
    p = street_phrase(None, kind)
    assert (p.into, p.on) == (into, on)
    assert p.acc.split()[0] in ("den", "die", "das")


@pytest.mark.parametrize("name, kind, into, on", [
    ("Kaiserpfalz", None, "in die Straße Kaiserpfalz", "auf der Straße Kaiserpfalz"),
    ("Kaiserpfalz", "footway", "in den Weg Kaiserpfalz", "auf dem Weg Kaiserpfalz"),
    ("Kaiserpfalz", "pedestrian_area", "auf den Platz Kaiserpfalz", "auf dem Platz Kaiserpfalz"),
    ("Kaiserpfalz", "pedestrian", "in die Fußgängerzone Kaiserpfalz", "in der Fußgängerzone Kaiserpfalz"),
    ("Am Altenhof", "footway", "in den Weg Am Altenhof", "auf dem Weg Am Altenhof"),
])
def test_unknown_gender_uses_apposition(name, kind, into, on):
    p = street_phrase(name, kind)
    assert (p.into, p.on) == (into, on)


@pytest.mark.parametrize("label, acc, at, nom", [
    ("Bushaltestelle Rathaus", "die Bushaltestelle Rathaus", "an der Bushaltestelle Rathaus",
     "die Bushaltestelle Rathaus"),
    ("Bushaltestelle Rathaus, Steig A", "die Bushaltestelle Rathaus, Steig A",
     "an der Bushaltestelle Rathaus, Steig A", "die Bushaltestelle Rathaus, Steig A"),
    ("Eingang Stadtbibliothek", "den Eingang Stadtbibliothek", "am Eingang Stadtbibliothek",
     "der Eingang Stadtbibliothek"),
    ("Rathaus", "das Rathaus", "am Rathaus", "das Rathaus"),
    ("Alte Post", "die Alte Post", "an der Alten Post", "die Alte Post"),
    ("Kaufland", "Kaufland", "bei Kaufland", "Kaufland"),
    ("Kaiserslautern Hbf", "Kaiserslautern Hauptbahnhof", "bei Kaiserslautern Hauptbahnhof",
     "Kaiserslautern Hauptbahnhof"),
])
def test_landmark_phrases(label, acc, at, nom):
    p = landmark_phrase(label)
    assert (p.acc, p.at, p.nom) == (acc, at, nom)


@pytest.mark.parametrize("raw, expanded", [
    ("Mainzer Str.", "Mainzer Straße"),
    ("Mainzer Str", "Mainzer Straße"),
    ("Schillerstr.", "Schillerstraße"),
    ("Schillerstr", "Schillerstraße"),
    ("Albert-Schweitzer-Str.", "Albert-Schweitzer-Straße"),
    ("Marktpl.", "Marktplatz"),
    ("Stiftspl.", "Stiftsplatz"),
    ("Pl. der Einheit", "Platz der Einheit"),
    ("St. Martin", "Sankt Martin"),
    ("St.-Martin-Platz", "Sankt-Martin-Platz"),
    ("Dr.-Karl-Str.", "Doktor-Karl-Straße"),
    ("Dr. Müller Weg", "Doktor Müller Weg"),
    ("Prof.-Hess-Str.", "Professor-Hess-Straße"),
    ("Kaiserslautern Hbf", "Kaiserslautern Hauptbahnhof"),
    ("Hbf", "Hauptbahnhof"),
    ("Bf Kaiserslautern West", "Bahnhof Kaiserslautern West"),
    ("Freiherr-v.-Stein-Str.", "Freiherr-von-Stein-Straße"),
    ("Rathaus (EG)", "Rathaus (Erdgeschoss)"),
    ("Eingang OG", "Eingang Obergeschoss"),
    # word boundaries: nothing to expand
    ("EGON Einkauf", "EGON Einkauf"),
    ("Strandweg", "Strandweg"),
    ("Stadtpark", "Stadtpark"),
    ("Bfeld", "Bfeld"),
    ("Hbfweg", "Hbfweg"),
    ("Stiftsplatz", "Stiftsplatz"),
    ("Steig A", "Steig A"),
    ("Pfalzstraße", "Pfalzstraße"),
])
def test_abbreviations(raw, expanded):
    assert expand_name(raw) == expanded


def test_abbreviations_in_phrases():
    assert street_phrase("Mainzer Str.").into == "in die Mainzer Straße"
    assert street_phrase("Marktpl.").on == "auf dem Marktplatz"
    assert street_phrase("St.-Martin-Str.").on == "auf der Sankt-Martin-Straße"


def test_free_text_abbreviations():
    text = expand_text("Baustelle ca. 20 m, Gehweg bzw. Radweg gesperrt, Nr. 5, Bordstein 12 cm, Mainzer Str.")
    assert text == ("Baustelle circa 20 Meter, Gehweg beziehungsweise Radweg gesperrt, Nummer 5, "
                    "Bordstein 12 Zentimeter, Mainzer Straße")


def test_staff_descriptions_lose_their_abbreviations():
    from voice.abbrev import expand_text

    said = expand_text("Baustelle ca. 20 m, Umleitung u.a. über Hof, d.h. Mo-Fr 7-16 Uhr, tägl. 8:30–12 Uhr")
    assert said == ("Baustelle circa 20 Meter, Umleitung unter anderem über Hof, das heißt Montag bis Freitag "
                    "7 bis 16 Uhr, täglich 8:30 bis 12 Uhr")
