#!/bin/sh
# Installs letmein from a built source tree on systems without the Debian package, with the same
# layout as the package (letmein_<version>_all.deb):
#   /usr/share/letmein/lib/{letmein-client,letmeind,letmeinfwd}.jar
#   /usr/share/letmein/bin/{launcher.sh,letmein,letmeind,letmeinfwd,make-cds-archive.sh}
#   /usr/share/letmein/lib/letmein.jsa   (the client's start-up archive, made here for this machine's java)
#   /usr/bin/letmein, /usr/sbin/letmeind, /usr/sbin/letmeinfwd   (symlinks into /usr/share/letmein/bin)
#   /etc/letmein/letmeind.conf (root:letmeind 0640), /etc/letmein/letmein.conf (0644) — never overwritten
#   /etc/systemd/system/letmein{d,fwd}.{service,socket}        (never enabled or started)
#   /usr/share/doc/letmein/{SECURITY.md,examples/nftables.conf}, man pages and completion if built
# It creates the system user/group `letmeind` (no home, no shell) and writes the list of installed
# files to /usr/share/letmein/install-manifest for uninstall.sh.
#
# Usage: sudo ./install.sh            (after `mvn -B package -DskipTests`)
#        DESTDIR=/some/dir ./install.sh   stage into a directory (no user creation, no chown to letmeind)
# Requires: a Java 17+ runtime and nftables at run time (not checked when staging).
set -eu

cd "$(dirname "$(readlink -f "$0")")"
src=$(pwd)
destdir=${DESTDIR:-}
me=install.sh

die() { echo "$me: $*" >&2; exit 1; }

if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root (or set DESTDIR to stage into a directory)"
fi
for m in letmein-client letmeind letmeinfwd; do
    [ -f "$src/$m/target/$m.jar" ] || die "$src/$m/target/$m.jar is missing: run 'mvn -B package -DskipTests' first"
done
for f in bin/launcher.sh bin/letmein bin/letmeind bin/letmeinfwd bin/make-cds-archive.sh \
         conf/letmeind.service conf/letmeind.socket conf/letmeinfwd.service conf/letmeinfwd.socket SECURITY.md; do
    [ -f "$src/$f" ] || die "$src/$f is missing: is this a complete source tree?"
done
if [ -z "$destdir" ]; then
    command -v java >/dev/null 2>&1 || echo "$me: warning: no 'java' on PATH; letmein needs a Java 17+ runtime" >&2
    command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || echo "$me: warning: 'nft' not found; letmeinfwd needs nftables" >&2
fi

manifest_entries=""
record() { manifest_entries="$manifest_entries$1
"; }

# put SRC DEST MODE: install one file (atomically replacing an older copy)
put() {
    mkdir -p "$destdir$(dirname "$2")"
    cp "$1" "$destdir$2.new.$$"
    chmod "$3" "$destdir$2.new.$$"
    mv -f "$destdir$2.new.$$" "$destdir$2"
    record "$2"
}

link() { # TARGET LINKNAME
    mkdir -p "$destdir$(dirname "$2")"
    ln -sfn "$1" "$destdir$2"
    record "$2"
}

# 1. the letmeind system user and group
if [ -z "$destdir" ]; then
    if ! getent group letmeind >/dev/null; then
        if command -v addgroup >/dev/null 2>&1 && addgroup --help 2>&1 | grep -q -- --system; then
            addgroup --system --quiet letmeind
        else
            groupadd --system letmeind
        fi
        echo "$me: created group letmeind"
    fi
    if ! getent passwd letmeind >/dev/null; then
        nologin=/usr/sbin/nologin
        [ -x "$nologin" ] || nologin=/sbin/nologin
        [ -x "$nologin" ] || nologin=/bin/false
        if command -v adduser >/dev/null 2>&1 && adduser --help 2>&1 | grep -q -- --system; then
            adduser --system --quiet --ingroup letmeind --no-create-home --home /nonexistent \
                --shell "$nologin" --gecos "letmein port knocking daemon" letmeind
        else
            useradd --system --gid letmeind --no-create-home --home-dir /nonexistent \
                --shell "$nologin" --comment "letmein port knocking daemon" letmeind
        fi
        echo "$me: created system user letmeind"
    fi
fi

# 2. programs
for m in letmein-client letmeind letmeinfwd; do
    put "$src/$m/target/$m.jar" "/usr/share/letmein/lib/$m.jar" 0644
done
put "$src/bin/launcher.sh" /usr/share/letmein/bin/launcher.sh 0644
for p in letmein letmeind letmeinfwd make-cds-archive.sh; do
    put "$src/bin/$p" "/usr/share/letmein/bin/$p" 0755
done
link ../share/letmein/bin/letmein /usr/bin/letmein
link ../share/letmein/bin/letmeind /usr/sbin/letmeind
link ../share/letmein/bin/letmeinfwd /usr/sbin/letmeinfwd

# 3. configuration: only if absent (the administrator's files are never replaced)
mkdir -p "$destdir/etc/letmein"
for c in letmeind.conf letmein.conf; do
    if [ -e "$destdir/etc/letmein/$c" ]; then
        echo "$me: keeping existing /etc/letmein/$c"
    elif [ -f "$src/conf/$c" ]; then
        mode=0644
        [ "$c" = letmeind.conf ] && mode=0640
        # The example carries no key; a key line that got into conf/ is installed disabled (as the package).
        tmp=$(mktemp)
        sed -E "s/^[[:space:]]*([0-9A-Fa-f]{1,8})[[:space:]]*=[[:space:]]*[0-9A-Fa-f]{64}[[:space:]]*\$/# \\1 = (no key installed: run 'letmein gen-key -u \\1' and put its output line here)/" \
            "$src/conf/$c" >"$tmp"
        put "$tmp" "/etc/letmein/$c" "$mode"
        rm -f "$tmp"
    else
        echo "$me: warning: $src/conf/$c is missing; /etc/letmein/$c not installed" >&2
    fi
done
if [ -z "$destdir" ] && [ -f /etc/letmein/letmeind.conf ]; then
    chown root:letmeind /etc/letmein/letmeind.conf
    chmod 0640 /etc/letmein/letmeind.conf
fi

# 4. systemd units (local administrator's unit directory), never enabled or started
for u in letmeind.service letmeind.socket letmeinfwd.service letmeinfwd.socket; do
    put "$src/conf/$u" "/etc/systemd/system/$u" 0644
done

# 5. documentation, man pages, completion
put "$src/SECURITY.md" /usr/share/doc/letmein/SECURITY.md 0644
[ -f "$src/README.md" ] && put "$src/README.md" /usr/share/doc/letmein/README.md 0644
[ -f "$src/conf/nftables.conf" ] && put "$src/conf/nftables.conf" /usr/share/doc/letmein/examples/nftables.conf 0644
for page in "$src"/letmein-client/target/*.[158] "$src"/letmein-client/target/man/*.[158] \
            "$src"/letmein-client/target/man/*/*.[158]; do
    [ -f "$page" ] || continue
    name=$(basename "$page")
    section=${name##*.}
    mkdir -p "$destdir/usr/share/man/man$section"
    gzip -9nc "$page" >"$destdir/usr/share/man/man$section/$name.gz"
    chmod 0644 "$destdir/usr/share/man/man$section/$name.gz"
    record "/usr/share/man/man$section/$name.gz"
done
for comp in "$src/letmein-client/target/completion/letmein" "$src/letmein-client/target/letmein_completion"; do
    if [ -f "$comp" ]; then
        tmp=$(mktemp)
        sed '1{/^#!/d}' "$comp" >"$tmp"    # sourced by bash-completion, not run: no #! line
        put "$tmp" /usr/share/bash-completion/completions/letmein 0644
        rm -f "$tmp"
        break
    fi
done

# 6. the client's start-up archive (faster start), made for this JVM and this jar path by
#    bin/make-cds-archive.sh, the build's and the package's recipe; the client works without it.
jsa=/usr/share/letmein/lib/letmein.jsa
rm -f "$destdir$jsa"
if [ -z "$destdir" ]; then
    if /usr/share/letmein/bin/make-cds-archive.sh /usr/share/letmein/lib/letmein-client.jar "$jsa" >/dev/null; then
        record "$jsa"
    else
        echo "$me: note: no start-up archive for the client (it only starts a little slower)"
    fi
fi

# 7. manifest for uninstall.sh (it also lists itself)
record /usr/share/letmein/install-manifest
printf '%s' "$manifest_entries" | sort -u >"$destdir/usr/share/letmein/install-manifest"
chmod 0644 "$destdir/usr/share/letmein/install-manifest"

if [ -z "$destdir" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi

cat <<EOF
$me: installed letmein under ${destdir:-/}. Nothing was enabled or started. Next steps:
  1. read /usr/share/doc/letmein/SECURITY.md
  2. add a key ('letmein gen-key -u 00000001' prints the line) and resources to
     /etc/letmein/letmeind.conf; both daemons refuse to start until it has a key. Check with
     'letmeind --check-config' and, as root, 'letmeinfwd --check-config'
  3. load a ruleset with the LETMEIN-* chains (example: /usr/share/doc/letmein/examples/nftables.conf)
  4. systemctl enable --now letmeinfwd.socket letmeind.socket letmeinfwd.service letmeind.service
EOF
