"""Benchmark: speech for a whole route (10 maneuvers x pre/main/post, German).

Prints the time to synthesise all texts cold (empty cache, worker not yet
started) and cached, the WAV durations, and, for comparison, the same texts
through the same engine loop in this process (the design not taken because
espeak-ng hangs in forked children and a hung engine could not be killed).

    python bench/bench_speech.py [--rate 175] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from routing.maneuver import Crossing, Hazard, Landmark, Maneuver, Steps  # noqa: E402
from voice import Synthesizer, render  # noqa: E402
from voice.wavcheck import check_wav  # noqa: E402

LOC = (7.7689, 49.4447)


def route() -> list[Maneuver]:
    """A realistic walk through Kaiserslautern's centre."""
    def m(kind: str, **kw) -> Maneuver:
        kw.setdefault("distance_m", 60.0)
        return Maneuver(kind=kind, location=LOC, bearing=kw.pop("bearing", 0.0), **kw)

    return [
        m("depart", street="Fackelstr.", cardinal="ne", distance_m=84, way_kind="sidewalk"),
        m("turn", street="Marktstraße", turn_angle=-88, clock=9, distance_m=132),
        m("cross", street="Marktstraße", distance_m=46, crossing=Crossing(
            street="Fruchthallstraße", road_class="secondary", control="signals", sound="yes",
            vibration="unknown", tactile_paving="yes", island="no", kerb="lowered")),
        m("landmark", street="Marktstraße", distance_m=38, landmarks=[
            Landmark(kind="bus_stop", label="Bushaltestelle Rathaus", side="right")]),
        m("hazard", street="Marktstraße", distance_m=55, hazards=[
            Hazard(kind="construction", description="Baustelle auf dem Gehweg", distance_m=20)]),
        m("turn", street="Schillerpl.", turn_angle=95, clock=3, distance_m=25),
        m("enter_area", street="Schillerplatz", way_kind="pedestrian_area", turn_angle=20, clock=1, distance_m=70),
        m("steps", way_kind="steps", distance_m=12, steps=Steps(count=12, direction="down", handrail="right")),
        m("cross", street="Pirmasenser Straße", distance_m=90, crossing=Crossing(
            street="Maxstraße", control="zebra", kerb_height_m=0.03)),
        m("arrive", side="left", distance_m=0, landmarks=[Landmark(kind="entrance", label="Eingang Stadtbibliothek")]),
    ]


def texts_of(lang: str = "de") -> list[str]:
    return [t for g in render(route(), lang=lang) for t in g.texts() if t]


def bench_service(texts: list[str], rate: int, cache: Path) -> None:
    synth = Synthesizer(cache)
    t0 = time.perf_counter()
    keys = synth.synthesize_many(texts, "de", rate)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    synth.synthesize_many(texts, "de", rate)
    cached = time.perf_counter() - t0
    fresh = Synthesizer(cache)  # new instance, no worker: cache hits only
    t0 = time.perf_counter()
    fresh.synthesize_many(texts, "de", rate)
    cached_new = time.perf_counter() - t0
    durations = [check_wav(synth.path_for(k)).duration_s for k in keys.values()]
    print(f"texts: {len(texts)} ({len(set(texts))} distinct), rate {rate} wpm")
    print(f"cold (worker start + synthesis): {cold * 1000:.0f} ms")
    print(f"cached, same synthesizer:        {cached * 1000:.2f} ms")
    print(f"cached, new synthesizer:         {cached_new * 1000:.2f} ms")
    print(f"WAV durations: total {sum(durations):.1f} s, median {statistics.median(durations):.2f} s, "
          f"min {min(durations):.2f} s, max {max(durations):.2f} s")
    for text, key in list(keys.items())[:6]:
        print(f"  {check_wav(synth.path_for(key)).duration_s:5.2f} s  {text}")
    synth.close()


def bench_in_process(texts: list[str], rate: int) -> None:
    """The design not taken, for the record: the same engine loop in this process."""
    try:
        from voice._tts_worker import Speaker
    except ImportError:
        print("in-process: pyttsx3 not installed")
        return
    import contextlib
    import io

    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        t0 = time.perf_counter()
        speaker = Speaker()
        start = time.perf_counter() - t0
        errors = [speaker.save(t, str(Path(tmp) / f"{i}.wav"), "gmw/de", rate) for i, t in enumerate(texts)]
        total = time.perf_counter() - t0
    failed = sum(e is not None for e in errors)
    print(f"in-process engine (not used: hangs after fork): start {start * 1000:.0f} ms, "
          f"all texts {total * 1000:.0f} ms, {failed} failed")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=int, default=175)
    ap.add_argument("--keep", type=Path, help="cache directory to keep (default: temporary)")
    args = ap.parse_args()
    texts = texts_of("de")
    if not Synthesizer(tempfile.mkdtemp()).available():
        print("no working speech engine (pyttsx3 + espeak-ng); nothing to measure")
        return
    if args.keep:
        bench_service(texts, args.rate, args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            bench_service(texts, args.rate, Path(tmp))
    bench_in_process(texts, args.rate)


if __name__ == "__main__":
    main()
