#!/usr/bin/env bash
# Executes Java notebooks headlessly with the `java` kernel (see scripts/setup-notebooks.sh) and fails on any cell error.
#
# Usage: bash scripts/run-notebooks.sh [--inplace] [NOTEBOOK.ipynb ...]     (default: notebooks/*.ipynb)
#        bash scripts/run-notebooks.sh --serve [-- JUPYTER-NOTEBOOK-ARGS...]
#        bash scripts/run-notebooks.sh --print-classpath
#   --inplace          after a notebook ran without error, copy the executed notebook (with its outputs) back over
#                      the original, e.g. to commit full-run outputs. Failed notebooks are never overwritten.
#   --serve            interactive use: same kernel + classpath, then `jupyter notebook` on notebooks/
#                      (needs `scripts/setup-notebooks.sh --interactive`)
#   --print-classpath  print the ';'-separated kernel classpath (for RJK_CLASSPATH in another front end) and exit
# Output: executed notebooks in target/nb-out/, one log per notebook (target/nb-out/<name>.log), a summary line per
#         notebook with its wall time. Exit status 0 only if every cell of every notebook ran without error.
# Environment:
#   VAR4J_QUICK=1          passed through to the kernel; notebooks read System.getenv("VAR4J_QUICK") (CI sets it)
#   VAR4J_NB_CLASSPATH     ';'-separated classpath for the kernel; skips the Maven step (development/testing)
#   VAR4J_NB_CELL_TIMEOUT  per-cell timeout in seconds (default 1800)
# Without VAR4J_NB_CLASSPATH the classpath is lib/target/classes;experiments/target/classes;<runtime deps> from
# `mvn -B -q -DskipTests compile dependency:build-classpath` on the reactor (no install needed).
# Notebook code runs in the kernel JVM with the notebook's directory (notebooks/) as working directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { echo "[run-notebooks $(date +%H:%M:%S)] $*"; }

MODE=run
INPLACE=0
NOTEBOOKS=()
JUPYTER_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --inplace) INPLACE=1 ;;
    --serve) MODE=serve ;;
    --print-classpath) MODE=classpath ;;
    --) shift; JUPYTER_ARGS=("$@"); break ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "run-notebooks.sh: unknown option '$1'" >&2; exit 2 ;;
    *) [ -f "$1" ] || { echo "run-notebooks.sh: no such notebook: $1" >&2; exit 2; }
       NOTEBOOKS+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")") ;;
  esac
  shift
done
cd "$ROOT"
if [ "$MODE" = run ] && [ ${#NOTEBOOKS[@]} -eq 0 ]; then
  shopt -s nullglob
  NOTEBOOKS=("$ROOT"/notebooks/*.ipynb)
  shopt -u nullglob
  [ ${#NOTEBOOKS[@]} -gt 0 ] || { echo "run-notebooks.sh: no notebooks found in notebooks/" >&2; exit 1; }
fi
if [ "$MODE" = serve ] && [ ! -x /usr/bin/jupyter-notebook ]; then
  echo "run-notebooks.sh: jupyter-notebook missing: run 'bash scripts/setup-notebooks.sh --interactive'" >&2; exit 1
fi
# --print-classpath: everything but the classpath itself goes to stderr
if [ "$MODE" = classpath ]; then exec 3>&1 1>&2; fi

# --- kernel -------------------------------------------------------------------------------------------------------
export JUPYTER_PATH=$ROOT/target/jupyter
export JUPYTER_RUNTIME_DIR=$ROOT/target/jupyter-runtime
mkdir -p "$JUPYTER_RUNTIME_DIR"
KDIR=$JUPYTER_PATH/kernels/java
# (re)install when missing, made for another checkout path, or older than the launcher source
if [ ! -x /usr/bin/jupyter ] || [ ! -f "$KDIR/kernel.json" ] || ! grep -qF "\"$KDIR/init.jsh\"" "$KDIR/kernel.json" \
   || [ "$ROOT/notebooks/kernel/Var4jKernelLauncher.java" -nt "$KDIR/Var4jKernelLauncher.class" ]; then
  log "java kernelspec missing or stale: running scripts/setup-notebooks.sh"
  bash "$ROOT/scripts/setup-notebooks.sh"
fi

# --- classpath (';'-separated: rapaio splits RJK_CLASSPATH on ';' only) ----------------------------------------------
if [ -n "${VAR4J_NB_CLASSPATH:-}" ]; then
  log "classpath from VAR4J_NB_CLASSPATH (Maven step skipped)"
  RJK_CLASSPATH=$VAR4J_NB_CLASSPATH
else
  log "mvn compile + dependency:build-classpath (reactor)"
  # one invocation: the reactor resolves var4j-lib to lib/target/classes, so nothing has to be installed
  mvn -B -q -DskipTests compile dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.pathSeparator=';' -Dmdep.outputFile=target/nb-classpath.txt >&2
  for m in lib experiments; do
    [ -f "$m/target/nb-classpath.txt" ] || { echo "run-notebooks.sh: $m/target/nb-classpath.txt not written" >&2; exit 1; }
  done
  # classes dirs first, then the dependency jars of both modules, without duplicates
  RJK_CLASSPATH=$( { echo "$ROOT/lib/target/classes"; echo "$ROOT/experiments/target/classes";
                     { cat lib/target/nb-classpath.txt; echo; cat experiments/target/nb-classpath.txt; } | tr ';' '\n'; } \
                   | awk 'NF && !seen[$0]++' | paste -sd ';' )
fi
export RJK_CLASSPATH
case "$RJK_CLASSPATH" in
  *:/*) echo "run-notebooks.sh: classpath looks ':'-separated; RJK_CLASSPATH needs ';'" >&2; exit 2 ;;
esac
log "RJK_CLASSPATH: $(echo "$RJK_CLASSPATH" | tr ';' '\n' | grep -c .) entries; VAR4J_QUICK=${VAR4J_QUICK:-<unset>}"

if [ "$MODE" = classpath ]; then
  echo "$RJK_CLASSPATH" >&3
  exit 0
fi
if [ "$MODE" = serve ]; then
  if [ "$(id -u)" = 0 ]; then JUPYTER_ARGS=(--allow-root "${JUPYTER_ARGS[@]}"); fi
  log "starting jupyter notebook on notebooks/ (kernel: Java (var4j)); stop with Ctrl-C"
  exec /usr/bin/jupyter notebook --notebook-dir="$ROOT/notebooks" "${JUPYTER_ARGS[@]}"
fi

# --- execute --------------------------------------------------------------------------------------------------------
OUT=$ROOT/target/nb-out
mkdir -p "$OUT"
TIMEOUT=${VAR4J_NB_CELL_TIMEOUT:-1800}
declare -a SUMMARY=()
failed=0
for nb in "${NOTEBOOKS[@]}"; do
  name=$(basename "$nb" .ipynb)
  nblog=$OUT/$name.log
  log "executing ${nb#"$ROOT"/} (log: ${nblog#"$ROOT"/})"
  t0=$(date +%s.%N)
  set +e
  /usr/bin/jupyter nbconvert --to notebook --execute --output-dir "$OUT" \
      --ExecutePreprocessor.kernel_name=java \
      --ExecutePreprocessor.timeout="$TIMEOUT" \
      --ExecutePreprocessor.startup_timeout=120 \
      --ExecutePreprocessor.record_timing=False \
      "$nb" >"$nblog" 2>&1
  rc=$?
  set -e
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if [ $rc -eq 0 ]; then
    status=PASS
    if [ "$INPLACE" = 1 ]; then
      cp "$OUT/$name.ipynb" "$nb"
      status="PASS (outputs written to ${nb#"$ROOT"/})"
    fi
  else
    status="FAIL (exit $rc, log ${nblog#"$ROOT"/})"
    failed=$((failed + 1))
    # show the Python exception that ended the run (it carries the Java error and the cell), not the traceback
    first=$(awk '/^Traceback \(most recent call last\):/ { tb = 1; next } tb && !/^ / { at = NR; tb = 0 } END { print at }' "$nblog")
    echo "----- ${nb#"$ROOT"/} failed; from ${nblog#"$ROOT"/} -----"
    if [ -n "$first" ]; then tail -n "+$first" "$nblog" | head -n 80 || true; else tail -n 40 "$nblog"; fi
    echo "-----"
  fi
  SUMMARY+=("$(printf '%-36s %8s s  %s' "$name.ipynb" "$secs" "$status")")
done

echo "===== notebook summary ====="
printf '%s\n' "${SUMMARY[@]}"
if [ $failed -gt 0 ]; then
  echo "run-notebooks.sh: $failed of ${#NOTEBOOKS[@]} notebook(s) failed" >&2
  exit 1
fi
echo "run-notebooks.sh: all ${#NOTEBOOKS[@]} notebook(s) passed"
