#!/usr/bin/env bash
# Checks the Debian package and the systemd units (called by .ci/run after the tests; run as root on
# Debian 12). Assumes `mvn -B verify` (or package) already ran; builds the package if it is missing.
#
#  1. static: `dpkg-deb --info/--contents`: every path, mode, owner, symlink target, conffile, Depends;
#  2. lintian: no error and no warning (each accepted tag is explained in the package's override file,
#     letmein-package/src/deb/lintian/letmein);
#  3. systemd: `systemd-analyze security --offline=yes` exposure <= 1.5 (letmeind) / <= 2.0
#     (letmeinfwd) and `systemd-analyze verify` of all four units, on the installed files;
#  4. install / reinstall (upgrade path) / remove / purge with the real dpkg and the real maintainer
#     scripts in a throwaway root: an overlayfs whose lower layer is this machine's / and whose upper
#     layer is a tmpfs, inside a private mount namespace. The scripts see a complete Debian 12 (adduser,
#     getent, dpkg-statoverride, systemd-analyze, java) and every change vanishes with the namespace —
#     the host's users, /etc and dpkg database are never touched. (`dpkg --root=<empty dir>` cannot run
#     maintainer scripts: dpkg chroots into the root to run them and an empty root has no /bin/sh.)
#     Inside, the installed launchers are run (`--version`) to prove symlinks, launcher and jars fit.
#  5. install.sh / uninstall.sh (the non-Debian path) in the same throwaway root.
# Exit status: 0 all checks passed, 1 any check failed (every failure is printed with FAIL).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$(pwd)

LETMEIND_MAX=1.5
LETMEINFWD_MAX=2.0

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }
section() { echo; echo "== $*"; }

# ---------------------------------------------------------------------------------------------
# Phase 2 (re-executed inside `unshare --mount`): install into the overlay root and check it.
# ---------------------------------------------------------------------------------------------
if [ "${1:-}" = "--in-namespace" ]; then
    deb=$2
    scratch=$3
    # a private network namespace (see the unshare below): only loopback, which the client's training
    # run for its start-up archive uses
    ip link set lo up
    mount -t tmpfs -o size=512m,mode=0755 letmein-pkgcheck "$scratch"
    mkdir -p "$scratch/upper" "$scratch/work" "$scratch/root"
    root=$scratch/root
    if ! mount -t overlay overlay -o "lowerdir=/,upperdir=$scratch/upper,workdir=$scratch/work" "$root"; then
        echo "FAIL: cannot mount an overlayfs over / (needs root with CAP_SYS_ADMIN on a VM or a privileged" \
             "container); the install test cannot run" >&2
        exit 1
    fi
    mount -t proc proc "$root/proc"
    mount --bind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/run"      # no /run/systemd/system: the scripts see "no systemd running"
    mount -t tmpfs tmpfs "$root/tmp"
    cp "$deb" "$root/tmp/letmein.deb"
    in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

    section "throwaway root: $root (overlay of / on tmpfs, private mount namespace)"
    if in_root getent passwd letmeind >/dev/null; then
        fail "user letmeind already exists on this machine; the install test cannot prove that postinst creates it"
    fi
    if in_root dpkg-query -W letmein >/dev/null 2>&1; then
        echo "note: a letmein package is installed on this machine; purging it inside the throwaway root first"
        in_root dpkg --purge letmein >/dev/null
    fi

    force=()
    for dep in nftables adduser; do
        if ! in_root dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep 'install ok installed' >/dev/null; then
            echo "note: $dep is not installed on this machine: installing with --force-depends"
            force=(--force-depends)
        fi
    done
    if ! in_root dpkg-query -W -f='${Status}\n' openjdk-17-jre-headless 2>/dev/null | grep 'install ok installed' >/dev/null \
        && ! in_root sh -c "dpkg-query -W -f='\${Provides}\n' 2>/dev/null | grep java17-runtime-headless >/dev/null"; then
        echo "note: no Java 17 runtime package is installed: installing with --force-depends"
        force=(--force-depends)
    fi

    section "dpkg -i (fresh install)"
    if in_root dpkg "${force[@]}" -i /tmp/letmein.deb; then pass "dpkg -i"; else fail "dpkg -i failed"; fi

    section "maintainer scripts and installed layout"
    if pw=$(in_root getent passwd letmeind); then
        IFS=: read -r _ _ uid _ _ home shell <<<"$pw"
        [ "$uid" -lt 1000 ] && pass "letmeind is a system user (uid $uid)" || fail "letmeind uid $uid is not a system uid"
        [ "$home" = /nonexistent ] && pass "letmeind home /nonexistent" || fail "letmeind home is $home"
        case "$shell" in */nologin | */false) pass "letmeind shell $shell" ;; *) fail "letmeind has a login shell: $shell" ;; esac
    else
        fail "postinst did not create user letmeind"
    fi
    in_root getent group letmeind >/dev/null && pass "group letmeind exists" || fail "postinst did not create group letmeind"
    [ "$(in_root id -gn letmeind 2>/dev/null)" = letmeind ] && pass "letmeind's primary group is letmeind" \
        || fail "letmeind's primary group is not letmeind"

    no_sample_key() { # the example configs' sample key must never be installed active
        local c
        for c in /etc/letmein/letmeind.conf /etc/letmein/letmein.conf; do
            if in_root grep -En '^[[:space:]]*[0-9A-Fa-f]{1,8}[[:space:]]*=[[:space:]]*[0-9A-Fa-f]{64}[[:space:]]*$' "$c"; then
                fail "$c contains an active key line (the public sample key must not be installed)"
            elif in_root grep -q "no key installed: run 'letmein gen-key" "$c"; then
                pass "$c: sample key disabled"
            else
                fail "$c: no disabled-key hint found (did the example config change?)"
            fi
        done
    }
    expect_stat() { # path "owner:group mode type"
        local got
        if got=$(in_root stat -c '%U:%G %a %F' "$1" 2>/dev/null); then
            [ "$got" = "$2" ] && pass "$1 $got" || fail "$1 is '$got', expected '$2'"
        else
            fail "$1 missing after install"
        fi
    }
    expect_stat /etc/letmein/letmeind.conf "root:letmeind 640 regular file"
    expect_stat /etc/letmein/letmein.conf "root:root 644 regular file"
    no_sample_key
    for j in letmein-client letmeind letmeinfwd; do
        expect_stat "/usr/share/letmein/lib/$j.jar" "root:root 644 regular file"
    done
    for b in letmein letmeind letmeinfwd make-cds-archive.sh; do
        expect_stat "/usr/share/letmein/bin/$b" "root:root 755 regular file"
    done
    expect_stat /usr/share/letmein/bin/launcher.sh "root:root 644 regular file"
    for u in letmeind.service letmeind.socket letmeinfwd.service letmeinfwd.socket; do
        expect_stat "/lib/systemd/system/$u" "root:root 644 regular file"
    done
    expect_stat /usr/share/doc/letmein/examples/nftables.conf "root:root 644 regular file"
    expect_stat /usr/share/doc/letmein/SECURITY.md "root:root 644 regular file"
    for link in /usr/bin/letmein /usr/sbin/letmeind /usr/sbin/letmeinfwd; do
        target=$(in_root readlink -f "$link" || true)
        [ "$target" = "/usr/share/letmein/bin/${link##*/}" ] && pass "$link -> $target" || fail "$link resolves to '$target'"
    done
    conffiles=$(in_root dpkg-query -W -f='${Conffiles}\n' letmein | awk 'NF { print $1 }' | sort | tr '\n' ' ')
    [ "$conffiles" = "/etc/letmein/letmein.conf /etc/letmein/letmeind.conf " ] && pass "conffiles: $conffiles" \
        || fail "conffiles are '$conffiles'"
    for unit in letmeind.socket letmeind.service letmeinfwd.socket letmeinfwd.service; do
        if in_root sh -c "ls /etc/systemd/system/*.wants/$unit" >/dev/null 2>&1; then
            fail "$unit was enabled by the package (it must never enable anything)"
        else
            pass "$unit not enabled"
        fi
    done

    section "the installed programs start (launcher -> symlink -> jar)"
    for prog in /usr/bin/letmein /usr/sbin/letmeind /usr/sbin/letmeinfwd; do
        if out=$(in_root "$prog" --version 2>&1); then
            pass "$prog --version: $(echo "$out" | head -1)"
        else
            fail "$prog --version failed: $(echo "$out" | head -3)"
        fi
    done

    # the archive is ours when the client's own classes come from shared space (the JDK's default
    # archive has none of them)
    archive_used() { # WHO
        local shared
        shared=$(in_root env LETMEIN_JAVA_OPTS=-Xlog:class+load=info:stdout /usr/bin/letmein --version 2>/dev/null \
            | grep -c '^.*letmein\.client\..* source: shared objects file' || true)
        [ "$shared" -gt 0 ] && pass "letmein --version maps $shared of the client's classes from the archive $1 made" \
            || fail "the JVM does not use the /usr/share/letmein/lib/letmein.jsa that $1 made"
    }
    section "client start-up archive (made by postinst with bin/make-cds-archive.sh for this JVM and path)"
    if grep -a 'letmein/client/cds/Training.class' "$root/usr/share/letmein/lib/letmein-client.jar" >/dev/null; then
        if in_root test -s /usr/share/letmein/lib/letmein.jsa; then
            pass "postinst made /usr/share/letmein/lib/letmein.jsa"
            archive_used postinst
        else
            fail "postinst did not make /usr/share/letmein/lib/letmein.jsa"
        fi
    else
        echo "note: the client jar has no CDS training class; no archive expected"
    fi

    section "the installed configuration: refused without a key, loads with one, read as the daemons read it"
    # The package installs no key, so both daemons must refuse the file as it is, naming [KEYS].
    if out=$(in_root setpriv --reuid=letmeind --regid=letmeind --init-groups --inh-caps=-all --bounding-set=-all \
            /usr/sbin/letmeind --check-config 2>&1); then
        fail "letmeind --check-config accepted the installed config without a key: $(echo "$out" | tail -2)"
    elif echo "$out" | grep -F "/etc/letmein/letmeind.conf:" | grep -F "[KEYS] has no key, so nobody can knock" >/dev/null; then
        pass "letmeind --check-config refuses the keyless installed config: $(echo "$out" | grep -F '[KEYS]' | head -1 | cut -c1-100)..."
    else
        fail "letmeind --check-config failed without naming [KEYS]: $(echo "$out" | tail -3)"
    fi
    # The administrator's step: a key from gen-key, on the line the comment names.
    if key=$(in_root /usr/bin/letmein gen-key -u 00000001) && echo "$key" | grep -Ex '00000001 = [0-9A-Fa-f]{64}' >/dev/null; then
        in_root sed -i "/^# 00000001 = (no key installed/a $key" /etc/letmein/letmeind.conf
        pass "added a key made by 'letmein gen-key -u 00000001'"
    else
        fail "letmein gen-key -u 00000001 printed '$key'"
    fi
    # letmeind reads letmeind.conf as user letmeind (group letmeind, file 0640); no warnings expected.
    if out=$(in_root setpriv --reuid=letmeind --regid=letmeind --init-groups --inh-caps=-all --bounding-set=-all \
            /usr/sbin/letmeind --check-config 2>&1); then
        pass "letmeind --check-config as user letmeind: $(echo "$out" | tail -1)"
        echo "$out" | grep -i 'warn' >/dev/null && fail "letmeind --check-config warned: $out"
    else
        fail "letmeind --check-config as user letmeind failed: $(echo "$out" | tail -3)"
    fi
    # The shipped mode is letmeinfwd's own table: it needs nothing of the host's ruleset, so --check-config
    # passes in an empty one. In upstream's mode (the shipped file's commented-out alternative) letmeinfwd
    # as root also checks the live ruleset: first without the table (refused), then with the example
    # ruleset (accepted). Each in a private network namespace; the host's ruleset is untouched.
    if out=$(in_root unshare --net /usr/sbin/letmeinfwd --check-config 2>&1); then
        pass "letmeinfwd --check-config, own table, empty ruleset: $(echo "$out" | tail -1)"
    else
        fail "letmeinfwd --check-config refused the shipped own-table config: $(echo "$out" | tail -3)"
    fi
    in_root sh -c 'sed -e "s/^own-table = /#own-table = /" \
        -e "s/^#\(family\|table\|chain-input\|chain-forward\|chain-output\) = /\1 = /" \
        /etc/letmein/letmeind.conf >/tmp/upstream-mode.conf && chmod 0600 /tmp/upstream-mode.conf'
    if out=$(in_root unshare --net /usr/sbin/letmeinfwd -c /tmp/upstream-mode.conf --check-config 2>&1); then
        fail "letmeinfwd --check-config (upstream's mode) accepted a ruleset without table inet filter: $(echo "$out" | tail -2)"
    elif echo "$out" | grep -F "the live ruleset has no usable table 'inet filter'" >/dev/null; then
        pass "letmeinfwd --check-config (upstream's mode) refuses a ruleset without the table"
    else
        fail "letmeinfwd --check-config (upstream's mode) failed for another reason: $(echo "$out" | tail -3)"
    fi
    if out=$(in_root unshare --net sh -c 'nft -f /usr/share/doc/letmein/examples/nftables.conf \
            && /usr/sbin/letmeinfwd -c /tmp/upstream-mode.conf --check-config' 2>&1); then
        pass "letmeinfwd --check-config (upstream's mode) with the example ruleset: $(echo "$out" | tail -1)"
    else
        fail "letmeinfwd --check-config (upstream's mode) failed: $(echo "$out" | tail -3)"
    fi
    if out=$(in_root setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/letmein --check-config 2>&1); then
        pass "letmein --check-config as nobody: $(echo "$out" | tail -1)"
    else
        fail "letmein --check-config as nobody failed: $(echo "$out" | tail -3)"
    fi

    section "letmeinfwd --close-jump-leases (the ExecStopPost= of letmeinfwd.service) and --remove-firewall (prerm), in a private network namespace"
    # A throwaway netns (no interfaces, no traffic): the host's ruleset is never touched.
    cat >"$root/tmp/cleanup-test.nft" <<'NFT'
table inet filter {
    set letmein-v4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }
    chain LETMEIN-INPUT { ip saddr . meta l4proto . th dport @letmein-v4 accept comment "any/set/letmein-v4/accept/LETMEIN"; }
    chain LETMEIN-FORWARD { ip saddr 192.0.2.1 jump KEEP comment "192.0.2.1/jump/KEEP/LETMEIN"; }
    chain LETMEIN-OUTPUT { }
    chain KEEP { tcp dport 22 accept comment "admin rule"; }
    chain INPUT { type filter hook input priority filter; policy drop; jump LETMEIN-INPUT; }
}
NFT
    cat >"$root/tmp/cleanup-test.conf" <<'CONF'
[KEYS]
00000001 = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
[RESOURCES]
00000022 = port: 22
[NFTABLES]
family = inet
table = filter
chain-input = LETMEIN-INPUT
chain-forward = LETMEIN-FORWARD
chain-output = LETMEIN-OUTPUT
CONF
    chmod 0600 "$root/tmp/cleanup-test.conf"
    if out=$(in_root unshare --net sh -c 'nft -f /tmp/cleanup-test.nft \
            && nft add element inet filter letmein-v4 "{ 10.0.0.1 . tcp . 22 timeout 60s }" \
            && /usr/sbin/letmeinfwd -c /tmp/cleanup-test.conf --close-jump-leases && nft -j list ruleset \
            && /usr/sbin/letmeinfwd -c /tmp/cleanup-test.conf --remove-firewall && nft -j list ruleset' 2>&1); then
        if echo "$out" | grep '^{"nftables"' | python3 -c '
import json, sys
first, last = [json.loads(l)["nftables"] for l in sys.stdin.read().splitlines()]
def rules(d, chain): return [o["rule"] for o in d if "rule" in o and o["rule"]["chain"] == chain]
def elems(d): return [e for o in d if "set" in o for e in o["set"].get("elem", [])]
ok = (not rules(first, "LETMEIN-FORWARD") and len(rules(first, "LETMEIN-INPUT")) == 1 and len(elems(first)) == 1
      and not rules(last, "LETMEIN-INPUT") and not any("set" in o for o in last) and len(rules(last, "KEEP")) == 1)
sys.exit(0 if ok else 1)'; then
            pass "--close-jump-leases removed the jump lease and kept the port lease; --remove-firewall removed letmeinfwd's rules and set and kept the admin's chain"
        else
            fail "cleanup left: $(echo "$out" | tail -2)"
        fi
    else
        fail "cleanup test failed: $(echo "$out" | tail -3)"
    fi

    section "systemd-analyze verify (installed units, ExecStart binaries present)"
    if out=$(in_root systemd-analyze verify letmeind.socket letmeind.service letmeinfwd.socket letmeinfwd.service 2>&1); then
        if [ -n "$out" ]; then fail "systemd-analyze verify printed:"; echo "$out" | sed 's/^/    /' >&2
        else pass "systemd-analyze verify: clean"; fi
    else
        fail "systemd-analyze verify failed:"; echo "$out" | sed 's/^/    /' >&2
    fi

    section "systemd-analyze security --offline=yes (installed units)"
    score_ok() { # unit max
        local out score
        out=$(in_root systemd-analyze security --offline=yes "/lib/systemd/system/$1" 2>&1 || true)
        score=$(echo "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' | tail -1)
        if [ -z "$score" ]; then
            fail "$1: no exposure level in systemd-analyze output:"; echo "$out" | tail -5 | sed 's/^/    /' >&2
        elif awk -v s="$score" -v m="$2" 'BEGIN { exit !(s <= m) }'; then
            pass "$1 exposure $score (target <= $2)"
        else
            fail "$1 exposure $score exceeds $2"; echo "$out" | grep '✗' | sed 's/^/    /' >&2
        fi
    }
    score_ok letmeind.service "$LETMEIND_MAX"
    score_ok letmeinfwd.service "$LETMEINFWD_MAX"

    section "dpkg -i again (upgrade path: postinst configure with the old version)"
    in_root chmod 0600 /etc/letmein/letmeind.conf || true
    if in_root dpkg "${force[@]}" -i /tmp/letmein.deb >/dev/null; then pass "reinstall"; else fail "reinstall failed"; fi
    expect_stat /etc/letmein/letmeind.conf "root:letmeind 640 regular file"

    section "dpkg --remove, then --purge"
    echo "# admin edit" | in_root sh -c 'cat >> /etc/letmein/letmeind.conf'
    # letmeinfwd's own table, as a running letmeinfwd would have left it (port leases outlive a stop):
    # the removal must take it away, so that the host's ruleset alone decides again.
    in_root nft add table inet letmein && in_root nft add set inet letmein letmein-v4 \
        '{ type ipv4_addr . inet_proto . inet_service; flags timeout; }' && in_root nft list table inet letmein >/dev/null \
        || fail "cannot create table inet letmein for the removal check"
    if in_root dpkg --remove letmein >/dev/null; then pass "dpkg --remove"; else fail "dpkg --remove failed"; fi
    if in_root nft list table inet letmein >/dev/null 2>&1; then
        fail "table inet letmein still there after dpkg --remove (prerm: letmeinfwd --remove-firewall)"
    else
        pass "dpkg --remove removed letmeinfwd's own table (prerm: letmeinfwd --remove-firewall)"
    fi
    for p in /usr/share/letmein /usr/bin/letmein /usr/sbin/letmeind /usr/sbin/letmeinfwd /lib/systemd/system/letmeind.service; do
        in_root test -e "$p" && fail "$p still present after remove ($(in_root find "$p" | head -3 | tr '\n' ' '))" || pass "$p removed"
    done
    in_root test -f /etc/letmein/letmeind.conf && pass "conffile kept after remove" || fail "conffile removed by remove"
    if in_root dpkg --purge letmein >/dev/null; then pass "dpkg --purge"; else fail "dpkg --purge failed"; fi
    in_root test -e /etc/letmein && fail "/etc/letmein still present after purge" || pass "/etc/letmein removed by purge"
    in_root getent passwd letmeind >/dev/null && pass "user letmeind kept after purge (Debian practice)" \
        || fail "user letmeind removed"

    section "install.sh / uninstall.sh (non-Debian path) in the same throwaway root"
    mkdir -p "$root/tmp/repo"
    mount --bind "$repo" "$root/tmp/repo"
    mount -o remount,bind,ro "$root/tmp/repo"
    in_root userdel letmeind >/dev/null 2>&1 || true
    in_root groupdel letmeind >/dev/null 2>&1 || true
    if in_root /tmp/repo/install.sh; then pass "install.sh"; else fail "install.sh failed"; fi
    in_root getent passwd letmeind >/dev/null && pass "install.sh created user letmeind" || fail "install.sh did not create user letmeind"
    expect_stat /etc/letmein/letmeind.conf "root:letmeind 640 regular file"
    expect_stat /etc/letmein/letmein.conf "root:root 644 regular file"
    no_sample_key
    for j in letmein-client letmeind letmeinfwd; do expect_stat "/usr/share/letmein/lib/$j.jar" "root:root 644 regular file"; done
    for b in letmein letmeind letmeinfwd make-cds-archive.sh; do expect_stat "/usr/share/letmein/bin/$b" "root:root 755 regular file"; done
    for u in letmeind.service letmeind.socket letmeinfwd.service letmeinfwd.socket; do
        expect_stat "/etc/systemd/system/$u" "root:root 644 regular file"
    done
    for link in /usr/bin/letmein /usr/sbin/letmeind /usr/sbin/letmeinfwd; do
        target=$(in_root readlink -f "$link" || true)
        [ "$target" = "/usr/share/letmein/bin/${link##*/}" ] && pass "$link -> $target" || fail "$link resolves to '$target'"
    done
    if out=$(in_root /usr/bin/letmein --version 2>&1); then pass "installed letmein --version"; else fail "installed letmein --version: $(echo "$out" | head -2)"; fi
    if grep -a 'letmein/client/cds/Training.class' "$root/usr/share/letmein/lib/letmein-client.jar" >/dev/null; then
        if in_root test -s /usr/share/letmein/lib/letmein.jsa; then
            pass "install.sh made the client's start-up archive"
            archive_used install.sh
        else
            fail "install.sh did not make /usr/share/letmein/lib/letmein.jsa"
        fi
    fi
    echo "# admin edit" | in_root sh -c 'cat >> /etc/letmein/letmeind.conf'
    in_root /tmp/repo/install.sh >/dev/null && pass "install.sh again (upgrade)" || fail "install.sh again failed"
    in_root grep -q '^# admin edit' /etc/letmein/letmeind.conf && pass "install.sh kept the edited letmeind.conf" \
        || fail "install.sh overwrote the edited letmeind.conf"
    if in_root /tmp/repo/uninstall.sh >/dev/null; then pass "uninstall.sh"; else fail "uninstall.sh failed"; fi
    for p in /usr/share/letmein /usr/bin/letmein /usr/sbin/letmeind /usr/sbin/letmeinfwd /etc/systemd/system/letmeind.service /usr/share/doc/letmein; do
        in_root test -e "$p" && fail "$p still present after uninstall.sh" || pass "$p removed"
    done
    in_root test -f /etc/letmein/letmeind.conf && pass "uninstall.sh kept /etc/letmein" || fail "uninstall.sh removed config without --purge"
    in_root /tmp/repo/install.sh >/dev/null && in_root /tmp/repo/uninstall.sh --purge --remove-user >/dev/null \
        && pass "install.sh; uninstall.sh --purge --remove-user" || fail "uninstall.sh --purge --remove-user failed"
    in_root test -e /etc/letmein && fail "/etc/letmein still present after --purge" || pass "/etc/letmein removed by --purge"
    in_root getent passwd letmeind >/dev/null && fail "user letmeind still present after --remove-user" || pass "user letmeind removed"

    echo
    echo "throwaway root checks: $failures failure(s)"
    exit $((failures > 0))
fi

# ---------------------------------------------------------------------------------------------
# Phase 1: tools, static checks of the .deb, lintian; then phase 2 in a private mount namespace.
# ---------------------------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    echo "package-check.sh: needs root (mount namespace, overlayfs, chroot)" >&2
    exit 1
fi
missing=()
command -v dpkg-deb >/dev/null || missing+=(dpkg)
command -v lintian >/dev/null || missing+=(lintian)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v unshare >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
    echo "package-check.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

shopt -s nullglob
debs=(letmein-package/target/letmein_*_all.deb)
if [ ${#debs[@]} -eq 0 ]; then
    echo "package-check.sh: no .deb yet, building it (mvn -B -q -pl letmein-package -am package -DskipTests)"
    mvn -B -q -pl letmein-package -am package -DskipTests
    debs=(letmein-package/target/letmein_*_all.deb)
fi
if [ ${#debs[@]} -ne 1 ]; then
    echo "package-check.sh: expected exactly one letmein-package/target/letmein_*_all.deb, found ${#debs[@]}" >&2
    exit 1
fi
deb=$repo/${debs[0]}
# the project version is the parent pom's own <version> (two-space indent, after <artifactId>)
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)

section "dpkg-deb --info $deb"
dpkg-deb --info "$deb"
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = letmein ] && pass "Package: letmein" || fail "Package is $(field Package)"
[ "$(field Architecture)" = all ] && pass "Architecture: all" || fail "Architecture is $(field Architecture)"
if [ -n "$version" ]; then
    [ "$(field Version)" = "$version" ] && pass "Version: $version" || fail "Version $(field Version) != pom $version"
    [ "$(basename "$deb")" = "letmein_${version}_all.deb" ] && pass "file name $(basename "$deb")" || fail "file name $(basename "$deb")"
fi
# The version comes from the pom alone: the shipped non-Java sources never spell it out (the control
# file, the changelog and the man page get it from the build)...
if [ -n "$version" ]; then
    literal=$(grep -rnF -- "$version" bin conf install.sh uninstall.sh letmein-package/src README.md SECURITY.md 2>/dev/null || true)
    [ -z "$literal" ] && pass "no literal $version in the shipped non-Java sources" \
        || fail "literal version $version in shipped sources (take it from the pom): $literal"
    # ...and the man page in the package carries it
    man=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/man/man1/letmein.1.gz 2>/dev/null | gzip -dc 2>/dev/null | grep '^\.TH' || true)
    case "$man" in *"\"letmein $version\""*) pass "letmein.1: $man" ;; *) fail "letmein.1 does not name version $version: '$man'" ;; esac
fi
depends=$(field Depends)
case "$depends" in *"openjdk-17-jre-headless | java17-runtime-headless"*) pass "Depends on a Java 17 runtime" ;; *) fail "Depends lacks the Java 17 runtime: $depends" ;; esac
case "$depends" in *nftables*) pass "Depends on nftables" ;; *) fail "Depends lacks nftables: $depends" ;; esac
control_members=$(dpkg-deb --ctrl-tarfile "$deb" | tar -t)   # (no `| grep -q` under pipefail: SIGPIPE)
for script in postinst prerm postrm triggers; do
    if echo "$control_members" | grep -x "./$script" >/dev/null; then pass "maintainer script $script"; else fail "no $script"; fi
done
ctrl=$(mktemp -d)
dpkg-deb --control "$deb" "$ctrl"
if grep -Eq 'systemctl[^|;&]*(enable|start)|deb-systemd-helper[^|;&]*enable|deb-systemd-invoke[^|;&]* start' "$ctrl"/post* "$ctrl"/pre* 2>/dev/null; then
    fail "a maintainer script enables or starts a unit"
else
    pass "no maintainer script enables or starts a unit"
fi
for s in "$ctrl"/postinst "$ctrl"/prerm "$ctrl"/postrm; do sh -n "$s" || fail "syntax error in $(basename "$s")"; done
[ -f "$ctrl/conffiles" ] && sort "$ctrl/conffiles" | tr '\n' ' ' | grep -x '/etc/letmein/letmein.conf /etc/letmein/letmeind.conf ' >/dev/null \
    && pass "control conffiles lists both configs" || fail "control conffiles: $(tr '\n' ' ' <"$ctrl/conffiles" 2>/dev/null || echo missing)"
rm -rf "$ctrl"

section "dpkg-deb --contents"
contents=$(dpkg-deb --contents "$deb")
echo "$contents"
expect_entry() { # mode-prefix owner path [-> target]
    if echo "$contents" | awk -v m="$1" -v o="$2" -v p="$3" -v t="${4:-}" '
        { path = $6; sub(/^\./, "", path) }
        path == p && index($1, m) == 1 && $2 == o && (t == "" || $8 == t) { found = 1 }
        END { exit !found }'; then
        pass "deb has $1 $2 $3${4:+ -> $4}"
    else
        fail "deb lacks $1 $2 $3${4:+ -> $4}"
    fi
}
for j in letmein-client letmeind letmeinfwd; do expect_entry -rw-r--r-- root/root "/usr/share/letmein/lib/$j.jar"; done
for b in letmein letmeind letmeinfwd make-cds-archive.sh; do expect_entry -rwxr-xr-x root/root "/usr/share/letmein/bin/$b"; done
expect_entry -rw-r--r-- root/root /usr/share/letmein/bin/launcher.sh
expect_entry l root/root /usr/bin/letmein ../share/letmein/bin/letmein
expect_entry l root/root /usr/sbin/letmeind ../share/letmein/bin/letmeind
expect_entry l root/root /usr/sbin/letmeinfwd ../share/letmein/bin/letmeinfwd
expect_entry -rw-r----- root/root /etc/letmein/letmeind.conf
expect_entry -rw-r--r-- root/root /etc/letmein/letmein.conf
for u in letmeind.service letmeind.socket letmeinfwd.service letmeinfwd.socket; do expect_entry -rw-r--r-- root/root "/lib/systemd/system/$u"; done
for d in examples/nftables.conf SECURITY.md copyright changelog.gz; do expect_entry -rw-r--r-- root/root "/usr/share/doc/letmein/$d"; done
# Man pages and completion come from the client build; whatever it produced must be in the package.
for page in letmein-client/target/*.[158] letmein-client/target/man/*.[158] letmein-client/target/man/*/*.[158]; do
    name=${page##*/}
    expect_entry -rw-r--r-- root/root "/usr/share/man/man${name##*.}/$name.gz"
done
for comp in letmein-client/target/completion/letmein letmein-client/target/letmein_completion; do
    [ -f "$comp" ] && expect_entry -rw-r--r-- root/root /usr/share/bash-completion/completions/letmein
done
if echo "$contents" | awk '{ print $1 }' | grep '^-.....[sS]\|^-..[sS]' >/dev/null; then fail "setuid/setgid file in the package"; else pass "no setuid/setgid files"; fi

section "lintian"
# Accepted tags are overridden, each with its reason, in letmein-package/src/deb/lintian/letmein
# (installed as /usr/share/lintian/overrides/letmein, which lintian reads from the package).
if lintian --fail-on error,warning --display-info --info "$deb"; then
    pass "lintian: no errors or warnings"
else
    fail "lintian reported errors or warnings"
fi

section "install test in a private mount namespace"
scratch=$(mktemp -d /tmp/letmein-pkgcheck.XXXXXX)
# --net as well: the maintainer scripts run letmeinfwd --remove-firewall, which must never reach the
# host's own nftables ruleset.
if unshare --mount --net --propagation private "$0" --in-namespace "$deb" "$scratch"; then
    pass "throwaway-root install checks"
else
    fail "throwaway-root install checks"
fi
rmdir "$scratch"   # its mounts died with the namespace; the directory on the host is empty

echo
if [ "$failures" -gt 0 ]; then
    echo "package-check.sh: $failures check group(s) FAILED" >&2
    exit 1
fi
echo "package-check.sh: all checks passed"
