#!/usr/bin/env bash
# The letmein network-namespace lab: three hosts (server, client, other) joined by a bridge, with the
# real nftables ruleset (conf/nftables.conf), a real OpenSSH server and the real letmeinfwd/letmeind
# started through bin/ in the server. One implementation, used by the JUnit end-to-end tests
# (letmein-e2e, *IT.java) and by ./demo.sh.
#
# Usage (as root):
#   lab.sh up PREFIX [--owner PID]   build the lab; PREFIX e.g. lme-3fa9 (namespaces PREFIX-server,
#                                    PREFIX-client, PREFIX-other); --owner: the process whose death
#                                    makes this lab stale (default: the caller of lab.sh)
#   lab.sh down PREFIX               kill what the lab started (by PID), delete namespaces and files
#   lab.sh clean-stale               tear down labs whose owner process is gone (a killed earlier run)
#   lab.sh start|stop|kill9 fwd|letmeind|sshd PREFIX
#   lab.sh dir PREFIX                print the lab's directory
#   lab.sh exec PREFIX HOST CMD...   run CMD in PREFIX-HOST (HOST = server|client|other)
#
# Addresses (identical in every lab; namespaces isolate them): server 10.231.1.1 / fd5e:1a8:1::1,
# client .2 / ::2, other .3 / ::3, all on 10.231.1.0/24 and fd5e:1a8:1::/64. Names (hosts file of every
# namespace): server.lab (A+AAAA), server4.lab (A only), server6.lab (AAAA only).
#
# Files live in $LAB_ROOT/PREFIX (default /run/letmein-lab/PREFIX; root-owned, so no /tmp races):
# Extra daemon options (benchmarks, e.g. letmein-bench/load.sh): LAB_FWD_ARGS and LAB_LETMEIND_ARGS, split on
# white space and appended to letmeinfwd's / letmeind's command line (e.g. LAB_FWD_ARGS="-n 64"). Unset: none.
#
#   letmeind.conf (root:letmeind 0640), run/ (daemons' --rundir), client/letmein.conf, client/id_ed25519,
#   ssh/ (sshd config, host key, authorized_keys), keys.env, pids/*.pid, logs/*.log.
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

LAB_ROOT=${LAB_ROOT:-/run/letmein-lab}
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
HOSTS=(server client other)
NET4=10.231.1
NET6=fd5e:1a8:1
CONTROL_PORT=5800
SSH_PORTS=(22 2200)
TEST_USER=lmetest
NFT_CONF=${LAB_NFTABLES_CONF:-$REPO/conf/nftables.conf}

# LAB_OWN_TABLE=NAME: letmeinfwd in its own table (letmeind.conf [NFTABLES] own-table = NAME) instead
# of upstream's mode in conf/nftables.conf's chains; with LAB_NFTABLES_CONF naming the host's ruleset.
LAB_OWN_TABLE=${LAB_OWN_TABLE:-}

die() { echo "lab.sh: $*" >&2; exit 1; }

# The [NFTABLES] lines that place letmeinfwd's rules (see LAB_OWN_TABLE).
firewall_mode() {
    if [ -n "$LAB_OWN_TABLE" ]; then
        printf 'own-table = %s\n' "$LAB_OWN_TABLE"
    else
        printf 'family = inet\ntable = filter\nchain-input = LETMEIN-INPUT\nchain-forward = LETMEIN-FORWARD\nchain-output = LETMEIN-OUTPUT\n'
    fi
}
say() { [ -n "${LAB_QUIET:-}" ] || echo "lab.sh: $*" >&2; }

check_prefix() {
    [[ "${1:-}" =~ ^[a-z][a-z0-9-]{0,11}$ ]] \
        || die "invalid prefix '${1:-}' (1-12 chars of a-z, 0-9, '-', starting with a letter)"
}

need_root_and_tools() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, nftables, sshd)"
    local missing=() t
    for t in ip nft sshd ssh ssh-keygen setpriv setsid ss java timeout; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (Debian: apt-get install iproute2 nftables openssh-server openssh-client util-linux)"
}

ns() { echo "$1-$2"; }

need_lab() { # PREFIX
    [ -d "$LAB_ROOT/$1/pids" ] || die "no lab $1 (lab.sh up $1 first)"
}
labdir() { echo "$LAB_ROOT/$1"; }

# Start time of a process (field 22 of /proc/PID/stat), so a recycled PID is never mistaken for ours.
starttime() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    set -- $stat
    echo "${20}"
}

alive() { # alive PID STARTTIME
    [ -n "$1" ] && [ "$(starttime "$1" 2>/dev/null || true)" = "$2" ]
}

pidfile() { echo "$(labdir "$1")/pids/$2.pid"; }

# Terminates one recorded process: TERM, wait up to $3 seconds, then KILL.
stop_recorded() { # PREFIX NAME GRACE_SECONDS SIGNAL
    local f pid st i
    f=$(pidfile "$1" "$2")
    [ -f "$f" ] || return 0
    read -r pid st <"$f" || true
    if alive "$pid" "$st"; then
        kill "-$4" "$pid" 2>/dev/null || true
        for ((i = 0; i < $3 * 10; i++)); do
            alive "$pid" "$st" || break
            sleep 0.1
        done
        if alive "$pid" "$st"; then
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 50; i++)); do alive "$pid" "$st" || break; sleep 0.1; done
        fi
    fi
    rm -f "$f"
}

# Runs CMD in the background, detached from the caller's session and terminal, output to a log file,
# and records its PID (+ start time).
spawn() { # PREFIX NAME CMD...
    local p=$1 name=$2 d pid
    shift 2
    d=$(labdir "$p")
    setsid "$@" </dev/null >>"$d/logs/$name.log" 2>&1 &
    pid=$!
    local st=""
    for _ in 1 2 3 4 5 6 7 8 9 10; do st=$(starttime "$pid" 2>/dev/null) && break; sleep 0.05; done
    echo "$pid $st" >"$(pidfile "$p" "$name")"
}

recorded_pid() { # PREFIX NAME
    local pid st
    read -r pid st <"$(pidfile "$1" "$2")" && echo "$pid"
}

# The daemons' own pid files hold the PID we started: ip netns exec, setpriv and the bin/ launchers
# all exec, so the JVM keeps the PID of the spawned process.
daemon_pidfile_is() { # FILE PID
    [ "$(cat "$1" 2>/dev/null)" = "$2" ]
}

wait_for() { # SECONDS DESCRIPTION NAME-OF-PROCESS-THAT-MUST-STAY-ALIVE PREFIX CMD...
    local secs=$1 what=$2 name=$3 p=$4 i pid st
    shift 4
    for ((i = 0; i < secs * 10; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        if [ -n "$name" ]; then
            read -r pid st <"$(pidfile "$p" "$name")" || true
            if ! alive "$pid" "$st"; then
                echo "lab.sh: $name exited while waiting for: $what; last log lines:" >&2
                tail -n 30 "$(labdir "$p")/logs/$name.log" >&2 || true
                return 1
            fi
        fi
        sleep 0.1
    done
    echo "lab.sh: timed out after ${secs}s waiting for: $what" >&2
    [ -z "$name" ] || tail -n 30 "$(labdir "$p")/logs/$name.log" >&2 || true
    return 1
}

# A free numeric id (same number for uid and gid) for a lab-only account.
free_id() {
    local id=$1
    while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null \
        || grep -q "^[^:]*:[^:]*:$id:" "$2/passwd" "$2/group" 2>/dev/null; do
        id=$((id + 1))
    done
    echo "$id"
}

tcp_probe() { # NS HOST PORT: succeeds iff a TCP connection is accepted within 1 s
    ip netns exec "$1" timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------------
write_etc() { # PREFIX: per-namespace /etc files (ip netns exec bind-mounts /etc/netns/NS/* on /etc/*)
    local p=$1 h d ed
    d=$(labdir "$p")
    for h in "${HOSTS[@]}"; do
        ed=/etc/netns/$(ns "$p" "$h")
        mkdir -p "$ed"
        cat >"$ed/hosts" <<EOF
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
$NET4.1	server.lab server4.lab
$NET6::1	server.lab server6.lab
$NET4.2	client.lab
$NET6::2	client.lab
$NET4.3	other.lab
$NET6::3	other.lab
EOF
        # Never ask a real name server: any lookup the hosts file cannot answer fails locally at once.
        printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$ed/resolv.conf"
    done
    # Server: accounts for letmeind (unless the host has one, e.g. from the Debian package) and for
    # the ssh test user, visible only inside the server namespace.
    ed=/etc/netns/$(ns "$p" server)
    getent passwd >"$ed/passwd"
    getent group >"$ed/group"
    local duid dgid tuid
    if getent passwd letmeind >/dev/null && getent group letmeind >/dev/null; then
        duid=$(getent passwd letmeind | cut -d: -f3)
        dgid=$(getent group letmeind | cut -d: -f3)
    else
        grep -v '^letmeind:' "$ed/passwd" >"$ed/passwd.new" || true; mv "$ed/passwd.new" "$ed/passwd"
        grep -v '^letmeind:' "$ed/group" >"$ed/group.new" || true; mv "$ed/group.new" "$ed/group"
        duid=$(free_id 64200 "$ed")
        dgid=$duid
        echo "letmeind:x:$duid:$dgid:letmein daemon (lab):/nonexistent:/usr/sbin/nologin" >>"$ed/passwd"
        echo "letmeind:x:$dgid:" >>"$ed/group"
    fi
    grep -v "^$TEST_USER:" "$ed/passwd" >"$ed/passwd.new" || true; mv "$ed/passwd.new" "$ed/passwd"
    grep -v "^$TEST_USER:" "$ed/group" >"$ed/group.new" || true; mv "$ed/group.new" "$ed/group"
    tuid=$(free_id 64300 "$ed")
    echo "$TEST_USER:x:$tuid:$tuid:letmein lab ssh user:$d/home:/bin/sh" >>"$ed/passwd"
    echo "$TEST_USER:x:$tuid:" >>"$ed/group"
    chmod 0644 "$ed/passwd" "$ed/group"
    cat >"$d/ids.env" <<EOF
LETMEIND_UID=$duid
LETMEIND_GID=$dgid
TEST_UID=$tuid
EOF
}

make_net() { # PREFIX
    local p=$1 s c o h
    s=$(ns "$p" server); c=$(ns "$p" client); o=$(ns "$p" other)
    for h in "$s" "$c" "$o"; do
        ip netns add "$h"
        ip netns exec "$h" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
        ip -n "$h" link set lo up
    done
    ip -n "$s" link add br0 type bridge mcast_snooping 0
    ip -n "$s" link add vcli type veth peer name eth0 netns "$c"
    ip -n "$s" link add voth type veth peer name eth0 netns "$o"
    ip -n "$s" link set vcli master br0
    ip -n "$s" link set voth master br0
    ip -n "$s" addr add "$NET4.1/24" dev br0
    ip -n "$s" addr add "$NET6::1/64" dev br0 nodad
    ip -n "$s" link set br0 up
    ip -n "$s" link set vcli up
    ip -n "$s" link set voth up
    local n=2
    for h in "$c" "$o"; do
        ip -n "$h" addr add "$NET4.$n/24" dev eth0
        ip -n "$h" addr add "$NET6::$n/64" dev eth0 nodad
        ip -n "$h" link set eth0 up
        ip -n "$h" route add default via "$NET4.1"
        ip -n "$h" -6 route add default via "$NET6::1"
        n=$((n + 1))
    done
}

gen_key() { # USER -> prints the 64 hex digits, generated by the real client
    local line
    line=$("$REPO/bin/letmein" gen-key -u "$1") || die "bin/letmein gen-key failed (is the project built?)"
    [[ "$line" =~ ^$1\ =\ ([0-9A-F]{64})$ ]] || die "unexpected gen-key output: $line"
    echo "${BASH_REMATCH[1]}"
}

write_configs() { # PREFIX
    local p=$1 d k1 k2 nft_exe
    d=$(labdir "$p")
    # shellcheck disable=SC1091
    . "$d/ids.env"
    k1=$(gen_key 00000001)
    k2=$(gen_key 00000002)
    nft_exe=$(command -v nft)
    cat >"$d/keys.env" <<EOF
KEY1=$k1
KEY2=$k2
EOF
    chmod 0600 "$d/keys.env"
    # Port 22: the ssh service, user 1 only, 10-minute leases. Port 2200 (sshd listens there too):
    # 3-second leases, for expiry tests. User 2 has a key but may open only port 2200.
    cat >"$d/letmeind.conf" <<EOF
# letmein lab server configuration (generated by lab.sh)
[GENERAL]
debug = true
port = $CONTROL_PORT / tcp, udp
control-timeout = 3.0
control-error-policy = basic-auth

[KEYS]
00000001 = $k1
00000002 = $k2

[RESOURCES]
00000022 = port: 22 / users: 00000001
00002200 = port: 2200 / users: 00000001, 00000002 / timeout: 3

[NFTABLES]
exe = $nft_exe
$(firewall_mode)
timeout = 600
EOF
    chown "0:$LETMEIND_GID" "$d/letmeind.conf"
    chmod 0640 "$d/letmeind.conf"
    mkdir -p "$d/client"
    chmod 0700 "$d/client"
    cat >"$d/client/letmein.conf" <<EOF
# letmein lab client configuration (generated by lab.sh)
[GENERAL]
port = $CONTROL_PORT / tcp, udp
control-timeout = 3.0

[CLIENT]
default-user = 00000001

[KEYS]
00000001 = $k1

[RESOURCES]
00000022 = port: 22
00002200 = port: 2200
EOF
    chmod 0600 "$d/client/letmein.conf"
    # Run directory: letmeinfwd creates run/letmeinfwd itself; letmeind (unprivileged) gets its own.
    mkdir -p "$d/run/letmeind"
    chmod 0755 "$d/run"
    chown "$LETMEIND_UID:$LETMEIND_GID" "$d/run/letmeind"
    chmod 0750 "$d/run/letmeind"
}

write_ssh() { # PREFIX
    local p=$1 d
    d=$(labdir "$p")
    # shellcheck disable=SC1091
    . "$d/ids.env"
    mkdir -p "$d/ssh" "$d/home"
    chmod 0755 "$d/ssh"
    chown "$TEST_UID:$TEST_UID" "$d/home"
    ssh-keygen -q -t ed25519 -N '' -C "lab-host-$p" -f "$d/ssh/host_ed25519"
    ssh-keygen -q -t ed25519 -N '' -C "lab-user-$p" -f "$d/client/id_ed25519"
    cp "$d/client/id_ed25519.pub" "$d/ssh/authorized_keys"
    chmod 0644 "$d/ssh/authorized_keys"
    {
        for port in "${SSH_PORTS[@]}"; do echo "Port $port"; done
        cat <<EOF
ListenAddress 0.0.0.0
ListenAddress ::
HostKey $d/ssh/host_ed25519
PidFile none
AuthorizedKeysFile $d/ssh/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $TEST_USER
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
UseDNS no
LogLevel VERBOSE
EOF
    } >"$d/ssh/sshd_config"
    # Privilege-separation directory of Debian's sshd (normally made by systemd-tmpfiles).
    [ -d /run/sshd ] || install -d -m 0755 /run/sshd
    /usr/sbin/sshd -t -f "$d/ssh/sshd_config" || die "sshd rejected the lab configuration"
}

# Where letmeind runs from: the repository's launcher and jar, or - when the unprivileged account
# cannot read the repository (e.g. a checkout under /root) - a copy of both in the lab directory.
letmeind_launcher() { # PREFIX
    local p=$1 d
    d=$(labdir "$p")
    # shellcheck disable=SC1091
    . "$d/ids.env"
    if setpriv --reuid="$LETMEIND_UID" --regid="$LETMEIND_GID" --clear-groups \
        test -r "$REPO/letmeind/target/letmeind.jar" -a -r "$REPO/bin/letmeind" -a -r "$REPO/bin/launcher.sh"; then
        echo "$REPO/bin/letmeind"
    else
        mkdir -p "$d/app/bin" "$d/app/lib"
        cp "$REPO/bin/letmeind" "$REPO/bin/launcher.sh" "$d/app/bin/"
        cp "$REPO/letmeind/target/letmeind.jar" "$d/app/lib/"
        chmod -R a+rX "$d/app"
        echo "$d/app/bin/letmeind"
    fi
}

start_one() { # PREFIX NAME
    local p=$1 name=$2 d s
    d=$(labdir "$p")
    s=$(ns "$p" server)
    # shellcheck disable=SC1091
    . "$d/ids.env"
    case "$name" in
    sshd)
        spawn "$p" sshd ip netns exec "$s" /usr/sbin/sshd -D -e -f "$d/ssh/sshd_config"
        wait_for 20 "sshd listening on port 22" sshd "$p" \
            bash -c "ip netns exec '$s' ss -Hltn 'sport = :22' | grep -q LISTEN"
        ;;
    fwd)
        [ -f "$REPO/letmeinfwd/target/letmeinfwd.jar" ] || die "letmeinfwd is not built (mvn -B package -DskipTests)"
        echo "=== start $(date -u +%FT%TZ)" >>"$d/logs/fwd.log"
        spawn "$p" fwd ip netns exec "$s" "$REPO/bin/letmeinfwd" --no-systemd --rundir "$d/run" \
            -c "$d/letmeind.conf" --letmeind-user letmeind --letmeind-group letmeind ${LAB_FWD_ARGS:-}
        # letmeinfwd writes its pid file once its firewall setup is done and its socket listens;
        # a file left by a killed instance does not count
        wait_for 60 "letmeinfwd ready (its pid file)" fwd "$p" \
            daemon_pidfile_is "$d/run/letmeinfwd/letmeinfwd.pid" "$(recorded_pid "$p" fwd)"
        test -S "$d/run/letmeinfwd/letmeinfwd.sock" || die "letmeinfwd runs but its socket is missing"
        ;;
    letmeind)
        [ -f "$REPO/letmeind/target/letmeind.jar" ] || die "letmeind is not built (mvn -B package -DskipTests)"
        local launcher
        launcher=$(letmeind_launcher "$p")
        rm -f "$d/run/letmeind/letmeind.pid"
        echo "=== start $(date -u +%FT%TZ)" >>"$d/logs/letmeind.log"
        spawn "$p" letmeind ip netns exec "$s" setpriv --reuid="$LETMEIND_UID" --regid="$LETMEIND_GID" \
            --clear-groups --no-new-privs "$launcher" --no-systemd --rundir "$d/run" -c "$d/letmeind.conf" \
            ${LAB_LETMEIND_ARGS:-}
        wait_for 60 "letmeind ready (its pid file)" letmeind "$p" \
            daemon_pidfile_is "$d/run/letmeind/letmeind.pid" "$(recorded_pid "$p" letmeind)"
        ;;
    *) die "unknown process '$name' (fwd, letmeind, sshd)" ;;
    esac
}

# The lab is ready when the client reaches letmeind's TCP control port through the firewall (the
# control-port rule is letmeinfwd's, the listener letmeind's).
wait_ready() { # PREFIX
    local p=$1
    wait_for 60 "control port $CONTROL_PORT/tcp reachable from the client" letmeind "$p" \
        tcp_probe "$(ns "$p" client)" "$NET4.1" "$CONTROL_PORT"
    wait_for 30 "control port $CONTROL_PORT/tcp reachable from the client over IPv6" letmeind "$p" \
        tcp_probe "$(ns "$p" client)" "$NET6::1" "$CONTROL_PORT"
}

# ---------------------------------------------------------------------------------------------------
cmd_down() { # PREFIX
    local p=$1 d h n pid
    d=$(labdir "$p")
    if [ -d "$d/pids" ]; then
        # letmeind first (it talks to letmeinfwd), then letmeinfwd (removes its jump leases), then sshd.
        for n in letmeind fwd sshd; do stop_recorded "$p" "$n" 10 TERM; done
        for f in "$d"/pids/*.pid; do
            [ -e "$f" ] || continue
            n=$(basename "$f" .pid)
            stop_recorded "$p" "$n" 3 TERM
        done
    fi
    for h in "${HOSTS[@]}"; do
        n=$(ns "$p" "$h")
        if ip netns list | awk '{print $1}' | grep -qx "$n"; then
            # Anything still running inside our namespace (ssh sessions, nft, probes) is ours.
            for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
            ip netns del "$n" 2>/dev/null || true
        fi
        rm -rf "/etc/netns/$n"
    done
    rm -rf "$d"
}

cmd_clean_stale() {
    local d p pid st n
    if [ -d "$LAB_ROOT" ]; then
        for d in "$LAB_ROOT"/*/; do
            [ -d "$d" ] || continue
            p=$(basename "$d")
            pid=""; st=""
            [ -f "$d/owner" ] && read -r pid st <"$d/owner"
            if ! alive "$pid" "$st"; then
                say "removing stale lab $p (owner process ${pid:-?} is gone)"
                cmd_down "$p"
            fi
        done
    fi
    # Namespaces of a lab whose directory is gone (killed between steps): only our naming scheme.
    for n in $(ip netns list | awk '{print $1}' | grep -E '^lme-[a-z0-9-]*-(server|client|other)$' || true); do
        p=${n%-*}
        if [ ! -d "$LAB_ROOT/$p" ]; then
            say "removing stale namespace $n"
            for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
            ip netns del "$n" 2>/dev/null || true
            rm -rf "/etc/netns/$n"
        fi
    done
}

UP_PREFIX=""
on_up_exit() {
    local rc=$?
    if [ -n "$UP_PREFIX" ]; then
        echo "lab.sh: setting up lab $UP_PREFIX failed; tearing it down" >&2
        cmd_down "$UP_PREFIX" || true
        exit 1
    fi
    exit $rc
}

cmd_up() { # PREFIX OWNER_PID
    local p=$1 owner=$2 d h
    d=$(labdir "$p")
    cmd_clean_stale
    [ ! -e "$d" ] || die "lab $p already exists ($d); run: lab.sh down $p"
    for h in "${HOSTS[@]}"; do
        ! ip netns list | awk '{print $1}' | grep -qx "$(ns "$p" "$h")" || die "namespace $(ns "$p" "$h") already exists"
    done
    [ -f "$NFT_CONF" ] || die "missing $NFT_CONF (the server's ruleset)"
    [ -f "$REPO/letmein-client/target/letmein-client.jar" ] || die "letmein client is not built (mvn -B package -DskipTests)"
    # Register first, so that a run killed at any later step is recognised as stale next time.
    install -d -m 0755 "$LAB_ROOT"
    install -d -m 0755 "$d"
    mkdir -p "$d/pids" "$d/logs"
    echo "$owner $(starttime "$owner")" >"$d/owner"
    UP_PREFIX=$p
    trap on_up_exit EXIT
    say "namespaces $p-{server,client,other}, bridge, $NET4.0/24 and $NET6::/64"
    write_etc "$p"
    make_net "$p"
    say "server firewall: $NFT_CONF"
    ip netns exec "$(ns "$p" server)" nft -f "$NFT_CONF"
    say "keys and configuration (letmein gen-key)"
    write_configs "$p"
    write_ssh "$p"
    say "sshd on ports ${SSH_PORTS[*]}"
    start_one "$p" sshd
    say "letmeinfwd (root)"
    start_one "$p" fwd
    say "letmeind (uid letmeind, via setpriv)"
    start_one "$p" letmeind
    wait_ready "$p"
    UP_PREFIX=""
    say "lab $p is up ($d)"
    echo "$d"
}

main() {
    local cmd=${1:-}
    [ $# -gt 0 ] && shift
    case "$cmd" in
    up)
        check_prefix "${1:-}"
        need_root_and_tools
        local owner=$PPID
        if [ "${2:-}" = "--owner" ]; then owner=${3:?--owner needs a PID}; fi
        [[ "$owner" =~ ^[0-9]+$ ]] || die "--owner needs a numeric PID"
        cmd_up "$1" "$owner"
        ;;
    down)
        check_prefix "${1:-}"
        [ "$(id -u)" -eq 0 ] || die "must run as root"
        cmd_down "$1"
        ;;
    clean-stale)
        [ "$(id -u)" -eq 0 ] || die "must run as root"
        cmd_clean_stale
        ;;
    start)
        check_prefix "${2:-}"
        need_lab "$2"
        need_root_and_tools
        start_one "$2" "${1:?}"
        if [ "$1" != sshd ]; then
            local d
            d=$(labdir "$2")
            # Ready once both daemons run (the other one may be down on purpose).
            if [ -f "$(pidfile "$2" fwd)" ] && [ -f "$(pidfile "$2" letmeind)" ]; then wait_ready "$2"; fi
        fi
        ;;
    stop)
        check_prefix "${2:-}"
        need_lab "$2"
        case "${1:-}" in fwd | letmeind | sshd) ;; *) die "unknown process '${1:-}'" ;; esac
        stop_recorded "$2" "$1" 10 TERM
        ;;
    kill9)
        check_prefix "${2:-}"
        need_lab "$2"
        case "${1:-}" in fwd | letmeind | sshd) ;; *) die "unknown process '${1:-}'" ;; esac
        stop_recorded "$2" "$1" 5 KILL
        ;;
    dir)
        check_prefix "${1:-}"
        labdir "$1"
        ;;
    exec)
        check_prefix "${1:-}"
        case "${2:-}" in server | client | other) ;; *) die "unknown host '${2:-}' (server, client, other)" ;; esac
        local n
        n=$(ns "$1" "$2")
        shift 2
        exec ip netns exec "$n" "$@"
        ;;
    *)
        sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
    esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
