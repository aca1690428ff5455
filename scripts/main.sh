#!/usr/bin/env bash
# The main job (README, first command): the reproduction on Fashion-MNIST, in one of three sizes.
#
#   bash scripts/main.sh            the full reproduction (hours): train the tokenizer, evaluate it (PSNR, rFID),
#                                   train the VAR on its token maps, draw the sampling and zero-shot figures
#   bash scripts/main.sh minutes    about 10 minutes: a small VAR (the d2 of the scaling sweep, 1,000 steps) on the
#                                   committed tokenizer, its sampling figures
#   bash scripts/main.sh smoke      2 minutes: every step on tiny settings (VAR4J_QUICK=1); checks the pipeline only
#
# Each size writes under out/<size>/ (git-ignored: models, runs, results, figures) and never over the committed
# models/, experiments/results/ or figures/. An interrupted run resumes: call it again. Each ends with the table
# "this run against the committed models" (scripts/var4j compare), also written to out/<size>/results/compare.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TIER=${1:-full}
case "$TIER" in
  full | minutes | smoke) ;;
  -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "main.sh: error: unknown size '$TIER' (full, minutes or smoke)" >&2; exit 2 ;;
esac
command -v mvn >/dev/null && command -v javac >/dev/null && command -v npm >/dev/null || {
  echo "installing JDK 17, Maven and npm (Debian)"; apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven npm; }
bash scripts/fetch-data.sh
OUT=out/$TIER
START=$(date +%s)
step() { echo; echo "=== [main.sh $TIER] +$(( $(date +%s) - START )) s: $*"; }
V=(--var "$OUT/models/fmnist-var")
case "$TIER" in
  full)
    T=(--tokenizer "$OUT/models/fmnist-tokenizer")
    step "tokenizer (about 72 min on 2 cores)"
    scripts/var4j train-tokenizer --out-dir "$OUT"
    step "reconstruction FID of the tokenizer"
    scripts/var4j eval-fid-reference --out-dir "$OUT" "${T[@]}"
    step "VAR (about 30 min)"
    scripts/var4j train-var --out-dir "$OUT" "${T[@]}"
    step "sampling and zero-shot figures"
    scripts/var4j sample --out-dir "$OUT" "${T[@]}" "${V[@]}"
    scripts/var4j zero-shot --out-dir "$OUT" "${T[@]}" "${V[@]}"
    step "this run against the committed models (10,000 samples of each VAR)"
    scripts/var4j compare --run "$OUT"
    ;;
  minutes)
    step "a small VAR on the committed tokenizer: depth 2, width 64, 1,000 steps of 64 images"
    scripts/var4j train-var --out-dir "$OUT" --depth 2 --width 64 --heads 2 --lr 2e-3 --steps 1000 \
      --eval-every 250 --eval-images 1000
    step "sampling figures"
    scripts/var4j sample --out-dir "$OUT" "${V[@]}" --per-class 8 --grid-samples 6
    step "this run against the committed models (1,000 samples of each VAR)"
    scripts/var4j compare --run "$OUT" --per-class 100
    ;;
  smoke)
    export VAR4J_QUICK=1
    T=(--tokenizer "$OUT/models/fmnist-tokenizer")
    step "tiny tokenizer"
    scripts/var4j train-tokenizer --out-dir "$OUT"
    step "tiny VAR"
    scripts/var4j train-var --out-dir "$OUT" "${T[@]}"
    step "sampling and zero-shot figures"
    scripts/var4j sample --out-dir "$OUT" "${T[@]}" "${V[@]}"
    scripts/var4j zero-shot --out-dir "$OUT" "${T[@]}" "${V[@]}"
    step "against the committed models (the numbers of a smoke run mean nothing)"
    scripts/var4j compare --run "$OUT"
    ;;
esac
SECONDS_ALL=$(( $(date +%s) - START ))
mkdir -p "$OUT/results"
printf 'metric,value\nwall_seconds,%d\ncores,%d\n' "$SECONDS_ALL" "$(nproc)" > "$OUT/results/main-time.csv"
echo
echo "=== [main.sh $TIER] done in $(( ($(date +%s) - START) / 60 )) min $(( ($(date +%s) - START) % 60 )) s; everything is in $OUT/"
