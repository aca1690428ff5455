#!/usr/bin/env bash
# cluster.sh N COMMAND [options…]: a data-parallel var4j command (train-var, bench-var) with N tasks on this
# machine, on TensorFlow's distributed runtime over loopback (scripts/var4j COMMAND --cluster … --task i, i < N).
#   scripts/cluster.sh 2 train-var --steps 300 --run-dir runs/var-dp2
#   scripts/cluster.sh 2 bench-var --depths 4
# Ports VAR4J_CLUSTER_PORT, +1, … (default 23456). Task 0 (the chief) prints to the console and writes the run
# directory; task i logs to <run-dir or runs>/cluster-logs/task-i.log. When a task fails, the others stop by themselves
# (they name the dead task within --collective-timeout); this script then kills what is left, by process id, and
# exits with the first failure's status. Rerunning the same command resumes from the chief's last checkpoint.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${1:-}
if ! [[ "$N" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/cluster.sh N COMMAND [options…] (N = number of tasks, got '${N}')" >&2; exit 2
fi
CMD=${2:-}
case "$CMD" in
  train-var|bench-var) ;;
  *) echo "scripts/cluster.sh: COMMAND must be train-var or bench-var, got '${CMD}'" >&2; exit 2 ;;
esac
shift 2
PORT=${VAR4J_CLUSTER_PORT:-23456}
HOSTS=""
for ((i = 0; i < N; i++)); do HOSTS+="${HOSTS:+,}127.0.0.1:$((PORT + i))"; done
RUN=runs
prev=""
for a in "$@"; do
  if [ "$prev" = --run-dir ]; then RUN=$a; fi
  case "$a" in --run-dir=*) RUN=${a#--run-dir=} ;; esac
  prev=$a
done
LOGS="$RUN/cluster-logs"
mkdir -p "$LOGS"
scripts/var4j --version >/dev/null   # build once; the tasks reuse it
export VAR4J_SKIP_BUILD=1
# each task gets an equal share of the cores unless told otherwise
CORES=$(nproc)
export VAR4J_INTRA_THREADS=${VAR4J_INTRA_THREADS:-$(( CORES / N > 0 ? CORES / N : 1 ))}
PIDS=()
for ((i = 1; i < N; i++)); do
  scripts/var4j "$CMD" --cluster "$HOSTS" --task "$i" "$@" > "$LOGS/task-$i.log" 2>&1 &
  PIDS+=($!)
done
scripts/var4j "$CMD" --cluster "$HOSTS" --task 0 "$@" &
CHIEF=$!
status=0
wait "$CHIEF" || status=$?
for p in "${PIDS[@]}"; do
  if [ "$status" -ne 0 ]; then kill "$p" 2>/dev/null || true; fi
  s=0; wait "$p" || s=$?
  if [ "$status" -eq 0 ] && [ "$s" -ne 0 ]; then status=$s; fi
done
if [ "$status" -ne 0 ]; then
  echo "[cluster] a task failed (exit $status); task logs in $LOGS" >&2
fi
exit "$status"
