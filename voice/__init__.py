"""Spoken guidance: maneuvers -> text in German and English -> audio.

A library without Flask and without graphs: it receives
:class:`routing.maneuver.Maneuver` dataclasses and returns text and WAV files.

    from voice import render, summarise, Synthesizer
    guidance = render(maneuvers, lang="de", units="metres", directions="clock")
    synth = Synthesizer(cache_dir)
    if synth.available():
        keys = synth.synthesize_many([t for g in guidance for t in g.texts()], "de", 175)
"""

from .german import NounPhrase, landmark_phrase, street_gender, street_phrase
from .abbrev import expand_name, expand_text
from .speech import SpeechError, SpeechUnavailable, Synthesizer
from .text import LANGUAGES, Guidance, render, summarise
from .units import distance_amount

__all__ = [
    "Guidance", "render", "summarise", "LANGUAGES",
    "Synthesizer", "SpeechError", "SpeechUnavailable",
    "street_phrase", "landmark_phrase", "street_gender", "NounPhrase",
    "expand_name", "expand_text", "distance_amount",
]
