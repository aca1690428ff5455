#!/usr/bin/env bash
# The test command (README, second command): fetch the data if it is not cached yet (the real-data tests need it),
# then build and run every test with Maven. The parity tests read ../shared/reference/fixtures.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v mvn >/dev/null && command -v javac >/dev/null && command -v npm >/dev/null || {
  echo "installing JDK 17, Maven and npm (Debian)"; apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven npm; }
bash scripts/fetch-data.sh
mvn -B verify "$@"
