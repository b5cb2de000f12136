"""Fault injection: latency, internal errors and malformed bodies, changeable at run time."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field


@dataclass
class Faults:
    """Shares are probabilities in [0, 1]; attributes may be changed from any thread."""

    latency_seconds: float = 0.0
    error_rate: float = 0.0
    malformed_rate: float = 0.0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def roll(self) -> str | None:
        """Decide this request's fault: ``"error"``, ``"malformed"`` or None."""
        with self._lock:
            draw = self._rng.random()
        if draw < self.error_rate:
            return "error"
        if draw < self.error_rate + self.malformed_rate:
            return "malformed"
        return None

    def update(self, values: dict[str, object]) -> None:
        """Apply the known keys of ``values`` (from the control API), validating ranges."""
        for name in ("latency_seconds", "error_rate", "malformed_rate"):
            if name in values:
                number = float(str(values[name]))
                if number < 0 or (name != "latency_seconds" and number > 1):
                    raise ValueError(f"{name} out of range: {number}")
                setattr(self, name, number)

    def snapshot(self) -> dict[str, float]:
        return {
            "latency_seconds": self.latency_seconds,
            "error_rate": self.error_rate,
            "malformed_rate": self.malformed_rate,
        }
