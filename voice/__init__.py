"""Spoken guidance: maneuvers -> text in German and English -> audio.

A library without Flask and without graphs: it receives
:class:`routing.maneuver.Maneuver` dataclasses and returns text and WAV files.
"""
