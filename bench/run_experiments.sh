#!/usr/bin/env bash
# Issue 8, section 4, at the reduced sizes of docs/experiments.md (2026-12-03, shared loaded 2-core machine).
# Usage: PY=/work/main/.venv/bin/python bash bench/run_experiments.sh [SEEDS_PAIRS] [SEEDS_NOISE] [STAGES]
# STAGES: any of distance,rank,noise (default all three, in that order; separate stages may run at once)
# Full size of the issue: SEEDS_PAIRS=8 (noise floor on digit-pairs uses the d8 scheme's seeds), SEEDS_NOISE=8.
set -euo pipefail
export PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-.venv/bin/python}
SP=${1:-3}; SN=${2:-8}; STAGES=${3:-distance,rank,noise}
CS="$PY -m codesearch"
# fast digit-pairs proxy ("pairs-fast"): 5 epochs, 30 images/class, thresholds on 500 train images
FAST="--epochs 5 --batch-size 64 --lr 0.2 --mu 20 --mu-warmup-epochs 1 --samples-per-class 30 --binary-train-limit 500"
S=runs/exp-schemes
if [[ $STAGES == *distance* ]]; then
$PY bench/exp_schemes.py runs/exp-schemes
# (2) minimum distance; d8 first = the reference; its seeds are also the digit-pairs noise floor (1)
$CS compare $S/d8.json $S/d6.json $S/d4.json $S/d2.json $S/lexicode.json --dataset digit-pairs \
    --preset proxy-s100 --seeds "$SP" $FAST --jobs 2 --out runs/exp-distance --json > runs/exp-distance.json
fi
# (3) proxy rank on digits: 3 schemes x mu {20, 5}, at 3 and 12 epochs, 3 seeds
mkdir -p runs/exp-rank
for m in auto random lexicode; do
  [ -f runs/exp-rank/$m.json ] || $CS generate --classes 10 --preset proxy-s --method $m --seed 3 --out runs/exp-rank/$m.json
done
if [[ $STAGES == *rank* ]]; then
for E in 3 12; do for MU in 20 5; do
  $CS compare runs/exp-rank/auto.json runs/exp-rank/random.json runs/exp-rank/lexicode.json --dataset digits \
      --preset proxy-s --seeds 3 --epochs $E --mu $MU --jobs 2 --out runs/exp-rank/e$E-mu$MU --json \
      > runs/exp-rank/e$E-mu$MU.json
done; done
fi
# (1) noise floor on digits: the paper default (preset auto scheme, default settings) and a random scheme, SN seeds
if [[ $STAGES == *noise* ]]; then
$CS compare runs/exp-rank/auto.json runs/exp-rank/random.json --dataset digits --preset proxy-s \
    --seeds "$SN" --jobs 2 --out runs/exp-noise-digits --json > runs/exp-noise-digits.json
fi
