#!/bin/sh
# Removes what install.sh installed (the files listed in /usr/share/letmein/install-manifest).
# Stops and disables the letmein units first, then removes everything letmeinfwd created in nftables
# (`letmeinfwd --remove-firewall`: port leases outlive a stop of letmeinfwd).
#
# Usage: sudo ./uninstall.sh [--purge] [--remove-user]
#   --purge        also delete /etc/letmein (letmeind.conf holds your keys: keep a copy if needed)
#   --remove-user  also delete the letmeind system user and group
#   DESTDIR=/some/dir ./uninstall.sh   undo a staged install (no systemctl, no user changes)
# For the Debian package use `apt remove letmein` / `apt purge letmein` instead.
set -eu

me=uninstall.sh
destdir=${DESTDIR:-}
purge=no
remove_user=no
for arg in "$@"; do
    case "$arg" in
        --purge) purge=yes ;;
        --remove-user) remove_user=yes ;;
        -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "$me: unknown option '$arg' (see --help)" >&2; exit 2 ;;
    esac
done

if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then
    echo "$me: run as root (or set DESTDIR for a staged install)" >&2
    exit 1
fi
manifest=$destdir/usr/share/letmein/install-manifest
if [ -z "$destdir" ] && command -v dpkg-query >/dev/null 2>&1 \
    && dpkg-query -W -f='${Status}' letmein 2>/dev/null | grep -q 'install ok installed'; then
    echo "$me: letmein is installed as a Debian package here; use 'apt remove letmein' instead" >&2
    exit 1
fi
if [ ! -f "$manifest" ]; then
    echo "$me: $manifest not found: nothing installed by install.sh" >&2
    exit 1
fi

units="letmeind.socket letmeind.service letmeinfwd.service letmeinfwd.socket"
if [ -z "$destdir" ] && [ -d /run/systemd/system ]; then
    # shellcheck disable=SC2086  # a word list on purpose
    systemctl disable --now $units 2>/dev/null || true
fi
if [ -z "$destdir" ] && [ -x /usr/sbin/letmeinfwd ] && [ -r /etc/letmein/letmeind.conf ] && command -v nft >/dev/null 2>&1; then
    /usr/sbin/letmeinfwd -c /etc/letmein/letmeind.conf --remove-firewall || true
fi

# Remove exactly the recorded files and symlinks (absolute paths below /etc or /usr only).
while IFS= read -r path; do
    case "$path" in
        /etc/letmein/*) continue ;;   # configuration: only with --purge
        /usr/* | /etc/systemd/system/letmein*) ;;
        *) echo "$me: skipping unexpected manifest entry '$path'" >&2; continue ;;
    esac
    if [ -L "$destdir$path" ] || [ -f "$destdir$path" ]; then
        rm -f "$destdir$path"
    fi
done <"$manifest"
for dir in /usr/share/letmein/lib /usr/share/letmein/bin /usr/share/letmein \
           /usr/share/doc/letmein/examples /usr/share/doc/letmein; do
    rmdir "$destdir$dir" 2>/dev/null || true
done

if [ "$purge" = yes ]; then
    rm -f "$destdir/etc/letmein/letmeind.conf" "$destdir/etc/letmein/letmein.conf"
    rmdir "$destdir/etc/letmein" 2>/dev/null || echo "$me: /etc/letmein not empty; kept" >&2
else
    echo "$me: kept /etc/letmein (use --purge to delete it)"
fi

if [ -z "$destdir" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi

if [ "$remove_user" = yes ] && [ -z "$destdir" ]; then
    if getent passwd letmeind >/dev/null; then
        userdel letmeind
    fi
    if getent group letmeind >/dev/null; then
        groupdel letmeind
    fi
    echo "$me: removed user and group letmeind"
fi
echo "$me: letmein removed"
