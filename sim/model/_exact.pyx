# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""A day's draws of one kind for every row in one call: the exact ones, each from its row's generator.

The model draws its small binomial and Poisson draws row by row, each row from its own named
stream, and the large ones by a normal approximation (:mod:`sim.model.draws` says why). Through
NumPy's Python methods the exact part is one call per row, and for a national scenario about a
hundred calls a day, each costing 15-25 µs of argument checks and broadcasting around a few µs of
drawing; the approximation is a dozen array passes. Here one loop in C goes over the rows' parts:

* an exact draw calls the very C function that ``Generator.binomial`` or ``Generator.poisson``
  calls (``random_binomial``, ``random_poisson``, which NumPy's random module exports), on the
  row's own bit generator, in the same order, so it is bit for bit NumPy's draw;
* an approximated draw does the arithmetic of :func:`sim.model.draws.normal_binomial` and
  :func:`~sim.model.draws.normal_poisson` in the same IEEE operations in the same order (built
  with ``-ffp-contract=off``, so that no multiply and add are fused), so it is bit for bit theirs.

The tests compare both with the NumPy path. :func:`normals_chunk` likewise fills a chunk of days of
normal deviates for every stream in one call, by NumPy's own fill loop on each stream's generator.

The functions are found in the loaded module of :class:`numpy.random.Generator` when this module
is imported; if they cannot be, importing fails and :mod:`sim.model.draws` uses NumPy's methods.
"""

import ctypes
import sys

import numpy as np
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport floor, sqrt
from libc.stdint cimport int64_t, uintptr_t
from libc.string cimport memset

ctypedef int64_t (*binomial_f)(void *bitgen, double p, int64_t n, void *cache) noexcept nogil
ctypedef int64_t (*poisson_f)(void *bitgen, double lam) noexcept nogil
ctypedef void (*normals_f)(void *bitgen, Py_ssize_t count, float *out) noexcept nogil

# NumPy's own limit for Generator.poisson (POISSON_LAM_MAX in numpy/random/_common.pyx).
cdef double POISSON_LAM_MAX = <double>np.iinfo("l").max - np.sqrt(np.iinfo("l").max) * 10

# Room for NumPy's binomial_t (17 fields of 8 bytes or fewer): its constants for the last (n, p).
cdef enum:
    CACHE_BYTES = 256

cdef double SHEPPARD = 1.0 / 12.0  # what rounding adds to the variance (sim.model.draws._rounded)


def _function(name):
    """The address of NumPy's C function ``name``, in the module of ``numpy.random.Generator``."""
    try:
        library = ctypes.CDLL(sys.modules[np.random.Generator.__module__].__file__)
        return ctypes.cast(getattr(library, name), ctypes.c_void_p).value
    except (AttributeError, OSError, TypeError) as e:  # a NumPy that hides it: draw through its methods
        raise ImportError(f"NumPy's {name} cannot be found: {e}") from e


cdef binomial_f _binomial = <binomial_f><uintptr_t>_function("random_binomial")
cdef poisson_f _poisson = <poisson_f><uintptr_t>_function("random_poisson")
cdef normals_f _normals = <normals_f><uintptr_t>_function("random_standard_normal_fill_f")


cdef class Rows:
    """Which generator draws each row's columns: parts ``(row, start, stop, generator)``.

    Built once per lock-step pass; the generators are kept alive with it.
    """

    cdef list generators
    cdef Py_ssize_t count
    cdef Py_ssize_t[:] row, start, stop
    cdef void **bitgens

    def __cinit__(self, parts):
        parts = list(parts)
        self.count = len(parts)
        self.generators = [g for _, _, _, g in parts]
        self.row = np.array([r for r, _, _, _ in parts], dtype=np.intp)
        self.start = np.array([a for _, a, _, _ in parts], dtype=np.intp)
        self.stop = np.array([b for _, _, b, _ in parts], dtype=np.intp)
        self.bitgens = <void **>PyMem_Malloc(max(self.count, 1) * sizeof(void *))
        if self.bitgens == NULL:
            raise MemoryError()
        for i, g in enumerate(self.generators):
            self.bitgens[i] = PyCapsule_GetPointer(g.bit_generator.capsule, "BitGenerator")

    def __dealloc__(self):
        PyMem_Free(self.bitgens)



cdef inline double _rounded(double mean, double variance, double z) noexcept nogil:
    """``floor(mean + 0.5 + s·z)``, ``s² = variance − 1/12``, at least 0: ``sim.model.draws._rounded``'s steps."""
    cdef double x = variance - SHEPPARD
    if x < 0.0:
        x = 0.0
    x = sqrt(x)
    x = x * z
    x = x + (mean + 0.5)
    x = floor(x)
    if x < 0.0:
        x = 0.0
    return x


cdef inline bint _exact(double variance, double approximate_from) noexcept nogil:
    return variance > 0.0 and variance < approximate_from


def binomial_day(
    Rows rows,
    const int64_t[:, :] n,
    const double[:, :] p,
    const float[:, :] z,
    int64_t[:, :] out,
    double approximate_from,
):
    """``out = Binomial(n, p)``: exact where the variance is in (0, ``approximate_from``), else from ``z``.

    With ``z`` None every draw is exact (``draws: exact``). Raises ValueError on an exact draw's
    parameter that NumPy would refuse.
    """
    cdef Py_ssize_t i, r, c
    cdef int64_t k = 0
    cdef double q = 0.0, mean, variance, x
    cdef bint every = z is None
    cdef bint bad = False
    cdef char cache[CACHE_BYTES]
    memset(cache, 0, CACHE_BYTES)
    with nogil:
        for i in range(rows.count):
            r = rows.row[i]
            for c in range(rows.start[i], rows.stop[i]):
                k, q = n[r, c], p[r, c]
                mean = k * q
                variance = mean * (1.0 - q)
                if every or _exact(variance, approximate_from):
                    if k < 0 or not (0.0 <= q <= 1.0):
                        bad = True
                        break
                    out[r, c] = _binomial(rows.bitgens[i], q, k, cache)
                else:
                    x = _rounded(mean, variance, z[r, c])
                    if x > <double>k:
                        x = <double>k
                    out[r, c] = <int64_t>x
            if bad:
                break
    if bad:
        raise ValueError(f"binomial draw with n = {k}, p = {q}: n must be >= 0 and p in [0, 1]")


def poisson_day(Rows rows, const double[:, :] lam, const float[:, :] z, int64_t[:, :] out, double approximate_from):
    """``out = Poisson(lam)``: exact where ``lam`` is in (0, ``approximate_from``), else from ``z``.

    With ``z`` None every draw is exact (``draws: exact``). Raises ValueError on an exact draw's
    mean that NumPy would refuse.
    """
    cdef Py_ssize_t i, r, c
    cdef double m = 0.0
    cdef bint every = z is None
    cdef bint bad = False
    with nogil:
        for i in range(rows.count):
            r = rows.row[i]
            for c in range(rows.start[i], rows.stop[i]):
                m = lam[r, c]
                if every or _exact(m, approximate_from):
                    if not (0.0 <= m <= POISSON_LAM_MAX):
                        bad = True
                        break
                    out[r, c] = _poisson(rows.bitgens[i], m)
                else:
                    out[r, c] = <int64_t>_rounded(m, m, z[r, c])
            if bad:
                break
    if bad:
        raise ValueError(f"Poisson draw with lam = {m}: lam must be in [0, {POISSON_LAM_MAX:.4g}]")


def normals_chunk(Rows rows, float[:, :, :, ::1] out, Py_ssize_t days):
    """Fill ``out[row, :days]`` (rows, days, slots, replications) with single-precision standard normal deviates.

    Each part of a row (its columns in one block) fills its own ``(days, slots, width)`` as that
    block's generator alone would: day by day, slot by slot, its columns in order, by the C loop
    ``Generator.standard_normal(dtype=np.float32)`` runs (``random_standard_normal_fill_f``). A row
    that is one part is one call.
    """
    cdef Py_ssize_t i, r, d, s, a, width
    cdef Py_ssize_t slots = out.shape[2], reps = out.shape[3]
    if days < 0 or days > out.shape[1]:
        raise ValueError(f"days must be in [0, {out.shape[1]}], got {days}")
    with nogil:
        for i in range(rows.count):
            r, a = rows.row[i], rows.start[i]
            width = rows.stop[i] - a
            if width == 0:
                continue
            if width == reps:
                _normals(rows.bitgens[i], days * slots * reps, &out[r, 0, 0, 0])
                continue
            for d in range(days):
                for s in range(slots):
                    _normals(rows.bitgens[i], width, &out[r, d, s, a])
