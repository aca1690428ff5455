#!/usr/bin/env bash
# Converts the 1,000 ImageNet class names once, from the IMAGENET_CLASSES table of the npm package
# @tensorflow-models/mobilenet@2.1.1 (Apache-2.0, Google LLC), into
# lib/src/main/resources/io/github/var4j/data/imagenet-classes.txt: a comment header naming the
# source, then one line per class index 0..999. Needs npm and node; run from the repository root.
set -euo pipefail
OUT=lib/src/main/resources/io/github/var4j/data/imagenet-classes.txt
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent @tensorflow-models/mobilenet@2.1.1 >/dev/null && tar xzf tensorflow-models-mobilenet-2.1.1.tgz)
node -e '
const c = require(process.argv[1]).IMAGENET_CLASSES;
const lines = ["# ImageNet-1k class names, index 0..999, one per line (synonyms separated by \", \").",
  "# Source: IMAGENET_CLASSES of the npm package @tensorflow-models/mobilenet@2.1.1",
  "# (dist/imagenet_classes.js, Apache-2.0, Copyright 2019 Google LLC), converted by",
  "# scripts/convert-imagenet-classes.sh."];
for (let i = 0; i < 1000; i++) { if (!(i in c)) throw new Error("missing class " + i); lines.push(c[i]); }
process.stdout.write(lines.join("\n") + "\n");
' "$TMP/package/dist/imagenet_classes.js" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT ($(grep -vc '^#' "$OUT") classes)"
