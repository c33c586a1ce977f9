r"""Decoding robustness of a code: how often nearest-codeword decoding recovers the class.

Two channels model what can go wrong with the branch energies of a coded block:

* **Gaussian noise** (:func:`noise_decoding_accuracy`): the energy vector of class :math:`k` is
  :math:`e = c_k + \varepsilon`, :math:`\varepsilon \sim \mathcal N(0, \sigma^2 I_N)`, decoded as in early
  decoding by the nearest codeword in :math:`L_2` (no rescaling of :math:`e`). Because every codeword has
  :math:`\|c_j\|^2 = w`, :math:`\arg\min_j \|e - c_j\|_2 = \arg\max_j \langle e, c_j \rangle`.
* **Branch flips** (:func:`flip_decoding_accuracy`): ``b`` random positions of :math:`c_k` are flipped
  and the result is decoded by the nearest codeword in Hamming distance; again
  :math:`d_H(y, c_j) = |y| + w - 2\langle y, c_j\rangle`, so the nearest codewords are those of largest
  overlap.

**Ties.** When :math:`m` codewords are nearest and the true one is among them, decoding with a uniformly
random tie-break is correct with probability :math:`1/m`; every trial is credited exactly that
probability (the true class outside the nearest set scores 0). This is the expected value of a random
tie-break, so no random numbers are spent on it and the estimate has less variance. Under Gaussian noise
ties have probability zero.

Everything is vectorised in fixed-size batches and deterministic for a seed
(:class:`numpy.random.Generator` seeded with ``seed``; the batch size is a constant, so results do not
depend on the code size or the machine).
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np

from ._code import ConstantWeightCode

__all__ = ["flip_decoding_accuracy", "flip_is_exact", "noise_decoding_accuracy", "robustness_report"]

_BATCH = 2048  # trials per vectorised batch (fixed: results must not depend on anything but the seed)


# -- input checks ---------------------------------------------------------------------------------------
def _as_code(code) -> ConstantWeightCode:
    if isinstance(code, ConstantWeightCode):
        return code
    raise TypeError(f"Argument 'code' must be a ConstantWeightCode, not {type(code).__name__}.")


def _int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"Argument '{name}' must be an integer, not {type(value).__name__}.")
    return int(value)


def _trials(trials) -> int:
    trials = _int("trials", trials)
    if trials < 1:
        raise ValueError(f"Argument 'trials' must be at least 1, not {trials}.")
    return trials


def _seed(seed) -> int:
    seed = _int("seed", seed)
    if seed < 0:
        raise ValueError(f"Argument 'seed' must be non-negative, not {seed}.")
    return seed


def _sigma(sigma) -> float:
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.integer, np.floating)):
        raise TypeError(f"Argument 'sigma' must be a real number, not {type(sigma).__name__}.")
    sigma = float(sigma)
    if not math.isfinite(sigma) or sigma < 0:
        raise ValueError(f"Argument 'sigma' must be a finite number >= 0, not {sigma}.")
    return sigma


def _credit(scores: np.ndarray, true: np.ndarray) -> np.ndarray:
    """Per-row probability that nearest decoding (largest score, random tie-break) returns ``true``."""
    best = scores.max(axis=1)
    ties = (scores == best[:, None]).sum(axis=1)
    hit = scores[np.arange(len(true)), true] == best
    return np.where(hit, 1.0 / ties, 0.0)


# -- Gaussian noise -------------------------------------------------------------------------------------
def noise_decoding_accuracy(
    code: ConstantWeightCode, sigma: float, trials: int = 10000, seed: int = 0
) -> float:
    r"""Monte-Carlo accuracy of nearest-codeword decoding of noisy energy vectors.

    Each trial draws a class :math:`k` uniformly, forms :math:`e = c_k + \varepsilon` with
    :math:`\varepsilon_n \sim \mathcal N(0, \sigma^2)` i.i.d. per branch, and decodes
    :math:`\hat k = \arg\min_j \|e - c_j\|_2`. Returns the mean credit over ``trials`` trials (ties split
    fairly, see the module docstring). ``sigma = 0`` gives exactly 1.0 (codewords are distinct).

    Raises
    ------
    TypeError
        When ``code`` is not a :class:`ConstantWeightCode`, ``sigma`` not a real number, or ``trials`` /
        ``seed`` not integers.
    ValueError
        When ``sigma`` is negative or not finite, ``trials < 1`` or ``seed < 0``.
    """
    code = _as_code(code)
    sigma = _sigma(sigma)
    trials = _trials(trials)
    rng = np.random.default_rng(_seed(seed))
    cw = code.matrix.astype(np.float64)
    total = 0.0
    for start in range(0, trials, _BATCH):
        b = min(_BATCH, trials - start)
        true = rng.integers(0, code.size, size=b)
        energy = cw[true] + rng.normal(0.0, sigma, size=(b, code.n)) if sigma > 0 else cw[true]
        total += float(_credit(energy @ cw.T, true).sum())
    return total / trials


# -- branch flips ---------------------------------------------------------------------------------------
def flip_decoding_accuracy(code: ConstantWeightCode, flips: int, trials: int = 10000, seed: int = 0) -> float:
    r"""Accuracy of nearest-Hamming decoding after ``flips`` branches of the codeword are flipped.

    The channel picks a class :math:`k` and a ``flips``-subset :math:`S` of the :math:`N` positions, both
    uniformly, and decodes :math:`y = c_k \oplus 1_S` to the nearest codeword in Hamming distance, ties
    broken uniformly at random (credited by their probability, see the module docstring).

    **Exact mode.** When the number of equally likely cases :math:`K\binom{N}{b}` is at most ``trials``,
    every (class, flip set) pair is enumerated once and the exact accuracy is returned (``seed`` is then
    unused). Otherwise ``trials`` cases are sampled with the seeded generator.

    Raises
    ------
    TypeError
        When ``code`` is not a :class:`ConstantWeightCode` or ``flips`` / ``trials`` / ``seed`` are not
        integers.
    ValueError
        When ``flips`` is not in ``[0, N]``, ``trials < 1`` or ``seed < 0``.
    """
    code = _as_code(code)
    flips = _int("flips", flips)
    if not 0 <= flips <= code.n:
        raise ValueError(f"Argument 'flips' must satisfy 0 <= flips <= n, not flips={flips}, n={code.n}.")
    trials = _trials(trials)
    seed = _seed(seed)
    cw = code.matrix.astype(np.float32)  # overlaps are small integers: exact in float32, fast in BLAS
    if flip_is_exact(code, flips, trials):
        return _flip_exact(code, cw, flips)
    rng = np.random.default_rng(seed)
    total = 0.0
    for start in range(0, trials, _BATCH):
        b = min(_BATCH, trials - start)
        true = rng.integers(0, code.size, size=b)
        positions = np.argsort(rng.random((b, code.n)), axis=1)[:, :flips]
        mask = np.zeros((b, code.n), dtype=np.float32)
        np.put_along_axis(mask, positions, 1.0, axis=1)
        received = np.abs(cw[true] - mask)  # XOR on 0/1 floats
        total += float(_credit(received @ cw.T, true).sum())
    return total / trials


def flip_is_exact(code: ConstantWeightCode, flips: int, trials: int) -> bool:
    r"""Whether :func:`flip_decoding_accuracy` enumerates all :math:`K\binom{N}{b}` cases for these
    arguments instead of sampling."""
    return code.size * math.comb(code.n, flips) <= trials


def _flip_exact(code: ConstantWeightCode, cw: np.ndarray, flips: int) -> float:
    masks = np.zeros((math.comb(code.n, flips), code.n), dtype=np.float32)
    for row, subset in enumerate(combinations(range(code.n), flips)):
        masks[row, list(subset)] = 1.0
    total = 0.0
    cases = code.size * len(masks)
    per_batch = max(1, _BATCH // len(masks))
    for start in range(0, code.size, per_batch):
        classes = np.arange(start, min(code.size, start + per_batch))
        true = np.repeat(classes, len(masks))
        received = np.abs(cw[true] - np.tile(masks, (len(classes), 1)))
        total += float(_credit(received @ cw.T, true).sum())
    return total / cases


# -- report -----------------------------------------------------------------------------------------------
def _key(x: float) -> str:
    return format(float(x), "g")


def robustness_report(
    code: ConstantWeightCode,
    sigmas: tuple[float, ...] = (0.25, 0.5, 0.75),
    flips: tuple[int, ...] = (1, 2),
    trials: int = 10000,
    seed: int = 0,
) -> dict:
    """Both accuracies for several noise levels and flip counts, JSON-ready and deterministic.

    Returns ``{"noise": {"0.25": acc, ...}, "flips": {"1": acc, ...}, "flips_exact": {"1": bool, ...},
    "trials": trials, "seed": seed}``; keys are the sigmas in ``format(sigma, "g")`` and the flip counts
    as strings; ``flips_exact`` says which flip accuracies were enumerated exactly. Every entry uses the
    same ``seed``.
    """
    code = _as_code(code)
    trials = _trials(trials)
    seed = _seed(seed)
    noise = {_key(_sigma(s)): noise_decoding_accuracy(code, s, trials, seed) for s in sigmas}
    flip_acc = {str(_int("flips", b)): flip_decoding_accuracy(code, b, trials, seed) for b in flips}
    exact = {str(int(b)): flip_is_exact(code, int(b), trials) for b in flips}
    return {"noise": noise, "flips": flip_acc, "flips_exact": exact, "trials": trials, "seed": seed}


def scheme_scores(scheme, sigmas, flips, trials: int, seed: int) -> dict:
    """Every code of ``scheme``: its metrics (:func:`~codesearch.codes.code_metrics`) and its
    :func:`robustness_report` at the given noise levels and bit flips (``codesearch score``'s report)."""
    from ._metrics import code_metrics

    return {
        "num_classes": scheme.num_classes,
        "codes": {
            c.id: {
                **code_metrics(c.code),
                "robustness": robustness_report(
                    c.code, sigmas=tuple(sigmas), flips=tuple(flips), trials=trials, seed=seed
                ),
            }
            for c in scheme.codes
        },
    }
