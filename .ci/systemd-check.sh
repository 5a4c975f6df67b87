#!/usr/bin/env bash
# Checks the four systemd units under a real systemd (called by run-tests.sh after .ci/package-check.sh;
# run as root on Debian 12). The machine has no systemd as PID 1, so this boots one: a minimal Debian 12
# root made by debootstrap (variant minbase, WITHOUT netbase, so there is no /etc/protocols) with systemd,
# dbus, a Java 17 runtime, nftables, adduser and the letmein .deb built by the same run, booted with
# systemd-nspawn inside a network namespace of this script's own. Nothing else on the machine is used or
# changed: the container's network is two namespaces (lmsd-<pid>-s, the server, where the container
# runs, and lmsd-<pid>-c, the client) joined by a veth pair with private addresses only (10.240.0.0/24,
# fd5e:240::/64).
#
#  1. the root: debootstrap + apt-get in systemd-nspawn (no boot) + dpkg -i of the .deb; no netbase;
#  2. boot: systemd-nspawn --boot --keep-unit --register=no in the server namespace; commands run inside
#     with nsenter into the container's PID 1; `systemctl is-system-running --wait`;
#  3. letmeind.conf gets a key from `letmein gen-key` (edited copy, mv over: root:letmeind 0640 stays);
#     the four units are enabled and started; from the client namespace the real client of this tree
#     (bin/letmein) knocks; TCP port 22 (a listener in the server namespace) is shut before, open after;
#  4. life cycle: `systemctl reload nftables` (Debian's stock /etc/nftables.conf: flush ruleset) is
#     repaired within 1 s; `systemctl restart letmeinfwd` keeps the lease open throughout (a probe every
#     ~50 ms, none may fail) and adopts it once; `letmein revoke` closes it; `systemctl stop letmeinfwd`
#     leaves letmeind and its socket active; `systemctl reload letmeind letmeinfwd` applies a second
#     user's key and resource while the first user's lease stays; `systemd-analyze security` of both
#     services against the targets (letmeind 1.1, letmeinfwd 1.8);
#  5. reboot of the container with the units enabled: all four active at boot, the system `running`,
#     knock and revoke work again.
# Everything it made is removed on any exit (trap): container (by PID), namespaces, its cgroups, the
# root. Outside CI (CI unset) the downloaded .debs are kept in /var/cache/letmein-systemd-check/debs-DATE
# (one day's; older ones are deleted); CI starts from nothing. The whole run is time-boxed
# (LMSD_TIME_LIMIT seconds, default 1200).
# Exit status: 0 all checks passed, 1 any check failed (every failure is printed with FAIL).
set -euo pipefail
[ -z "${LMSD_TRACE:-}" ] || set -x
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$(pwd)

if [ "${LMSD_TIMEBOXED:-}" != 1 ]; then
    export LMSD_TIMEBOXED=1
    # TERM at the limit runs the cleanup trap; KILL 90 s later if even that hangs
    exec timeout --kill-after=90 "${LMSD_TIME_LIMIT:-1200}" "$0" "$@"
fi

LETMEIND_MAX=1.1
LETMEINFWD_MAX=1.8
REPAIR_MAX_MS=1000
NS_S=lmsd-$$-s
NS_C=lmsd-$$-c
MACHINE=lmsd-$$
SRV4=10.240.0.1
CLI4=10.240.0.2
SRV6=fd5e:240::1
CLI6=fd5e:240::2
SUITE=bookworm

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }
note() { echo "      $*"; }
section() { echo; echo "== $*"; }
die() { echo "FAIL: $*" >&2; failures=$((failures + 1)); exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
t_start=$(now_ms)

[ "$(id -u)" -eq 0 ] || { echo "systemd-check.sh: needs root (debootstrap, namespaces, systemd-nspawn)" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Clean-up: always, on any exit. Only what this run (or a dead earlier run of this script) made.
# ---------------------------------------------------------------------------------------------
WORK=""
NSPAWN_PID=""
LEADER=""
LISTENER_PID=""
POLLER_PID=""
CGROUPS=()
nspawn_dir_existed=yes
[ -d /run/systemd/nspawn ] || nspawn_dir_existed=no

# A process of ours: alive and running this script (a recycled PID runs something else).
ours_alive() { grep -a systemd-check.sh "/proc/$1/cmdline" >/dev/null 2>&1; }

stop_container() {
    local i
    [ -n "$NSPAWN_PID" ] || return 0
    if kill -0 "$NSPAWN_PID" 2>/dev/null; then
        # SIGRTMIN+4 asks systemd (the container's PID 1) to power off
        if [ -n "$LEADER" ]; then kill -s RTMIN+4 "$LEADER" 2>/dev/null; else kill -TERM "$NSPAWN_PID" 2>/dev/null; fi
        for ((i = 0; i < 300; i++)); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$NSPAWN_PID" 2>/dev/null; then
            echo "note: the container did not power off within 30 s: killing it" >&2
            [ -n "$LEADER" ] && kill -KILL "$LEADER" 2>/dev/null
            for ((i = 0; i < 100; i++)); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$NSPAWN_PID" 2>/dev/null
        fi
    fi
    wait "$NSPAWN_PID" 2>/dev/null
    NSPAWN_PID=""
    LEADER=""
}

remove_netns() { # NAME
    local pid
    ip netns list | awk '{ print $1 }' | grep -qx "$1" || return 0
    for pid in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$1"
}

remove_cgroup() { # DIR: our subtree, deepest first, once the container's last processes are gone
    local i
    [ -d "$1" ] || return 0
    for ((i = 0; i < 100; i++)); do
        find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$1" ] || return 0
        sleep 0.1
    done
    echo "note: could not remove cgroup $1: $(find "$1" -name cgroup.procs -exec cat {} + | tr '\n' ' ')" >&2
}

remove_work() { # DIR
    local m
    [ -n "$1" ] && [ -d "$1" ] || return 0
    for m in $(findmnt -rn -o TARGET | grep -F "$1" | sort -r); do umount -l "$m"; done
    rm -rf --one-file-system "$1"
}

cleanup() {
    local rc=$?
    set +e
    trap - EXIT TERM INT HUP
    [ -n "$POLLER_PID" ] && kill "$POLLER_PID" 2>/dev/null && wait "$POLLER_PID" 2>/dev/null
    [ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null && wait "$LISTENER_PID" 2>/dev/null
    if [ "$rc" -ne 0 ] && [ -n "$WORK" ]; then
        for f in "$WORK"/logs/boot*.log; do
            [ -f "$f" ] || continue
            echo "--- last lines of $f (the container's console):" >&2
            sed 's/\x1b\[[0-9;]*m//g' "$f" | tail -25 >&2
        done
    fi
    stop_container
    remove_netns "$NS_C"
    remove_netns "$NS_S"
    local c
    for c in "${CGROUPS[@]}"; do remove_cgroup "$c"; done
    # systemd-nspawn leaves /run/systemd/nspawn/propagate/MACHINE (it will not delete it on a disk /run),
    # and a killed one its lock file of the root directory (locks/inode-DEV:INODE)
    rm -rf --one-file-system "/run/systemd/nspawn/propagate/$MACHINE"
    [ -n "$WORK" ] && [ -d "$WORK/root" ] && rm -f "/run/systemd/nspawn/locks/inode-$(stat -c %d:%i "$WORK/root")"
    if [ "$nspawn_dir_existed" = no ]; then
        rmdir /run/systemd/nspawn/propagate /run/systemd/nspawn/locks /run/systemd/nspawn 2>/dev/null
    fi
    remove_work "$WORK"
    [ "$rc" -eq 0 ] && [ "$failures" -gt 0 ] && rc=1
    if [ "$rc" -ne 0 ] && [ "$failures" -eq 0 ]; then echo "FAIL: systemd-check.sh stopped early (exit $rc)" >&2; fi
    echo "systemd-check.sh: cleaned up (total $(( ($(now_ms) - t_start) / 1000 )) s)"
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "systemd-check.sh: signal received, cleaning up" >&2; exit 143' TERM INT HUP

# Remains of an earlier run of this script that was killed before its trap ran (its PID is gone).
clean_stale() {
    local n pid d
    for n in $(ip netns list | awk '{ print $1 }' | grep -E '^lmsd-[0-9]+-[sc]$' || true); do
        pid=${n#lmsd-}; pid=${pid%-*}
        ours_alive "$pid" || { echo "note: removing stale namespace $n"; remove_netns "$n"; }
    done
    for d in /var/tmp/lmsd-[0-9]*-*; do
        [ -d "$d" ] || continue
        pid=${d#/var/tmp/lmsd-}; pid=${pid%%-*}
        ours_alive "$pid" || { echo "note: removing stale root $d"; remove_work "$d"; }
    done
    for d in /sys/fs/cgroup/lmsd-[0-9]* /sys/fs/cgroup/unified/lmsd-[0-9]* /sys/fs/cgroup/systemd/lmsd-[0-9]*; do
        [ -d "$d" ] || continue
        pid=${d##*/lmsd-}
        ours_alive "$pid" || remove_cgroup "$d"
    done
}

# ---------------------------------------------------------------------------------------------
# Tools and the build
# ---------------------------------------------------------------------------------------------
missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
command -v nsenter >/dev/null || missing+=(util-linux)
command -v findmnt >/dev/null || missing+=(util-linux)
command -v ip >/dev/null || missing+=(iproute2)
command -v nft >/dev/null || missing+=(nftables)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    echo "systemd-check.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

shopt -s nullglob
debs=(letmein-package/target/letmein_*_all.deb)
if [ ${#debs[@]} -eq 0 ] || [ ! -f letmein-client/target/letmein-client.jar ]; then
    echo "systemd-check.sh: building the package and the client (mvn -B -q -pl letmein-package -am package -DskipTests)"
    mvn -B -q -o -pl letmein-package -am package -DskipTests || mvn -B -q -pl letmein-package -am package -DskipTests
    debs=(letmein-package/target/letmein_*_all.deb)
fi
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] || die "expected exactly one letmein-package/target/letmein_*_all.deb, found ${#debs[@]}"
deb=$repo/${debs[0]}

clean_stale
WORK=$(mktemp -d "/var/tmp/lmsd-$$-XXXXXX")
chmod 0755 "$WORK"
ROOT=$WORK/root
CLIENT=$WORK/client
LOGS=$WORK/logs
mkdir -p "$LOGS" && chmod 0700 "$LOGS"
mkdir -m 0700 "$CLIENT"

if [ "${CI:-}" = true ]; then
    DEBS=$WORK/debs
else
    DEBS=/var/cache/letmein-systemd-check/debs-$(date -u +%Y%m%d)
    for old in /var/cache/letmein-systemd-check/debs-*; do
        [ -d "$old" ] && [ "$old" != "$DEBS" ] && rm -rf --one-file-system "$old"
    done
fi
mkdir -p "$DEBS"

# cgroups: without systemd as PID 1 nobody gives systemd-nspawn a cgroup, and with --keep-unit it puts
# its own cgroups ("payload", "supervisor") below the one it runs in; every systemd-nspawn of this
# script runs in one of ours (in_cgroup), so they are found and removed afterwards. With systemd as
# PID 1 the caller's unit is used as it is.
cg_procs=()
if [ ! -d /run/systemd/system ]; then
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        CGROUPS+=("/sys/fs/cgroup/$MACHINE")
    else
        [ -d /sys/fs/cgroup/unified ] && CGROUPS+=("/sys/fs/cgroup/unified/$MACHINE")
        [ -d /sys/fs/cgroup/systemd ] && CGROUPS+=("/sys/fs/cgroup/systemd/$MACHINE")
    fi
    for c in "${CGROUPS[@]}"; do mkdir "$c" && cg_procs+=("$c/cgroup.procs"); done
fi
# shellcheck disable=SC2016
# (it execs: call it in a subshell)
in_cgroup() { LMSD_CG="${cg_procs[*]}" exec bash -c 'for f in $LMSD_CG; do echo $$ >"$f"; done; exec "$@"' lmsd-cg "$@"; }

# Runs a command in the container root without booting it (host network, for apt).
in_root() { (in_cgroup timeout 900 systemd-nspawn -q --register=no --keep-unit --machine="$MACHINE" --bind="$DEBS:/var/cache/apt/archives" -D "$ROOT" \
    /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"); }

# The mirror this host's apt uses (so nothing else is asked), else debootstrap's default.
mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
    /etc/apt/sources.list 2>/dev/null || true)

section "minimal Debian root ($SUITE, minbase, no netbase) in $ROOT"
t0=$(now_ms)
# shellcheck disable=SC2086
if ! debootstrap --variant=minbase --cache-dir="$DEBS" "$SUITE" "$ROOT" $mirror >"$LOGS/debootstrap.log" 2>&1; then
    tail -20 "$LOGS/debootstrap.log" >&2
    die "debootstrap failed"
fi
pass "debootstrap --variant=minbase $SUITE ${mirror:-(default mirror)} ($(( ($(now_ms) - t0) / 1000 )) s)"
# the host's suites (updates and security too) when it is the same release
if [ -f /etc/apt/sources.list.d/debian.sources ] && grep -qx "VERSION_CODENAME=$SUITE" /etc/os-release; then
    cp /etc/apt/sources.list.d/debian.sources "$ROOT/etc/apt/sources.list.d/debian.sources"
    rm -f "$ROOT/etc/apt/sources.list"
fi
t0=$(now_ms)
pkgs=(systemd dbus openjdk-17-jre-headless nftables adduser)
if ! in_root sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${pkgs[*]}" >"$LOGS/apt.log" 2>&1; then
    tail -20 "$LOGS/apt.log" >&2
    die "apt-get install ${pkgs[*]} in the root failed"
fi
pass "installed ${pkgs[*]} (--no-install-recommends, $(( ($(now_ms) - t0) / 1000 )) s)"
cp "$deb" "$ROOT/root/letmein.deb"
if in_root dpkg -i /root/letmein.deb >"$LOGS/dpkg.log" 2>&1; then
    pass "dpkg -i $(basename "$deb")"
else
    tail -20 "$LOGS/dpkg.log" >&2
    die "dpkg -i $(basename "$deb") failed"
fi
rm -f "$ROOT/root/letmein.deb"
[ ! -e "$ROOT/etc/protocols" ] && pass "no /etc/protocols in the root" || fail "/etc/protocols exists in the root"
if in_root dpkg-query -W -f='${Status}' netbase 2>/dev/null | grep -q 'install ok installed'; then
    fail "netbase got installed (a dependency pulled it in)"
else
    pass "netbase is not installed"
fi

# ---------------------------------------------------------------------------------------------
# Network: server and client namespaces, one veth pair, private addresses only
# ---------------------------------------------------------------------------------------------
section "namespaces $NS_S (server, the container's) and $NS_C (client): $SRV4/$CLI4, $SRV6/$CLI6"
for n in "$NS_S" "$NS_C"; do
    ip netns add "$n"
    ip -n "$n" link set lo up
done
ip -n "$NS_S" link add lmsd0 type veth peer name lmsd0 netns "$NS_C"
ip -n "$NS_S" addr add "$SRV4/24" dev lmsd0
ip -n "$NS_S" addr add "$SRV6/64" dev lmsd0 nodad
ip -n "$NS_C" addr add "$CLI4/24" dev lmsd0
ip -n "$NS_C" addr add "$CLI6/64" dev lmsd0 nodad
ip -n "$NS_S" link set lmsd0 up
ip -n "$NS_C" link set lmsd0 up
pass "veth lmsd0 between the namespaces"

# A stand-in for sshd on ports 22 and 2222 in the server namespace (accepts and closes each connection).
ip netns exec "$NS_S" python3 -c '
import socket, threading
def serve(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(128)
    while True:
        c, _ = s.accept()
        c.close()
for p in (22, 2222):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
' </dev/null >"$LOGS/listener.log" 2>&1 &
LISTENER_PID=$!

tcp_open() { # HOST PORT [SECONDS]: a TCP connection from the client namespace is accepted
    ip netns exec "$NS_C" timeout "${3:-1}" bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}
for ((i = 0; i < 50; i++)); do
    ip netns exec "$NS_S" bash -c 'exec 3<>/dev/tcp/127.0.0.1/2222' 2>/dev/null && break
    sleep 0.1
done
tcp_open "$SRV4" 22 && pass "listener on port 22 reachable (no firewall yet)" || die "the listener on port 22 does not answer"

# ---------------------------------------------------------------------------------------------
# Boot
# ---------------------------------------------------------------------------------------------
cgroup_mode() {
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo "unified (cgroup v2)"
    elif [ -d /sys/fs/cgroup/unified ]; then echo "hybrid (cgroup v1 + /sys/fs/cgroup/unified)"
    else echo "legacy (cgroup v1)"; fi
}

# The container's PID 1: a descendant of systemd-nspawn (its child, or a grandchild), PID 1 in its own
# PID namespace (NSpid: HOSTPID 1), running systemd.
find_leader() { # NSPAWN_PID
    local st pid ppid gpp
    for st in /proc/[0-9]*/status; do
        awk '$1 == "NSpid:" && NF >= 3 && $NF == 1 { f = 1 } END { exit !f }' "$st" 2>/dev/null || continue
        pid=${st#/proc/}
        pid=${pid%/status}
        ppid=$(awk '$1 == "PPid:" { print $2 }' "$st" 2>/dev/null || true)
        gpp=$(awk '$1 == "PPid:" { print $2 }' "/proc/$ppid/status" 2>/dev/null || true)
        if [ "$ppid" = "$1" ] || [ "$gpp" = "$1" ]; then
            [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && { echo "$pid"; return 0; }
        fi
    done
    return 0
}

BOOTS=0
boot() { # boots the root; sets NSPAWN_PID, LEADER; prints the boot time
    local i t0 state
    BOOTS=$((BOOTS + 1))
    t0=$(now_ms)
    (in_cgroup systemd-nspawn --boot --register=no --keep-unit --machine="$MACHINE" --capability=CAP_NET_ADMIN \
        --network-namespace-path="/run/netns/$NS_S" -D "$ROOT") </dev/null >"$LOGS/boot$BOOTS.log" 2>&1 &
    NSPAWN_PID=$!
    for ((i = 0; i < 300; i++)); do
        LEADER=$(find_leader "$NSPAWN_PID")
        [ -n "$LEADER" ] && break
        kill -0 "$NSPAWN_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$LEADER" ]; then
        sed 's/\x1b\[[0-9;]*m//g' "$LOGS/boot$BOOTS.log" | tail -30 >&2
        ps -o pid,ppid,comm --forest -g "$(ps -o sid= -p $$ | tr -d ' ')" >&2 || true
        die "systemd-nspawn did not start the container's systemd (cgroup setup: $(cgroup_mode))"
    fi
    # (systemctl may not reach the manager in its first moments: ask again until it names a state)
    for ((i = 0; i < 600; i++)); do
        state=$(in_ct timeout 120 systemctl is-system-running --wait 2>/dev/null || true)
        case "$state" in running | degraded | maintenance | stopping) break ;; esac
        kill -0 "$NSPAWN_PID" 2>/dev/null || break
        sleep 0.2
    done
    BOOT_MS=$(( $(now_ms) - t0 ))
    SYSTEM_STATE=$state
}

# Runs a command inside the booted container: all its namespaces, its root, a clean environment.
in_ct() {
    nsenter -t "$LEADER" -a /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        SYSTEMD_PAGER= SYSTEMD_COLORS=0 TERM=dumb "$@"
}

check_system_state() { # WHAT
    local failed
    case "$SYSTEM_STATE" in
    running) pass "$1: systemctl is-system-running: running" ;;
    degraded)
        failed=$(in_ct systemctl --failed --plain --no-legend | awk '{ print $1 }' | tr '\n' ' ')
        if echo "$failed" | grep -q letmein; then
            fail "$1: degraded, letmein units failed: $failed"
        else
            pass "$1: degraded, no letmein unit among the failed: $failed"
            for u in $failed; do in_ct systemctl status --no-pager -n 5 "$u" 2>&1 | sed 's/^/      /'; done
        fi
        ;;
    *)
        fail "$1: systemctl is-system-running: '${SYSTEM_STATE}'"
        in_ct systemctl --failed --no-pager 2>&1 | sed 's/^/      /' >&2
        ;;
    esac
}

section "boot: systemd-nspawn --boot in $NS_S (host cgroup setup: $(cgroup_mode); kernel $(uname -r))"
boot
pass "container booted: leader PID $LEADER, systemd $(in_ct systemctl --version | awk 'NR == 1 { print $2 }'), $BOOT_MS ms to is-system-running"
note "systemd-analyze time: $(in_ct systemd-analyze time 2>/dev/null | head -1)"
check_system_state "first boot"

# ---------------------------------------------------------------------------------------------
# Configuration, units, the first knock
# ---------------------------------------------------------------------------------------------
CONF=/etc/letmein/letmeind.conf
edit_conf() { # SED-SCRIPT: applied to a copy (same owner and mode), then moved over the file
    in_ct sh -c "cp -p $CONF $CONF.new && sed -i \"\$1\" $CONF.new && mv $CONF.new $CONF" sh "$1"
}
gen_key() { # USER: the key line, made by the installed client
    local line
    line=$(in_ct letmein gen-key -u "$1")
    [[ "$line" =~ ^$1\ =\ [0-9A-Fa-f]{64}$ ]] || die "letmein gen-key -u $1 printed '$line'"
    echo "$line"
}
client_conf() { # FILE USER KEYLINE RESOURCE-LINE
    cat >"$1" <<EOF
[GENERAL]
port = 5800 / tcp, udp
control-timeout = 3.0

[CLIENT]
default-user = $2

[KEYS]
$3

[RESOURCES]
$4
EOF
    chmod 0600 "$1"
}
letmein_client() { # CONF ARGS...: the client of this tree, in the client namespace
    local c=$1
    shift
    ip netns exec "$NS_C" "$repo/bin/letmein" -c "$c" "$@"
}
lease_count() { # SET ADDRESS PORT: elements for ADDRESS . tcp . PORT in letmein's set (nft in the server namespace)
    ip netns exec "$NS_S" nft -j list set inet letmein "$1" 2>/dev/null | python3 -c '
import json, sys
addr, port = sys.argv[1], int(sys.argv[2])
n = 0
for o in json.load(sys.stdin)["nftables"]:
    for e in o.get("set", {}).get("elem", []):
        c = e.get("elem", {}).get("val", {}).get("concat", [])
        if len(c) == 3 and c[0] == addr and str(c[1]) in ("tcp", "6") and c[2] == port:
            n += 1
print(n)' "$2" "$3" 2>/dev/null || echo 0
}
protected_has() { # PORT
    # the protected ports are the anonymous set of the drop rule in letmeinfwd's chain
    ip netns exec "$NS_S" nft -j list chain inet letmein input 2>/dev/null | grep -Eq "\[(\"tcp\"|6), $1\]"
}
UNITS=(letmeind.socket letmeinfwd.socket letmeind.service letmeinfwd.service)
units_active() { # WHAT
    local u s bad=0
    for u in "${UNITS[@]}"; do
        s=$(in_ct systemctl is-active "$u" || true)
        [ "$s" = active ] || { fail "$1: $u is $s"; bad=1; }
    done
    [ "$bad" -eq 0 ] && pass "$1: all four units active (${UNITS[*]})"
    return $bad
}
journal() { # UNIT: its journal of this boot
    in_ct journalctl -b -u "$1" --no-pager -o cat 2>/dev/null
}
show_journal_on_failure() { # UNIT
    echo "      journalctl -u $1 -b (last 25 lines):" >&2
    in_ct journalctl -b -u "$1" --no-pager -n 25 2>&1 | sed 's/^/      /' >&2
}

section "letmeind.conf with a key from 'letmein gen-key -u 00000001'; the four units"
KEY1=$(gen_key 00000001)
edit_conf "/^# 00000001 = (no key installed/a $KEY1"
in_ct grep -qx "$KEY1" "$CONF" && pass "key line for 00000001 added" || fail "the key line is not in $CONF"
st=$(in_ct stat -c '%U:%G %a' "$CONF")
[ "$st" = "root:letmeind 640" ] && pass "$CONF $st" || fail "$CONF is $st, expected root:letmeind 640"
in_ct grep -q '^own-table = letmein' "$CONF" && pass "shipped mode: own-table = letmein" || fail "$CONF has no 'own-table = letmein'"
if in_ct timeout 120 systemctl enable --now "${UNITS[@]}" >"$LOGS/enable.log" 2>&1; then
    pass "systemctl enable --now ${UNITS[*]}"
else
    fail "systemctl enable --now failed: $(tail -3 "$LOGS/enable.log")"
fi
units_active "after enable --now" || { show_journal_on_failure letmeinfwd; show_journal_on_failure letmeind; }
note "letmeinfwd: $(journal letmeinfwd | grep -E 'firewall ready|lease refresh=' | tr '\n' ' ' | cut -c1-300)"
kmaj=$(uname -r | cut -d. -f1); kmin=$(uname -r | cut -d. -f2)
if [ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 10 ]; }; then
    # the refresh probe reads back what nft lists: 6 for tcp when there is no /etc/protocols
    if journal letmeinfwd | grep -q 'lease refresh=readd'; then
        pass "kernel $(uname -r): letmeinfwd's refresh probe chose readd without /etc/protocols"
    else
        fail "kernel $(uname -r) (>= 6.10) but letmeinfwd did not choose refresh=readd: $(journal letmeinfwd | grep -i 'refresh' | tr '\n' ' ')"
    fi
fi

client_conf "$CLIENT/user1.conf" 00000001 "$KEY1" "00000022 = port: 22"
section "knock from $NS_C with $repo/bin/letmein"
tcp_open "$SRV4" 22 && fail "port 22 is reachable over IPv4 before the knock" || pass "port 22 shut over IPv4 before the knock"
tcp_open "$SRV6" 22 && fail "port 22 is reachable over IPv6 before the knock" || pass "port 22 shut over IPv6 before the knock"
if out=$(letmein_client "$CLIENT/user1.conf" knock "$SRV4" 22 2>&1); then pass "letmein knock $SRV4 22"; else fail "letmein knock $SRV4 22: $out"; fi
tcp_open "$SRV4" 22 && pass "port 22 reachable over IPv4 after the knock" || fail "port 22 still shut over IPv4 after the knock"
if out=$(letmein_client "$CLIENT/user1.conf" knock "$SRV6" 22 2>&1); then pass "letmein knock $SRV6 22"; else fail "letmein knock $SRV6 22: $out"; fi
tcp_open "$SRV6" 22 && pass "port 22 reachable over IPv6 after the knock" || fail "port 22 still shut over IPv6 after the knock"
if out=$(letmein_client "$CLIENT/user1.conf" revoke "$SRV6" 22 2>&1) && ! tcp_open "$SRV6" 22; then
    pass "letmein revoke $SRV6 22: IPv6 shut again"
else
    fail "letmein revoke $SRV6 22: $out"
fi

# ---------------------------------------------------------------------------------------------
# Life cycle
# ---------------------------------------------------------------------------------------------
section "systemctl reload nftables (stock /etc/nftables.conf: flush ruleset) is repaired within $REPAIR_MAX_MS ms"
in_ct grep -qx 'flush ruleset' /etc/nftables.conf && pass "/etc/nftables.conf is Debian's stock one (flush ruleset)" \
    || fail "/etc/nftables.conf has no 'flush ruleset'"
in_ct timeout 60 systemctl enable --now nftables.service >/dev/null 2>&1 && pass "nftables.service enabled and started" \
    || fail "systemctl enable --now nftables.service failed"
# its start flushed the ruleset too: wait for that repair before measuring the reload
for ((i = 0; i < 100; i++)); do [ "$(lease_count letmein-v4 "$CLI4" 22)" -eq 1 ] && break; sleep 0.05; done
[ "$(lease_count letmein-v4 "$CLI4" 22)" -eq 1 ] && pass "lease back after nftables.service's start" || fail "lease gone after nftables.service's start"
t0=$(now_ms)
in_ct timeout 30 systemctl reload nftables.service || fail "systemctl reload nftables failed"
t_reloaded=$(now_ms)
gone=0
back=""
for ((i = 0; i < 400; i++)); do
    if ip netns exec "$NS_S" nft list table inet letmein >/dev/null 2>&1 && [ "$(lease_count letmein-v4 "$CLI4" 22)" -eq 1 ]; then
        back=$(now_ms); break
    fi
    gone=$((gone + 1))
    sleep 0.01
done
if [ -z "$back" ]; then
    fail "table inet letmein or the lease not back 4 s after systemctl reload nftables"
    show_journal_on_failure letmeinfwd
else
    ms=$((back - t0))
    note "reload command took $((t_reloaded - t0)) ms; table and lease seen missing in $gone polls after it"
    [ "$gone" -gt 0 ] || note "(the repair was done before the first poll)"
    if [ "$ms" -le "$REPAIR_MAX_MS" ]; then
        pass "table inet letmein and the lease back $ms ms after 'systemctl reload nftables' began (target <= $REPAIR_MAX_MS)"
    else
        fail "table inet letmein and the lease back only after $ms ms (target <= $REPAIR_MAX_MS)"
    fi
fi
tcp_open "$SRV4" 22 && pass "port 22 reachable after the repair" || fail "port 22 shut after the repair"
journal letmeinfwd | grep -q 'restoring it' && pass "letmeinfwd logged the repair: $(journal letmeinfwd | grep 'restoring it' | tail -1 | cut -c1-120)" \
    || fail "no repair in letmeinfwd's journal"

section "systemctl restart letmeinfwd: the lease stays open throughout"
# probe port 22 every ~50 ms until told to stop; one line per probe: ok or fail
rm -f "$WORK/poll.stop" "$WORK/poll.log"
(
    while [ ! -e "$WORK/poll.stop" ]; do
        if tcp_open "$SRV4" 22 1; then echo "ok $(now_ms)"; else echo "fail $(now_ms)"; fi
        sleep 0.05
    done
) >"$WORK/poll.log" 2>/dev/null &
POLLER_PID=$!
for ((i = 0; i < 100; i++)); do [ "$(cat "$WORK/poll.log" 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.05; done
old_pid=$(in_ct systemctl show -p MainPID --value letmeinfwd.service)
t0=$(now_ms)
in_ct timeout 120 systemctl restart letmeinfwd.service || fail "systemctl restart letmeinfwd failed"
restart_ms=$(( $(now_ms) - t0 ))
sleep 1
touch "$WORK/poll.stop"
wait "$POLLER_PID" 2>/dev/null || true
POLLER_PID=""
new_pid=$(in_ct systemctl show -p MainPID --value letmeinfwd.service)
probes=$(grep -c . "$WORK/poll.log" || true)
failed_probes=$(grep -c '^fail' "$WORK/poll.log" || true)
during=$(awk -v a="$t0" -v b="$((t0 + restart_ms))" '$2 >= a && $2 <= b' "$WORK/poll.log" | grep -c . || true)
note "restart took $restart_ms ms (MainPID $old_pid -> $new_pid); $probes probes of port 22, $during of them during the restart"
[ "$old_pid" != "$new_pid" ] && [ "$new_pid" != 0 ] && pass "letmeinfwd restarted (new MainPID $new_pid)" || fail "letmeinfwd MainPID $old_pid -> $new_pid"
if [ "$failed_probes" -eq 0 ] && [ "$during" -gt 0 ]; then
    pass "lease open throughout the restart: $failed_probes of $probes probes failed"
else
    fail "lease not open throughout the restart: $failed_probes of $probes probes failed ($during during the restart)"
fi
in_ct systemctl is-active --quiet letmeinfwd.service && pass "letmeinfwd.service active after restart" || fail "letmeinfwd.service not active after restart"
n=$(lease_count letmein-v4 "$CLI4" 22)
[ "$n" -eq 1 ] && pass "exactly one element for $CLI4 . tcp . 22 after the restart" || fail "$n elements for $CLI4 after the restart"
adopted=$(journal letmeinfwd | grep 'firewall ready' | tail -1 | grep -o 'adopted-leases=[0-9]*' || true)
[ "$adopted" = adopted-leases=1 ] && pass "the new letmeinfwd adopted the lease ($adopted)" || fail "after the restart: '$adopted', expected adopted-leases=1"
if out=$(letmein_client "$CLIENT/user1.conf" revoke "$SRV4" 22 2>&1); then pass "letmein revoke $SRV4 22"; else fail "letmein revoke $SRV4 22: $out"; fi
n=$(lease_count letmein-v4 "$CLI4" 22)
[ "$n" -eq 0 ] && pass "no element left for $CLI4 after revoke (the adopted lease was revocable)" || fail "$n elements left after revoke"
tcp_open "$SRV4" 22 && fail "port 22 reachable after revoke" || pass "port 22 shut after revoke"

section "systemctl stop letmeinfwd: letmeind and its socket stay"
in_ct timeout 60 systemctl stop letmeinfwd.service || fail "systemctl stop letmeinfwd failed"
for u in letmeind.service letmeind.socket; do
    s=$(in_ct systemctl is-active "$u" || true)
    [ "$s" = active ] && pass "$u $s with letmeinfwd.service stopped" || fail "$u is $s after stopping letmeinfwd.service"
done
s=$(in_ct systemctl is-active letmeinfwd.service || true)
[ "$s" = inactive ] && pass "letmeinfwd.service $s" || fail "letmeinfwd.service is $s after stop"
# letmeinfwd.socket has PartOf=letmeinfwd.service: it stops with the service (so nothing starts it again)
note "letmeinfwd.socket: $(in_ct systemctl is-active letmeinfwd.socket || true) (PartOf=letmeinfwd.service in conf/letmeinfwd.socket)"
ip netns exec "$NS_S" nft list table inet letmein >/dev/null 2>&1 && protected_has 22 \
    && pass "table inet letmein stays while letmeinfwd is stopped (port 22 still protected)" || fail "table inet letmein gone after stop"
tcp_open "$SRV4" 22 && fail "port 22 reachable with letmeinfwd stopped" || pass "port 22 shut with letmeinfwd stopped"
# conf/letmeind.service: "meanwhile knocks get an error"; letmeind itself must stay up
if out=$(letmein_client "$CLIENT/user1.conf" knock "$SRV4" 22 2>&1); then
    note "a knock with letmeinfwd stopped succeeded (letmeinfwd.socket started it again)"
else
    pass "a knock with letmeinfwd stopped is refused: $(echo "$out" | head -1 | cut -c1-110)..."
fi
in_ct systemctl is-active --quiet letmeind.service && pass "letmeind.service still active after that knock" \
    || fail "letmeind.service not active after a knock with letmeinfwd stopped"
t0=$(now_ms)
in_ct timeout 60 systemctl start letmeinfwd.service || fail "systemctl start letmeinfwd failed"
note "systemctl start letmeinfwd took $(( $(now_ms) - t0 )) ms"
units_active "after starting letmeinfwd again" || true
if out=$(letmein_client "$CLIENT/user1.conf" knock "$SRV4" 22 2>&1) && tcp_open "$SRV4" 22; then
    pass "knock works again: port 22 reachable (user 00000001's lease for the reload case)"
else
    fail "knock after starting letmeinfwd again: $out"
fi

section "systemctl reload letmeind letmeinfwd: a second user and resource"
KEY2=$(gen_key 00000002)
client_conf "$CLIENT/user2.conf" 00000002 "$KEY2" "00002222 = port: 2222"
tcp_open "$SRV4" 2222 && note "port 2222 reachable before the reload (not a resource yet)"
edit_conf "/^$KEY1\$/a $KEY2
/^00000022 = /a 00002222 = port: 2222 / tcp / users: 00000002 / timeout: 600"
st=$(in_ct stat -c '%U:%G %a' "$CONF")
[ "$st" = "root:letmeind 640" ] && pass "$CONF rewritten atomically, still $st" || fail "$CONF is $st after the edit"
t0=$(now_ms)
if in_ct timeout 60 systemctl reload letmeind.service letmeinfwd.service; then
    pass "systemctl reload letmeind letmeinfwd"
else
    fail "systemctl reload letmeind letmeinfwd failed"
    show_journal_on_failure letmeinfwd
    show_journal_on_failure letmeind
fi
for ((i = 0; i < 100; i++)); do protected_has 2222 && break; sleep 0.05; done
protected_has 2222 && pass "port 2222 protected $(( $(now_ms) - t0 )) ms after the reload" || fail "port 2222 not in the drop rule after the reload"
if journal letmeind | grep -q 'reload: refused' || journal letmeinfwd | grep -q 'reload: refused'; then
    fail "a daemon refused the reload: $({ journal letmeind; journal letmeinfwd; } | grep 'reload: refused')"
fi
tcp_open "$SRV4" 2222 && fail "port 2222 reachable before user 00000002's knock" || pass "port 2222 shut before user 00000002's knock"
if out=$(letmein_client "$CLIENT/user2.conf" knock "$SRV4" 2222 2>&1); then pass "user 00000002: letmein knock $SRV4 2222"; else fail "user 00000002's knock failed: $out"; fi
tcp_open "$SRV4" 2222 && pass "port 2222 reachable after user 00000002's knock" || fail "port 2222 shut after user 00000002's knock"
n=$(lease_count letmein-v4 "$CLI4" 22)
[ "$n" -eq 1 ] && tcp_open "$SRV4" 22 && pass "user 00000001's lease on port 22 still there" || fail "user 00000001's lease on port 22: $n elements"
units_active "after the reload" || true

section "systemd-analyze security (in the booted container)"
score_ok() { # UNIT MAX
    local out score
    out=$(in_ct systemd-analyze security --no-pager "$1" 2>&1 || true)
    score=$(echo "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' | tail -1)
    if [ -z "$score" ]; then
        fail "$1: no exposure level in systemd-analyze output"; echo "$out" | tail -5 | sed 's/^/      /' >&2
    elif awk -v s="$score" -v m="$2" 'BEGIN { exit !(s <= m) }'; then
        pass "$1 exposure $score (target <= $2)"
    else
        fail "$1 exposure $score exceeds $2"
    fi
    echo "$out" | grep '✗' | awk '$NF > 0' | sed 's/  */ /g; s/^/      /'
}
score_ok letmeind.service "$LETMEIND_MAX"
score_ok letmeinfwd.service "$LETMEINFWD_MAX"

section "reboot with the units enabled (no netbase): every unit active at boot"
t0=$(now_ms)
stop_container
note "power-off took $(( $(now_ms) - t0 )) ms"
boot
pass "second boot: $BOOT_MS ms to is-system-running"
check_system_state "second boot"
units_active "second boot" || { show_journal_on_failure letmeinfwd; show_journal_on_failure letmeind; }
# The power-off stopped nftables.service, whose ExecStop= flushes the ruleset, as on any host: the new
# letmeinfwd starts with no lease and both configured ports protected.
adopted=$(journal letmeinfwd | grep 'firewall ready' | tail -1 | grep -o 'adopted-leases=[0-9]*' || true)
[ "$adopted" = adopted-leases=0 ] && pass "letmeinfwd at boot: $adopted (the power-off flushed the ruleset)" || note "letmeinfwd at boot: '$adopted'"
protected_has 22 && protected_has 2222 && pass "ports 22 and 2222 protected at boot" || fail "drop rule at boot: $(ip netns exec "$NS_S" nft list chain inet letmein input 2>&1 | tr '\n' ' ')"
tcp_open "$SRV4" 22 && fail "port 22 reachable after the reboot without a knock" || pass "port 22 shut after the reboot"
if out=$(letmein_client "$CLIENT/user1.conf" knock "$SRV4" 22 2>&1) && tcp_open "$SRV4" 22; then
    pass "knock after the reboot opens port 22"
else
    fail "knock after the reboot: $out"
fi
if out=$(letmein_client "$CLIENT/user1.conf" revoke "$SRV4" 22 2>&1) && ! tcp_open "$SRV4" 22; then
    pass "revoke after the reboot closes port 22"
else
    fail "revoke after the reboot: $out"
fi
for u in letmeinfwd letmeind; do
    errs=$(in_ct journalctl -b -u "$u" -p err --no-pager -o cat 2>/dev/null || true)
    [ -z "$errs" ] && pass "no error in journalctl -u $u -b" || fail "$u logged errors: $(echo "$errs" | head -3)"
done

echo
total=$(( ($(now_ms) - t_start) / 1000 ))
if [ "$failures" -gt 0 ]; then
    echo "systemd-check.sh: $failures check(s) FAILED (${total} s before clean-up)" >&2
    exit 1
fi
echo "systemd-check.sh: all checks passed (${total} s before clean-up)"
