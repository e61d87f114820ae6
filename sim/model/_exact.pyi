"""Types of the compiled draw kernel (:mod:`sim.model._exact`, from ``_exact.pyx``)."""

from collections.abc import Iterable
from typing import Any

import numpy as np

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
Float32Array = np.ndarray[Any, np.dtype[np.float32]]

class Rows:
    """Which generator draws each row's columns: parts ``(row, start, stop, generator)``."""

    def __init__(self, parts: Iterable[tuple[int, int, int, np.random.Generator]]) -> None: ...

def binomial_day(
    rows: Rows, n: IntArray, p: FloatArray, z: Float32Array | None, out: IntArray, approximate_from: float
) -> None: ...
def poisson_day(
    rows: Rows, lam: FloatArray, z: Float32Array | None, out: IntArray, approximate_from: float
) -> None: ...
def normals_chunk(rows: Rows, out: Float32Array, days: int) -> None: ...
