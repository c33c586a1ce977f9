#!/usr/bin/env bash
# Issue 8, section 4 on digit-pairs / proxy-s100, at full size (docs/experiments.md):
#   stage distance: experiment 2 (d = 8, 6, 4, 2, lexicode; fast proxy; 5 seeds) -- timed for section 5's
#                   30-minute target (25 runs, 2 at a time)
#   stage noise:    d8 (the preset's codes) and lexicode (the paper's scheme) extended to 8 seeds
#                   (experiment 1's digit-pairs noise floor; the first 5 seeds are reused from stage distance)
#   stage rank:     experiment 3's method for the fast proxy: 6 configurations (d8, d4, d2, lexicode at mu 20;
#                   d8 and lexicode at mu 5) under the fast (3 seeds) and the slow proxy (bench/proxies.py, 2 seeds:
#                   a slow run costs ~2.6x a fast one, and 3 seeds did not fit the session)
# Usage: PY=.venv/bin/python bash bench/issue8_pairs.sh [STAGES]   (default distance,noise,rank; outputs in runs/pairs)
set -euo pipefail
export PYTHONPATH=${PYTHONPATH:-$PWD} OMP_NUM_THREADS=1
PY=${PY:-.venv/bin/python}
STAGES=${1:-distance,noise,rank}
CS="$PY -m codesearch"
R=runs/pairs
S=$R/schemes
mkdir -p $R
flags() { $PY -c "import sys; sys.path.insert(0, 'bench'); from proxies import flags; print(' '.join(flags('$1'${2:-})))"; }
FAST=$(flags fast)
SLOW=$(flags slow)
FAST5=$(flags fast ", mu=5.0")
SLOW5=$(flags slow ", mu=5.0")
stamp() { echo "$1 $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/timeline.txt; }
$PY bench/proxy_schemes.py --out $S >&2
ALL="$S/d8.json $S/d6.json $S/d4.json $S/d2.json $S/lexicode.json"
LAB="--labels d8,d6,d4,d2,lexicode"
if [[ $STAGES == *distance* ]]; then
  stamp distance-start
  $CS compare $ALL $LAB $FAST --seeds 5 --jobs 2 --out $R/fast --json > $R/distance.json
  stamp distance-end
fi
if [[ $STAGES == *noise* ]]; then
  stamp noise-start
  cp $R/fast/compare.json $R/distance-compare.json  # the distance stage's document; --force replaces it
  $CS compare $S/d8.json $S/lexicode.json --labels d8,lexicode $FAST --seeds 8 --jobs 2 --out $R/fast --force \
      --json > $R/noise.json
  stamp noise-end
fi
if [[ $STAGES == *rank* ]]; then
  stamp rank-start
  $CS compare $S/d8.json $S/lexicode.json --labels d8,lexicode $FAST5 --seeds 3 --jobs 2 --out $R/fast-mu5 \
      --json > $R/fast-mu5.json
  $CS compare $S/d8.json $S/d4.json $S/d2.json $S/lexicode.json --labels d8,d4,d2,lexicode $SLOW --seeds 2 \
      --jobs 2 --out $R/slow --json > $R/slow.json
  $CS compare $S/d8.json $S/lexicode.json --labels d8,lexicode $SLOW5 --seeds 2 --jobs 2 --out $R/slow-mu5 \
      --json > $R/slow-mu5.json
  stamp rank-end
fi
