# Shared set-up of the lab benchmark scripts (load.sh, flood.sh, leases.sh) - sourced, not run.
# Why: the three scripts repeated the same root/jar checks, prefix choice, cleanup trap, lab start and
# the reading of the daemons' PIDs and the test user's key; one copy keeps them in step.
#
#   . "$(dirname "$(readlink -f "$0")")/lab-env.sh"
#   lab_env_init NAME LETTER   # NAME for messages (e.g. load.sh); LETTER: prefix lme-<LETTER><4 hex>.
#                              # Checks root and the bench jar; sets REPO LAB JAR PREFIX; exports the
#                              # default LAB_FWD_ARGS / LAB_LETMEIND_ARGS; installs the cleanup trap.
#   lab_env_up                 # brings the lab up; sets D (its directory), FWD_PID, LMD_PID, KEY1
#   lab_env_read_pids          # (re-)reads FWD_PID and LMD_PID (after restarting a daemon)
#   lab_env_cleanup_extra      # define it (before EXIT) to stop the script's own extra processes; it
#                              # runs before the lab goes down, on success, failure and Ctrl-C.
# Defaults exported (override in the environment):
#   LAB_FWD_ARGS "-n 64"            letmeinfwd's default of 8 IPC connections would cap batching;
#   LAB_LETMEIND_ARGS "-n 512 -N 512"  every load client knocks from one client address, and letmeind's
#                                   per-address default of 8 connections would refuse the rest.

lab_env_init() { # NAME LETTER
    LAB_ENV_NAME=$1
    [ "$(id -u)" -eq 0 ] || { echo "$LAB_ENV_NAME: must run as root (network namespaces, nftables)" >&2; exit 1; }
    REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
    LAB="$REPO/letmein-e2e/lab.sh"
    JAR="$REPO/letmein-bench/target/letmein-bench.jar"
    [ -f "$JAR" ] || { echo "$LAB_ENV_NAME: $JAR missing (mvn -B package -DskipTests)" >&2; exit 1; }
    export LAB_FWD_ARGS=${LAB_FWD_ARGS--n 64}
    export LAB_LETMEIND_ARGS=${LAB_LETMEIND_ARGS--n 512 -N 512}
    PREFIX=lme-$2$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')
    trap lab_env_cleanup EXIT
    trap 'exit 130' INT TERM
}

# Overridden by a script that starts processes of its own.
lab_env_cleanup_extra() { :; }

lab_env_cleanup() {
    lab_env_cleanup_extra || true
    "$LAB" down "$PREFIX" >/dev/null 2>&1 || true
}

lab_env_read_pids() {
    read -r FWD_PID _ <"$D/pids/fwd.pid"
    read -r LMD_PID _ <"$D/pids/letmeind.pid"
}

lab_env_up() {
    LAB_QUIET=1 "$LAB" up "$PREFIX" --owner $$ >/dev/null
    D=$("$LAB" dir "$PREFIX")
    lab_env_read_pids
    KEY1=$(sed -n 's/^KEY1=//p' "$D/keys.env")
    [ -n "$KEY1" ] || { echo "$LAB_ENV_NAME: no KEY1 in $D/keys.env" >&2; exit 1; }
}
