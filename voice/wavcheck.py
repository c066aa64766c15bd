"""Checks that a WAV file is complete and audible before it is cached.

A file cut short by a crash, a header with no data, or silence must never be
served to a listener as if it were the instruction.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MIN_RMS = 100.0  # of 16-bit samples, about -50 dBFS; espeak speech is far above


class WavError(ValueError):
    """The file is not a complete, non-silent 16-bit PCM WAV."""


@dataclass(frozen=True)
class WavInfo:
    frames: int
    rate: int
    channels: int
    rms: float

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate if self.rate else 0.0


def check_wav(path: str | Path, min_rms: float = MIN_RMS) -> WavInfo:
    """Validate RIFF/WAVE header, data size, sample format and loudness."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise WavError(f"{path.name}: not a RIFF/WAVE file")
        with wave.open(str(path), "rb") as w:
            channels, width, rate, frames = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            data = w.readframes(frames)
    except (OSError, EOFError, wave.Error) as exc:
        raise WavError(f"{path.name}: unreadable WAV ({exc})") from exc
    if width != 2 or channels < 1 or rate <= 0:
        raise WavError(f"{path.name}: unexpected format ({channels} ch, {width * 8} bit, {rate} Hz)")
    if frames <= 0:
        raise WavError(f"{path.name}: no audio data")
    if len(data) != frames * channels * width:
        raise WavError(f"{path.name}: truncated ({len(data)} of {frames * channels * width} bytes)")
    samples = np.frombuffer(data, dtype="<i2").astype(np.float64)
    rms = float(np.sqrt(np.mean(samples * samples)))
    if rms < min_rms:
        raise WavError(f"{path.name}: silent (RMS {rms:.1f})")
    return WavInfo(frames, rate, channels, rms)
