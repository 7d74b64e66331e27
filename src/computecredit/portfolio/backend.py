"""Array backends for the simulation kernels: NumPy always, CuPy (GPU) when it is importable and a device
answers. Both draw the idiosyncratic normals from a stream derived from the batch's ``SeedSequence``, so
a given backend gives the same answer for the same seed; the two backends use different generators, so
their answers agree only within the reported standard error.

>>> get_backend("numpy").name
'numpy'
>>> get_backend("auto").name in {"numpy", "cupy"}
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from computecredit.errors import InputError

BACKENDS = ("auto", "numpy", "cupy")


@dataclass(frozen=True)
class Backend:
    """An array module plus how to draw float32 standard normals from a seed sequence and copy to host."""

    name: str
    xp: ModuleType

    def standard_normal(self, seed: np.random.SeedSequence, shape: tuple[int, ...]) -> Any:
        if self.name == "cupy":
            state = int(seed.generate_state(1, dtype=np.uint64)[0])
            return self.xp.random.default_rng(state).standard_normal(shape, dtype=self.xp.float32)
        return np.random.Generator(np.random.PCG64(seed)).standard_normal(shape, dtype=np.float32)

    def weighted_sum(self, hits: Any, weights: Any) -> Any:
        """hits (scenarios × obligors, bool) @ weights: NumPy multiplies booleans directly, CuPy needs floats."""
        if self.name == "cupy":
            return hits.astype(weights.dtype) @ weights
        return hits @ weights

    def asarray(self, values: np.ndarray) -> Any:
        return self.xp.asarray(values)

    def to_numpy(self, values: Any) -> np.ndarray:
        if self.name == "cupy":
            return self.xp.asnumpy(values)
        return np.asarray(values)


def _cupy_module() -> ModuleType | None:
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # no CuPy, no driver or no device: fall back to NumPy
        return None
    return None


def get_backend(name: str = "auto") -> Backend:
    """``auto`` picks CuPy when usable, else NumPy; ``cupy`` insists (bad input when it is absent)."""
    if name not in BACKENDS:
        raise InputError("backend", name, f"must be one of {', '.join(BACKENDS)}")
    if name == "numpy":
        return Backend("numpy", np)
    cupy = _cupy_module()
    if cupy is not None:
        return Backend("cupy", cupy)
    if name == "cupy":
        raise InputError("backend", name, "CuPy is not installed or no GPU is visible")
    return Backend("numpy", np)
