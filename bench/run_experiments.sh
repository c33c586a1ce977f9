#!/usr/bin/env bash
# Issue 8, section 4, on digits / proxy-s (docs/experiments.md): experiment 3 (proxy rank: 3 schemes x mu
# {20, 5} at 3 and 12 epochs, 3 seeds) and experiment 1 (noise floor: 8 seeds). The digit-pairs experiments
# are bench/issue8_pairs.sh. Usage: PY=.venv/bin/python bash bench/run_experiments.sh [UNUSED] [SEEDS_NOISE] [STAGES]
# STAGES: any of rank,noise (default both).
set -euo pipefail
export PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-.venv/bin/python}
SN=${2:-8}; STAGES=${3:-rank,noise}
CS="$PY -m codesearch"
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
