"""The sizes every command accepts: one home for the limits that the CLI enforces and the docs state.

Inside these limits every command must work (generators may return a weaker code, bounds may be reported as
skipped, but nothing may run out of memory or time); outside them a command exits 2 naming the limit.
"""

from __future__ import annotations

#: Largest number of subNNs (code length N) any command accepts.
MAX_SUBNNS = 128
#: Largest number of classes (codewords K) any command accepts.
MAX_CLASSES = 100_000
#: Above this many classes the K x K pair-matrix methods (anneal, lexicode, many random draws) step aside and
#: ``auto`` uses ``repair`` (chunked, bounded memory).
LARGE_CLASSES = 5_000
