#!/usr/bin/env bash
# Does an installed letmein start as fast as bin/letmein of the built tree? As root, after
# `mvn -B package -DskipTests`. Installs the built .deb (dpkg -i, real maintainer scripts, so postinst
# makes the start-up archive) into one throwaway root and runs install.sh in another, both overlays of
# this machine's / on tmpfs inside a private mount namespace (as .ci/package-check.sh does: the host's
# users, /etc and dpkg database are never touched), then times `letmein knock` of the three with
# letmein-client/bench/knock-hyperfine.sh, interleaved, against its bench server on 127.0.0.1 (the roots
# share this machine's network namespace). Every variant is started through chroot, the tree's with
# `chroot /`, so that all pay the same exec.
# Usage: letmein-client/bench/installed-start.sh [-b OTHER_TREE] [-r ROUNDS] [-n RUNS]
#   -b OTHER_TREE  also the same three of another built tree (e.g. an older commit's), in the same rounds
#   -r, -n         knock-hyperfine.sh's options
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
repo=$(dirname "$(dirname "$here")")
if [ "${1:-}" != --in-namespace ]; then
    [ "$(id -u)" -eq 0 ] || { echo "installed-start.sh: needs root (mount namespace, overlayfs, chroot)" >&2; exit 1; }
    scratch=$(mktemp -d /tmp/letmein-installed-start.XXXXXX)
    conf=$(mktemp -d /tmp/letmein-installed-conf.XXXXXX)   # the same path outside and inside the roots
    rc=0
    unshare --mount --propagation private "$0" --in-namespace "$scratch" "$conf" "$@" || rc=$?
    rmdir "$scratch" "$conf"   # their mounts died with the namespace
    exit $rc
fi
scratch=$2
conf=$3
shift 3
other=""
bench_opts=()
while getopts b:r:n: opt; do
    case $opt in
        b) other=$(readlink -f "$OPTARG") ;;
        r | n) bench_opts+=("-$opt" "$OPTARG") ;;
        *) sed -n '2,14p' "$0" >&2; exit 2 ;;
    esac
done
shopt -s nullglob
mount -t tmpfs -o size=1g,mode=0755 letmein-installed-start "$scratch"
make_root() { # NAME -> prints the root
    local r=$scratch/$1
    mkdir -p "$r/upper" "$r/work" "$r/root"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$r/upper,workdir=$r/work" "$r/root"
    mount -t proc proc "$r/root/proc"
    mount --bind /dev "$r/root/dev"
    mount -t tmpfs tmpfs "$r/root/run"
    mount -t tmpfs tmpfs "$r/root/tmp"
    mkdir -p "$r/root$conf"
    mount --bind "$conf" "$r/root$conf"
    echo "$r/root"
}
in_root() { local root=$1; shift; chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

variants=()
add_tree() { # TREE LABEL-PREFIX
    local tree=$1 label=$2 debs deb_root inst_root
    debs=("$tree"/letmein-package/target/letmein_*_all.deb)
    [ ${#debs[@]} -eq 1 ] || { echo "installed-start.sh: expected one $tree/letmein-package/target/letmein_*_all.deb" >&2; exit 1; }
    deb_root=$(make_root "${label}deb")
    cp "${debs[0]}" "$deb_root/tmp/letmein.deb"
    if ! in_root "$deb_root" dpkg -i /tmp/letmein.deb >"$scratch/dpkg.log" 2>&1; then
        # the JDK on this machine may not be a registered package (package-check.sh does the same)
        in_root "$deb_root" dpkg --force-depends -i /tmp/letmein.deb >"$scratch/dpkg.log" 2>&1 \
            || { cat "$scratch/dpkg.log" >&2; exit 1; }
        echo "note: dpkg -i of $tree's package needed --force-depends" >&2
    fi
    in_root "$deb_root" test -s /usr/share/letmein/lib/letmein.jsa || echo "note: $tree's postinst made no start-up archive" >&2

    inst_root=$(make_root "${label}install")
    mkdir -p "$inst_root/tmp/repo"
    mount --bind "$tree" "$inst_root/tmp/repo"
    mount -o remount,bind,ro "$inst_root/tmp/repo"
    in_root "$inst_root" /tmp/repo/install.sh >"$scratch/install.log" 2>&1 || { cat "$scratch/install.log" >&2; exit 1; }
    in_root "$inst_root" test -s /usr/share/letmein/lib/letmein.jsa || echo "note: $tree's install.sh made no start-up archive" >&2
    variants+=("${label}tree=chroot / $tree/bin/letmein" "${label}deb=chroot $deb_root /usr/bin/letmein"
               "${label}install.sh=chroot $inst_root /usr/bin/letmein")
}
add_tree "$repo" ""
[ -z "$other" ] || add_tree "$other" "other-"
BENCH_CONF_DIR=$conf "$here/knock-hyperfine.sh" "${bench_opts[@]}" "${variants[@]}"
