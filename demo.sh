#!/usr/bin/env bash
# letmein in action, on one machine: a server, a client and a third host, each in its own network
# namespace (private addresses only), with real nftables, a real OpenSSH server and the real letmein
# daemons. Shows ssh refused, the knock, ssh through "letmein connect", the third host still refused,
# the revoke, and ssh refused again; then removes everything it set up.
#
# Run as root on Debian/Ubuntu: ./demo.sh   (installs nftables, iproute2 and OpenSSH when missing,
# builds the project when it is not built yet). The lab itself is letmein-e2e/lab.sh, the same one the
# end-to-end tests use.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
REPO=$(pwd)
LAB="$REPO/letmein-e2e/lab.sh"
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

if [ -t 1 ]; then B=$'\e[1m'; G=$'\e[32m'; R=$'\e[31m'; D=$'\e[2m'; N=$'\e[0m'; else B=; G=; R=; D=; N=; fi
say() { printf '%s\n' "$*"; }
step() { printf '\n%s%s%s\n' "$B" "$*" "$N"; }
cmd() { printf '  %s$ %s%s\n' "$D" "$*" "$N"; }
good() { printf '  %s-> %s%s\n' "$G" "$*" "$N"; }
bad() { printf '  %s-> %s%s\n' "$R" "$*" "$N"; }
fail() { printf '%sdemo.sh: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root: it creates network namespaces, an nftables ruleset and an sshd (try: sudo ./demo.sh)"

# --- packages -------------------------------------------------------------------------------------
need_jars() {
    [ -f letmein-client/target/letmein-client.jar ] && [ -f letmeind/target/letmeind.jar ] \
        && [ -f letmeinfwd/target/letmeinfwd.jar ]
}
missing=()
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ip >/dev/null 2>&1 && command -v ss >/dev/null 2>&1 || missing+=(iproute2)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v setpriv >/dev/null 2>&1 && command -v setsid >/dev/null 2>&1 || missing+=(util-linux)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
if ! need_jars; then
    command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
fi
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || fail "missing: ${missing[*]} (no apt-get here: install them by hand)"
    say "Installing ${missing[*]} ..."
    # The demo needs the sshd program, not a host-wide ssh service: keep package scripts from
    # starting services while we install (only if the admin has no policy-rc.d of their own).
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        own_policy=yes
    fi
    rc=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
        >/tmp/letmein-demo-apt.log 2>&1 || rc=$?
    [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
    [ $rc -eq 0 ] || { tail -n 20 /tmp/letmein-demo-apt.log >&2; fail "package installation failed (log: /tmp/letmein-demo-apt.log)"; }
fi

# --- build ----------------------------------------------------------------------------------------
if ! need_jars; then
    say "Building letmein (first run only; a minute or two) ..."
    mvn -B -q package -DskipTests >/tmp/letmein-demo-build.log 2>&1 \
        || { tail -n 30 /tmp/letmein-demo-build.log >&2; fail "build failed (log: /tmp/letmein-demo-build.log)"; }
fi

# --- the lab --------------------------------------------------------------------------------------
PREFIX="lme-$(od -An -tx1 -N2 /dev/urandom | tr -d ' \n')"
DIR=""
cleanup() {
    local rc=$?
    # no second interrupt may cut the cleanup short (lab.sh inherits the ignored signals)
    trap '' INT TERM
    trap - EXIT
    if [ $rc -eq 130 ] || [ $rc -eq 143 ]; then
        say ""
        say "Interrupted."
    elif [ $rc -ne 0 ] && [ -n "$DIR" ] && [ -d "$DIR/logs" ]; then
        say ""
        local keep
        keep=$(mktemp -d /tmp/letmein-demo-logs.XXXXXX) && cp "$DIR"/logs/*.log "$keep/" 2>/dev/null || keep=""
        say "Something went wrong; the last lines of the logs${keep:+ (kept in $keep)}:"
        for f in fwd letmeind sshd; do
            [ -f "$DIR/logs/$f.log" ] && { say "--- $f"; grep -v '^DEBUG' "$DIR/logs/$f.log" | tail -n 8; }
        done
    fi
    say ""
    say "Cleaning up: stopping the daemons and sshd, deleting the namespaces ..."
    LAB_QUIET=1 "$LAB" down "$PREFIX" || true
    say "Done."
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_ns() { local host=$1; shift; ip netns exec "$PREFIX-$host" "$@"; }

say "${B}letmein demo${N}: three hosts, each in its own network namespace on a private bridge:"
say "  server  10.231.1.1  fd5e:1a8:1::1   names: server.lab (IPv4+IPv6), server4.lab, server6.lab"
say "  client  10.231.1.2  fd5e:1a8:1::2   has the key of user 00000001"
say "  other   10.231.1.3  fd5e:1a8:1::3   a third host, no key"
say "The server runs nftables (inbound default drop), OpenSSH on port 22, letmeinfwd as root"
say "and letmeind as the unprivileged user letmeind."
step "Setting up the lab ..."
start=$(date +%s)
DIR=$(LAB_QUIET=1 "$LAB" up "$PREFIX" --owner $$) || fail "the lab did not come up (see the messages above)"
say "  ready in $(( $(date +%s) - start )) s (configuration and logs: $DIR)"

CONF="$DIR/client/letmein.conf"
KEY="$DIR/client/id_ed25519"
LETMEIN="$REPO/bin/letmein"
SSH_OPTS=(-F /dev/null -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$KEY")
REMOTE='set -- $SSH_CONNECTION; echo "logged in on the server as $(id -un) (from $1 to $3 port $4)"'

try_ssh() { # HOST NAME [extra ssh options...] -> prints the outcome, returns ssh's status
    local host=$1 name=$2 out rc=0
    shift 2
    out=$(in_ns "$host" ssh "${SSH_OPTS[@]}" "$@" "lmetest@$name" "$REMOTE" 2>&1) || rc=$?
    if [ $rc -eq 0 ]; then
        good "$(printf '%s' "$out" | tail -n 1)"
    else
        bad "refused: $(printf '%s' "$out" | tail -n 1)"
    fi
    return $rc
}

show_firewall() {
    local sets
    sets=$(in_ns server nft list ruleset 2>/dev/null | grep -E 'elements = ' | sed 's/^[[:space:]]*/     /') || true
    if [ -n "$sets" ]; then say "  firewall leases now:"; say "$sets"; else say "  firewall leases now: none"; fi
}

step "1. The client tries ssh to the server before knocking"
cmd "ssh lmetest@server.lab"
if try_ssh client server.lab; then fail "ssh got in without a knock - the firewall is not shut"; fi
say "  (the firewall lets nothing in but letmein's control port 5800)"

step "2. The client knocks"
cmd "letmein knock server.lab 22"
out=$(in_ns client "$LETMEIN" -c "$CONF" knock server.lab 22 2>&1) || { say "$out"; fail "the knock failed"; }
good "accepted: the server opened port 22 for the client's own addresses, IPv4 and IPv6"
show_firewall

step "3. ssh through letmein (ProxyCommand: knock, then relay the connection)"
cmd "ssh -o ProxyCommand='letmein connect %h %p' lmetest@server.lab"
try_ssh client server.lab -o "ProxyCommand=$LETMEIN -c $CONF connect %h %p" || fail "ssh through letmein connect failed"

step "4. The third host tries ssh, while the port is open for the client"
cmd "ssh lmetest@server.lab   (from other)"
if try_ssh other server.lab; then fail "the third host got in - the lease is not limited to the client"; fi
say "  (a lease is only for the address that knocked)"

step "5. The client revokes its lease"
cmd "letmein revoke server.lab 22"
out=$(in_ns client "$LETMEIN" -c "$CONF" revoke server.lab 22 2>&1) || { say "$out"; fail "the revoke failed"; }
good "revoked"
show_firewall

step "6. The client tries ssh again"
cmd "ssh lmetest@server.lab"
if try_ssh client server.lab; then fail "ssh still got in after the revoke"; fi

step "That is letmein: nothing reachable until a valid knock, and then only for the knocking host."
