#!/usr/bin/env bash
# `letmein knock` against the JVM's floor for the same job (issue 16): NetFloor.java opens one TCP
# connection, writes 56 bytes and reads 56, under the client's JVM flags (bin/launcher.sh) with its own
# static CDS archive made the way bin/make-cds-archive.sh makes the client's on JDK 17 (class list from a
# training run, then -Xshare:dump); on JDK 25 and later an AOT cache, as for the client. Both are timed by
# knock-hyperfine.sh, interleaved, each started through a /bin/sh launcher as bin/letmein is.
# Usage (after `mvn -B package -DskipTests`): letmein-client/bench/floor/floor.sh [-r ROUNDS] [-n RUNS] [NAME=LAUNCHER ...]
#   default variants: floor, then letmein=bin/letmein of this tree; ratio = each median / the floor's.
#   JAVA_HOME selects the JDK for the floor (bin/letmein uses the same variable).
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
tree=$(dirname "$(dirname "$(dirname "$here")")")
. "$tree/bin/launcher.sh"
java=$(letmein_java)
javac=${java%/java}/javac
[ -x "$javac" ] || javac=javac
out=$tree/letmein-client/target/floor
mkdir -p "$out"
"$javac" --release 17 -d "$out/classes" "$here/NetFloor.java"
(cd "$out/classes" && jar --create --file "$out/netfloor.jar" --main-class NetFloor NetFloor.class) 2>/dev/null \
    || (cd "$out/classes" && "${java%/java}/jar" --create --file "$out/netfloor.jar" --main-class NetFloor NetFloor.class)
feature=$("$java" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')

exec 3> >(exec "$java" -cp "$out/netfloor.jar" NetFloor serve >"$out/port")
for _ in $(seq 100); do [ -s "$out/port" ] && break; sleep 0.1; done
port=$(head -1 "$out/port")
[ -n "$port" ] || { echo "floor.sh: the echo server did not start" >&2; exit 1; }
trap 'exec 3>&-' EXIT

# the floor's archive, trained on its own job, as the client's is
# shellcheck disable=SC2086
if [ "$feature" -ge 25 ]; then
    "$java" $letmein_client_jvm_flags -XX:AOTCacheOutput="$out/netfloor.aot" -jar "$out/netfloor.jar" 127.0.0.1 "$port" \
        >/dev/null 2>&1
    archive="-XX:SharedArchiveFile=$out/netfloor.aot"
else
    "$java" $letmein_client_jvm_flags -Xshare:off -XX:DumpLoadedClassList="$out/netfloor.classlist" \
        -jar "$out/netfloor.jar" 127.0.0.1 "$port"
    "$java" $letmein_client_jvm_flags -Xshare:dump -XX:SharedClassListFile="$out/netfloor.classlist" \
        -XX:SharedArchiveFile="$out/netfloor.jsa" -cp "$out/netfloor.jar" >/dev/null
    archive="-XX:SharedArchiveFile=$out/netfloor.jsa"
fi
cat >"$out/floor-launcher.sh" <<SH
#!/bin/sh
exec "$java" $letmein_client_jvm_flags -Xshare:auto $archive -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds=off:stderr -jar "$out/netfloor.jar" 127.0.0.1 $port "\$@"
SH
chmod +x "$out/floor-launcher.sh"
rounds=()
while getopts r:n: opt; do
    case $opt in
        r|n) rounds+=(-"$opt" "$OPTARG") ;;
        *) sed -n '2,9p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "letmein=$tree/bin/letmein"
"$tree/letmein-client/bench/knock-hyperfine.sh" "${rounds[@]}" "floor=$out/floor-launcher.sh" "$@"
