#!/usr/bin/env bash
# Installs what the var4j notebooks need (idempotent; run as root on Debian 12, or with the packages already there):
#   - Jupyter from Debian: jupyter-nbconvert + jupyter-client (headless execution);
#     with --interactive also jupyter-notebook (classic Notebook UI; JupyterLab is not packaged in Debian 12);
#   - the Java kernel io.github.padreati:rapaio-jupyter-kernel (pinned) from Maven Central, started through our
#     launcher notebooks/kernel/Var4jKernelLauncher.java (fixes the kernel's start-up race);
#   - a kernelspec named `java` ("Java (var4j)") under target/jupyter/kernels/java.
# Afterwards: export JUPYTER_PATH=$PWD/target/jupyter   (scripts/run-notebooks.sh does that itself)
#
# Usage: bash scripts/setup-notebooks.sh [--interactive]
set -euo pipefail

KERNEL_GAV=io.github.padreati:rapaio-jupyter-kernel:3.0.1
KERNEL_JAR=rapaio-jupyter-kernel-3.0.1.jar
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

INTERACTIVE=0
for arg in "$@"; do
  case "$arg" in
    --interactive) INTERACTIVE=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup-notebooks.sh: unknown argument '$arg' (expected --interactive)" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KDIR=$ROOT/target/jupyter/kernels/java
log() { echo "[setup-notebooks $(date +%H:%M:%S)] $*"; }

# --- 1. Jupyter from Debian (only what is missing) -----------------------------------------------------------------
pkgs=(jupyter-nbconvert jupyter-client)
if [ "$INTERACTIVE" = 1 ]; then pkgs+=(jupyter-notebook); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-notebooks.sh: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # package lists may be missing or stale (fresh container): refresh them once and retry
  apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
else
  log "Debian packages present: ${pkgs[*]}"
fi
[ -x /usr/bin/jupyter ] || { echo "setup-notebooks.sh: /usr/bin/jupyter missing after install" >&2; exit 1; }

# --- 2. Kernel jar from Maven Central ------------------------------------------------------------------------------
command -v mvn >/dev/null || { echo "setup-notebooks.sh: mvn not found (apt-get install maven)" >&2; exit 1; }
command -v javac >/dev/null || { echo "setup-notebooks.sh: javac not found (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
mkdir -p "$KDIR"
if [ ! -s "$KDIR/$KERNEL_JAR" ]; then
  log "downloading $KERNEL_GAV"
  # run outside the reactor: dependency:copy needs no pom, and inside the repo it would run once per module
  (cd "$KDIR" && mvn -B -q "$DEP_PLUGIN:copy" -Dartifact="$KERNEL_GAV" -DoutputDirectory="$KDIR")
else
  log "kernel jar present: $KDIR/$KERNEL_JAR"
fi
[ -s "$KDIR/$KERNEL_JAR" ] || { echo "setup-notebooks.sh: $KDIR/$KERNEL_JAR was not downloaded" >&2; exit 1; }

# --- 3. Our launcher (always recompiled: cheap, and picks up edits) ------------------------------------------------
log "compiling notebooks/kernel/Var4jKernelLauncher.java"
javac --release 17 -nowarn -encoding UTF-8 -cp "$KDIR/$KERNEL_JAR" -d "$KDIR" "$ROOT/notebooks/kernel/Var4jKernelLauncher.java"

# --- 4. %dependency cache (rapaio resolves RJK_MIMA_CACHE under the jar's dir: use a symlink) + init script ---------
M2=${M2_REPO:-${HOME:-/root}/.m2/repository}   # where mvn puts artifacts (M2_REPO overrides)
mkdir -p "$M2"
ln -sfn "$M2" "$KDIR/m2repo"
# evaluated as ONE JShell snippet before the first cell: keep it a single block, no imports
printf '%s\n' '{ options().display().defaultMime("text/plain"); }' > "$KDIR/init.jsh"

# --- 5. kernel.json ------------------------------------------------------------------------------------------------
JAVA_BIN=${JAVA_HOME:+$JAVA_HOME/bin/java}
JAVA_BIN=${JAVA_BIN:-$(readlink -f "$(command -v java)")}
java_major=$("$JAVA_BIN" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_major:-0}" -ge 17 ] 2>/dev/null \
  || { echo "setup-notebooks.sh: $JAVA_BIN is Java '${java_major:-?}', the kernel needs 17+ (set JAVA_HOME)" >&2; exit 1; }
KDIR="$KDIR" JAVA_BIN="$JAVA_BIN" KERNEL_JAR="$KERNEL_JAR" /usr/bin/python3 - <<'EOF'
import json, os
kdir, java, jar = os.environ["KDIR"], os.environ["JAVA_BIN"], os.environ["KERNEL_JAR"]
spec = {
    "argv": [java, "-Djava.awt.headless=true", "-Xmx4g",
             "-cp", f"{kdir}/{jar}:{kdir}", "Var4jKernelLauncher", "{connection_file}"],
    "display_name": "Java (var4j)",
    "language": "java",
    "interrupt_mode": "message",
    # RJK_CLASSPATH is deliberately absent: variables not named here pass through from the caller
    "env": {
        "RJK_INIT_SCRIPT": f"{kdir}/init.jsh",
        "RJK_MIMA_CACHE": "m2repo",
        "RJK_TIMEOUT_MILLIS": "-1",
        "RJK_COMPILER_OPTIONS": "",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    },
}
with open(os.path.join(kdir, "kernel.json"), "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
EOF
log "kernelspec 'java' (Java (var4j)) ready in $KDIR (java: $JAVA_BIN)"
log "use it with: export JUPYTER_PATH=$ROOT/target/jupyter"
