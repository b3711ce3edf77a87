"""SIGTERM sets a flag that the search polls between annealing bursts.

Installed by the command line before the scientific stack is imported, so that a SIGTERM during
start-up also ends in a written timetable rather than a killed process."""
from __future__ import annotations

import signal

_requested = False


def install() -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(signum, frame) -> None:
    global _requested
    _requested = True


def requested() -> bool:
    return _requested
