#!/usr/bin/env bash
# pack-gpu.sh [OUT]: packs var4j so that it runs on a GPU machine that has no Java, no Maven and no network.
#
# The TF Java GPU runtime itself (a JRE, the TF Java 1.1.0 GPU natives, the CUDA 12 libraries) comes from
# ../shared/tools/gpu-bundle (prepare_chunks.sh, about 10 chunks of 60 MiB, unpacked to /tmp/tfgpu/root).
# This script adds what is ours, in OUT (default target/gpu-pack):
#   jars/          var4j-lib, var4j-experiments and every runtime and test dependency, less the TensorFlow core jars,
#                  JavaCPP and protobuf, which the bundle ships (its GPU natives must be the only ones on the path)
#   test-classes/  the test classes of both modules, run by JUnit's ConsoleLauncher (junit-platform-console-standalone)
#   root/          what the tests read besides the fixtures: lib/src, experiments/src, models/, and the documents,
#                  result files, figures and notebooks whose numbers and links DocNumbersTest and DocsTest check
#                  (system property var4j.root)
#   reference/     the parity fixtures and their parent directory's files (../shared/reference, or the parent of
#                  VAR4J_FIXTURES), e.g. var-real-state-dict.json
#   run-tests.sh   the whole test suite on the GPU (or on the CPU with --cpu, see below)
#   var4j.sh       the experiments CLI (scripts/var4j without Maven), e.g. var4j.sh bench-var …
# and cuts OUT into chunks of at most CHUNK_MIB (default 60) MiB under OUT-chunks/, each with its own recv.sh, so that
# each travels in one call of the device tool (see docs/RESULTS.md, "GPU").
#
# --with-cpu-tf also copies the TensorFlow CPU jars into OUT/tf-cpu, so that `OUT/run-tests.sh --cpu` runs the packed
# suite on this machine: the check that the pack is complete, made without a GPU.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WITH_CPU_TF=0
OUT=
for a in "$@"; do
  case "$a" in
    --with-cpu-tf) WITH_CPU_TF=1 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "pack-gpu.sh: unknown option $a (known: --with-cpu-tf, --help)" >&2; exit 2 ;;
    *) OUT=$a ;;
  esac
done
OUT=$(realpath -m "${OUT:-$ROOT/target/gpu-pack}")
FIXTURES=${VAR4J_FIXTURES:-$ROOT/../shared/reference/fixtures}
CHUNK_MIB=${CHUNK_MIB:-60}
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.1
[ -f "$FIXTURES/manifest.json" ] || { echo "pack-gpu.sh: no manifest.json in fixture directory $FIXTURES" >&2; exit 1; }

cd "$ROOT"
echo "[pack-gpu] building (tests skipped)" >&2
mvn -B -q -DskipTests package >&2
rm -rf "$OUT" "$OUT-chunks"
mkdir -p "$OUT"/{jars,test-classes/lib,test-classes/experiments,root,reference/fixtures}
echo "[pack-gpu] dependencies" >&2
# The bundle ships tensorflow-core-api, its natives, JavaCPP, protobuf and ndarray: leave them out here.
mvn -B -q dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$OUT/jars" \
  -DexcludeArtifactIds=tensorflow-core-api,tensorflow-core-native,javacpp,protobuf-java,ndarray >&2
mvn -B -q dependency:copy -Dartifact="$JUNIT_CONSOLE" -DoutputDirectory="$OUT/jars" >&2
rm -f "$OUT"/jars/var4j-*.jar
cp lib/target/var4j-lib-*.jar experiments/target/var4j-experiments-*.jar "$OUT/jars/"
cp -r lib/target/test-classes/. "$OUT/test-classes/lib/"
cp -r experiments/target/test-classes/. "$OUT/test-classes/experiments/"
mkdir -p "$OUT/root/lib" "$OUT/root/experiments"
cp -r lib/src "$OUT/root/lib/"
cp -r experiments/src experiments/results "$OUT/root/experiments/"
cp -r models docs figures notebooks README.md "$OUT/root/"
cp -r "$FIXTURES"/. "$OUT/reference/fixtures/"
find "$FIXTURES/.." -maxdepth 1 -type f -exec cp {} "$OUT/reference/" \;
if [ "$WITH_CPU_TF" = 1 ]; then
  mkdir -p "$OUT/tf-cpu"
  mvn -B -q dependency:copy-dependencies -pl lib -DincludeScope=runtime -DoutputDirectory="$OUT/tf-cpu" \
    -DincludeArtifactIds=tensorflow-core-api,tensorflow-core-native,javacpp,protobuf-java,ndarray >&2
fi

cat > "$OUT/env.sh" <<'EOF'
# Sourced by run-tests.sh and var4j.sh: sets VAR4J_CP and VAR4J_JAVA for the GPU bundle, or for the CPU with --cpu.
PACK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "${VAR4J_DEVICE:-gpu}" = cpu ]; then
  [ -d "$PACK/tf-cpu" ] || { echo "no $PACK/tf-cpu: pack with --with-cpu-tf to run on the CPU" >&2; exit 1; }
  VAR4J_CP="$PACK/jars/*:$PACK/tf-cpu/*"
  VAR4J_JAVA=(java)
else
  TFGPU_ENV=${TFGPU_ENV:-/tmp/tfgpu/root/tfgpu_env.sh}
  [ -f "$TFGPU_ENV" ] || { echo "no $TFGPU_ENV: unpack the gpu-bundle chunks first (bash chunk_NN/recv.sh)" >&2; exit 1; }
  # shellcheck disable=SC1090
  source "$TFGPU_ENV"
  VAR4J_CP="$PACK/jars/*:$TFGPU_CP"
  # shellcheck disable=SC2206
  VAR4J_JAVA=(java $TFGPU_JAVA_OPTS)
fi
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
EOF

cat > "$OUT/run-tests.sh" <<'EOF'
#!/usr/bin/env bash
# run-tests.sh [--cpu] [ConsoleLauncher options…]: the var4j test suite (both modules) from the pack.
# NVIDIA_TF32_OVERRIDE=0 turns TF32 off (the parity setting); extra options go to JUnit's ConsoleLauncher,
# e.g. --select-package io.github.var4j.parity, or --include-classname '.*Parity.*'.
set -euo pipefail
if [ "${1:-}" = --cpu ]; then export VAR4J_DEVICE=cpu; shift; fi
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
cd "$PACK"
exec "${VAR4J_JAVA[@]}" ${VAR4J_TEST_OPTS:--Xmx6g} -Djava.awt.headless=true \
  -Dvar4j.fixtures="$PACK/reference/fixtures" -Dvar4j.root="$PACK/root" \
  -cp "$VAR4J_CP:$PACK/test-classes/lib:$PACK/test-classes/experiments" \
  org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
  --fail-if-no-tests "${@:---scan-classpath=$PACK/test-classes/lib:$PACK/test-classes/experiments}"
EOF

cat > "$OUT/var4j.sh" <<'EOF'
#!/usr/bin/env bash
# var4j.sh [--cpu] COMMAND …: the var4j experiments CLI from the pack (what scripts/var4j runs, without Maven).
# Runs in the current directory; VAR4J_JAVA_OPTS as in scripts/var4j.
set -euo pipefail
if [ "${1:-}" = --cpu ]; then export VAR4J_DEVICE=cpu; shift; fi
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
# shellcheck disable=SC2086
exec "${VAR4J_JAVA[@]}" ${VAR4J_JAVA_OPTS:--Xmx8g} -Djava.awt.headless=true -cp "$VAR4J_CP" \
  io.github.var4j.experiments.Var4jCli "$@"
EOF
chmod +x "$OUT/run-tests.sh" "$OUT/var4j.sh"
git -C "$ROOT" rev-parse HEAD > "$OUT/COMMIT" 2>/dev/null || true

# Chunks for a machine reached one call at a time: tar.xz, cut into CHUNK_MIB pieces, each with a recv.sh that
# unpacks the whole once the last piece is there.
NAME=$(basename "$OUT")
mkdir -p "$OUT-chunks"
echo "[pack-gpu] compressing" >&2
tar -C "$(dirname "$OUT")" -cf - --exclude=tf-cpu "$NAME" | xz -T2 -6 > "$OUT-chunks/$NAME.tar.xz"
(cd "$OUT-chunks" && split -b "${CHUNK_MIB}M" -d -a 2 "$NAME.tar.xz" part_ && rm "$NAME.tar.xz")
N=$(ls "$OUT-chunks"/part_* | wc -l)
for p in "$OUT-chunks"/part_*; do
  i=${p##*_}
  mkdir -p "$OUT-chunks/chunk_$i"
  mv "$p" "$OUT-chunks/chunk_$i/"
  cat > "$OUT-chunks/chunk_$i/recv.sh" <<EOF
#!/usr/bin/env bash
# recv.sh: keeps this piece in \${VAR4J_PACK_BASE:-/tmp/var4j-pack}; after the last of $N pieces, unpacks $NAME there.
set -euo pipefail
BASE=\${VAR4J_PACK_BASE:-/tmp/var4j-pack}
mkdir -p "\$BASE/parts"
cp "\$(dirname "\${BASH_SOURCE[0]}")/part_$i" "\$BASE/parts/"
have=\$(ls "\$BASE/parts" | wc -l)
if [ "\$have" -lt $N ]; then echo "var4j pack: \$have of $N pieces"; exit 0; fi
cat "\$BASE/parts"/part_* | xz -d | tar -C "\$BASE" -xf -
echo "var4j pack: unpacked \$BASE/$NAME (run-tests.sh, var4j.sh)"
EOF
  chmod +x "$OUT-chunks/chunk_$i/recv.sh"
done
echo "[pack-gpu] $OUT ($(du -sh "$OUT" | cut -f1)); $N chunk(s) in $OUT-chunks" >&2
