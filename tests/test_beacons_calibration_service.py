"""A deployment's calibration: the survey CSV, ``lotse beacons calibrate`` and ``LOTSE_BEACON_CALIBRATION``."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from beacons.calibration import Calibration, CalibrationError, read_survey
from beacons.io import read_beacons
from beacons.params import PositioningParams
from beacons.positioning import locate
from lotse import create_app
from lotse.cli import main
from lotse.graphs import DEMO_BEACONS
from routing.geo import LocalFrame, haversine_m

#: The demo's beacons really radiate weaker and fall off faster than registered (-59 dBm, n 2).
TRUE_TX, TRUE_N, H = -66.0, 2.4, 1.0


def test_read_survey_groups_rows_into_scans():
    text = ("scan,lat,lon,id,rssi,spot\n"
            "1,49.44,7.76,a,-60,s1\n1,49.44,7.76,b,-71.5,s1\n"
            "2,49.45,7.77,,,s2\n"           # a scan that heard nothing
            "3,49.46,7.78,a,-80,\n")
    scans = read_survey(io.StringIO(text))
    assert [s.readings for s in scans] == [[("a", -60.0), ("b", -71.5)], [], [("a", -80.0)]]
    assert (scans[0].lat, scans[0].lon, scans[0].spot) == (49.44, 7.76, "s1")
    assert scans[2].spot is None


@pytest.mark.parametrize("text, message", [
    ("scan,lat,lon,id\n1,49.4,7.7,a\n", "missing column"),
    ("scan,lat,lon,id,rssi\n1,49.4,7.7,a,loud\n", "line 2"),
    ("scan,lat,lon,id,rssi\n1,49.4,7.7,a,-60\n2,95,7.7,a,-60\n", "line 3"),
    ("scan,lat,lon,id,rssi\n,49.4,7.7,a,-60\n", "empty scan"),
    ("", "the file is empty"),
    ("scan,lat,lon,id,rssi\n1,49.4,7.7,a,-60\n1,49.5,7.7,b,-70\n", r"scan 1 is at \(49.5, 7.7\) here but at"),
])
def test_read_survey_names_the_bad_line(text, message):
    with pytest.raises(CalibrationError, match=message):
        read_survey(io.StringIO(text))


def test_read_survey_takes_spreadsheet_csv_and_refuses_other_encodings(tmp_path):
    excel = tmp_path / "excel.csv"
    excel.write_bytes("scan,lat,lon,id,rssi,spot\n1,49.4,7.7,a,-60,Käfig\n".encode("utf-8-sig"))
    assert read_survey(excel)[0].spot == "Käfig"   # the byte-order mark is not part of "scan"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("scan,lat,lon,id,rssi,spot\n1,49.4,7.7,a,-60,Käfig\n".encode("latin-1"))
    with pytest.raises(CalibrationError, match="not UTF-8 text"):
        read_survey(latin)


def demo_beacons():
    return [b for b in read_beacons(DEMO_BEACONS).beacons if b.active]


def scan_at(lat: float, lon: float, rng: np.random.Generator) -> list[tuple[str, float]]:
    gain = rng.normal(0.0, 3.0)
    out = []
    for b in demo_beacons():
        d = float(haversine_m(lat, lon, b.lat, b.lon))
        r = TRUE_TX - 10 * TRUE_N * math.log10(math.hypot(d, H)) + gain + rng.normal(0.0, 2.0)
        if r > -108:   # little censoring: it biases the fitted exponent (see beacons.calibration)
            out.append((b.id, r))
    return out


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    """A survey walk over the demo's beacons, calibrated with the CLI; returns (calibration file, data dir)."""
    tmp = tmp_path_factory.mktemp("calibration")
    beacons = demo_beacons()
    lat0 = float(np.mean([b.lat for b in beacons]))
    lon0 = float(np.mean([b.lon for b in beacons]))
    frame = LocalFrame(lat0, lon0)
    rng = np.random.default_rng(11)
    rows = ["scan,lat,lon,id,rssi,spot"]
    k = 0
    for x in np.arange(-90.0, 91.0, 15.0):
        for y in np.arange(-60.0, 61.0, 15.0):
            lat, lon = (float(v) for v in frame.to_latlon(x, y))
            for _ in range(2):
                k += 1
                for bid, r in scan_at(lat, lon, rng):
                    rows.append(f"{k},{lat:.7f},{lon:.7f},{bid},{r:.1f},{x:g}/{y:g}")
    rows += [f"{k},{lat:.7f},{lon:.7f},nicht-registriert,-70,end", f"{k},{lat:.7f},{lon:.7f},{bid},100,end"]
    survey = tmp / "survey.csv"
    survey.write_text("\n".join(rows) + "\n")
    out = tmp / "cal.json"
    env = {"LOTSE_DATA_DIR": str(tmp / "data"), "DATABASE_URL": "", "LOTSE_BEACON_CALIBRATION": ""}
    result = CliRunner().invoke(main, ["beacons", "calibrate", str(survey), "-o", str(out)], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "radio map over" in result.output
    assert "set aside 2 readings: 1 (implausible RSSI), 1 (unknown beacon)" in result.output
    return out, tmp / "data", frame


def test_calibration_file_holds_the_fitted_model(calibrated):
    path, _, _ = calibrated
    doc = json.loads(path.read_text())
    # tx power and exponent trade off against each other; the model RSSI they give is what must be right.
    for d in (3.0, 10.0, 30.0):
        fitted = doc["tx_power"] - 10 * doc["path_loss_exponent"] * math.log10(math.hypot(d, H))
        assert fitted == pytest.approx(TRUE_TX - 10 * TRUE_N * math.log10(math.hypot(d, H)), abs=2.0)
    assert doc["radio_map"]["fields"]


def test_service_positions_with_the_calibration_and_without_it_as_before(calibrated):
    path, data_dir, frame = calibrated
    plain = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "BEACON_CALIBRATION": None})
    fitted = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "BEACON_CALIBRATION": str(path)})
    state = plain.extensions["lotse.beacons"].current()
    assert state.params == PositioningParams() and state.radio_map is None
    assert fitted.extensions["lotse.beacons"].current().radio_map is not None

    cal = Calibration.from_dict(json.loads(path.read_text()))
    registered = [e.beacon for e in state.entries.values()]
    rng = np.random.default_rng(12)
    checked = 0
    for _ in range(40):
        x, y = rng.uniform(-40.0, 40.0), rng.uniform(-20.0, 20.0)
        lat, lon = (float(v) for v in frame.to_latlon(x, y))
        scan = [{"id": bid, "rssi": r} for bid, r in scan_at(lat, lon, rng)]
        if len(scan) < 3:
            continue
        expect = {
            "plain": locate(scan, registered),
            "fitted": locate(scan, cal.apply(registered), params=cal.params(), radio_map=cal.radio_map),
        }
        for name, app in (("plain", plain), ("fitted", fitted)):
            res = app.test_client().post("/api/v1/locate", json={"beacons": scan})
            assert res.status_code == 200, res.get_json()
            body = res.get_json()
            assert (body["lat"], body["lon"]) == pytest.approx((expect[name].lat, expect[name].lon), abs=1e-6)
            assert body["accuracy_m"] == pytest.approx(expect[name].accuracy_m, abs=0.06)
        assert haversine_m(expect["plain"].lat, expect["plain"].lon, expect["fitted"].lat, expect["fitted"].lon) > 0.1
        checked += 1
    assert checked >= 10


def test_a_broken_calibration_file_stops_the_service(tmp_path):
    bad = tmp_path / "cal.json"
    bad.write_text('{"tx_power": "loud"}')
    with pytest.raises(RuntimeError, match="beacon calibration"):
        create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "BEACON_CALIBRATION": str(bad)})
