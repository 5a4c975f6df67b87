# Shared set-up of the lab benchmarks (load.sh, flood.sh, leases.sh); sourced, not run.
#   lab_env_init NAME LETTER   root and jar checks, REPO/LAB/JAR, the daemons' benchmark options
#                              (LAB_FWD_ARGS default "-n 64": letmeinfwd's default of 8 IPC connections
#                              caps batching; LAB_LETMEIND_ARGS default "-n 512 -N 512": every load client
#                              knocks from one address, letmeind's per-address default of 8 connections
#                              would refuse the rest), and a fresh PREFIX lme-<LETTER><4 hex>
#   lab_env_up                 brings the lab up with a teardown trap (EXIT, INT, TERM) that first calls
#                              lab_env_extra_cleanup if the script defines it; sets D, KEY1, FWD_PID, LMD_PID
#   lab_env_pids               re-reads FWD_PID and LMD_PID (after a daemon restart)
REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
LAB="$REPO/letmein-e2e/lab.sh"
JAR="$REPO/letmein-bench/target/letmein-bench.jar"

lab_env_init() { # NAME LETTER
    [ "$(id -u)" -eq 0 ] || { echo "$1: must run as root (network namespaces, nftables)" >&2; exit 1; }
    [ -f "$JAR" ] || { echo "$1: $JAR missing (mvn -B package -DskipTests)" >&2; exit 1; }
    export LAB_FWD_ARGS=${LAB_FWD_ARGS--n 64}
    export LAB_LETMEIND_ARGS=${LAB_LETMEIND_ARGS--n 512 -N 512}
    PREFIX=lme-$2$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')
}

lab_env_cleanup() {
    if declare -F lab_env_extra_cleanup >/dev/null; then lab_env_extra_cleanup || true; fi
    "$LAB" down "$PREFIX" >/dev/null 2>&1 || true
}

lab_env_pids() {
    read -r FWD_PID _ <"$D/pids/fwd.pid"
    read -r LMD_PID _ <"$D/pids/letmeind.pid"
}

lab_env_up() {
    trap lab_env_cleanup EXIT
    trap 'exit 130' INT TERM
    LAB_QUIET=1 "$LAB" up "$PREFIX" --owner $$ >/dev/null
    D=$("$LAB" dir "$PREFIX")
    KEY1=$(sed -n 's/^KEY1=//p' "$D/keys.env")
    lab_env_pids
}
