#!/bin/sh
# Makes the client's start-up archive: the one recipe of the build (letmein-client/pom.xml), the Debian
# package's postinst (letmein-package/src/deb/control/postinst) and install.sh.
#
# Usage: make-cds-archive.sh [JAR [ARCHIVE]]
#   JAR      the client jar, named as bin/letmein will name it (the archive records this path); default:
#            the one bin/letmein starts (letmein-client/target/letmein-client.jar in a built tree, else
#            lib/letmein-client.jar next to this bin/)
#   ARCHIVE  default: letmein.jsa next to JAR, where bin/letmein looks for it
# Runs on the java that bin/letmein runs on ($JAVA_HOME/bin/java, else java on PATH): an archive is valid
# only for the exact JDK build and the jar path (and size and time stamp) that made it.
#
# What it makes: the training run letmein.client.cds.Training (the client's real command line through a
# TCP and a UDP knock, a revoke, gen-key and the help texts against an answerer on loopback inside the
# same process) under the JVM flags that bin/letmein uses (letmein_client_jvm_flags in bin/launcher.sh),
# then
#   JDK 25 and later: an AOT cache (-XX:AOTCacheOutput, one step): the classes loaded and linked, and the
#     training run's profiles; bin/letmein maps it with -XX:SharedArchiveFile like a CDS archive;
#   JDK 17 to 24, or when the AOT cache cannot be made: a static CDS archive, from the list of the classes
#     the training run loaded (-XX:DumpLoadedClassList, then -Xshare:dump). Static rather than dynamic
#     (-XX:ArchiveClassesAtExit): with G1 it carries the JDK's archived heap objects and full module graph,
#     which a dynamic archive on top of the JDK's default one goes without, and it pre-generates the
#     method-handle classes the knock path links. Measured with letmein-client/bench/knock-hyperfine.sh
#     (interleaved, on a 2-core machine that other builds kept at load 1.3-3): JDK 17, the old postinst's
#     dynamic archive made under the serial GC took 1.05-1.10x the static archive's median in three runs
#     of four, no archive 1.14-1.22x; JDK 25, the AOT cache 0.90x and 0.98x of JDK 17's static archive
#     (a static archive made by JDK 25: 0.96x).
# The archive is written under a temporary name and renamed, so a running client never maps half a file.
# Exit status 0: ARCHIVE made; 1: not made (ARCHIVE removed, so no stale one is left; the client works
# without it, only starts slower). Prints why on stderr; the JVM's own output only when a step fails.
set -eu
me=make-cds-archive.sh
self=$(readlink -f "$0")
bin_dir=${self%/*}
. "$bin_dir/launcher.sh"
home=${bin_dir%/*}
jar=${1:-}
if [ -z "$jar" ]; then
    for candidate in "$home/letmein-client/target/letmein-client.jar" "$home/lib/letmein-client.jar"; do
        if [ -f "$candidate" ]; then
            jar=$candidate
            break
        fi
    done
fi
[ -n "$jar" ] && [ -f "$jar" ] || { echo "$me: no client jar${jar:+ at $jar}" >&2; exit 1; }
archive=${2:-${jar%/*}/letmein.jsa}
java=$(letmein_java)
# The archive must be made under exactly bin/letmein's flags: none from the environment.
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
rm -f "$archive"

work=$(mktemp -d "${TMPDIR:-/tmp}/letmein-cds.XXXXXX")
new=$archive.new.$$
trap 'rm -rf "$work"; rm -f "$new" "$new.config"' EXIT
trap 'exit 130' INT TERM
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 180"

# run LOG COMMAND...: quiet unless it fails
run() {
    log=$1
    shift
    if $limit "$@" >"$work/$log" 2>&1; then
        return 0
    fi
    echo "$me: failed: $*" >&2
    tail -n 20 "$work/$log" | sed 's/^/    /' >&2
    return 1
}

if ! version=$("$java" -version 2>&1); then
    echo "$me: no usable java ('$java' -version failed)" >&2
    exit 1
fi
feature=$(echo "$version" | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
case $feature in
    '' | *[!0-9]*) echo "$me: cannot read the Java version from: $(echo "$version" | head -1)" >&2; exit 1 ;;
esac
[ "$feature" -ge 17 ] || { echo "$me: Java $feature is too old (letmein needs 17 or later)" >&2; exit 1; }

made=""
# shellcheck disable=SC2086  # flags are words on purpose
if [ "$feature" -ge 25 ]; then
    # one step: the JVM runs the training, then starts a child JVM that assembles the cache
    if $limit "$java" $letmein_client_jvm_flags -XX:AOTCacheOutput="$new" -Xlog:disable \
            -Xlog:all=error:stderr -cp "$jar" letmein.client.cds.Training >"$work/aot.log" 2>&1 \
            && [ -s "$new" ]; then
        made="AOT cache (Java $feature)"
    else
        echo "$me: no AOT cache on Java $feature, making a CDS archive instead:" >&2
        tail -n 5 "$work/aot.log" | sed 's/^/    /' >&2
        rm -f "$new"
    fi
fi
if [ -z "$made" ] \
    && run classlist.log "$java" $letmein_client_jvm_flags -XX:DumpLoadedClassList="$work/letmein.classlist" \
        -Xlog:disable -Xlog:all=error:stderr -cp "$jar" letmein.client.cds.Training \
    && run dump.log "$java" $letmein_client_jvm_flags -Xshare:dump -XX:SharedClassListFile="$work/letmein.classlist" \
        -XX:SharedArchiveFile="$new" -Xlog:disable -Xlog:all=error:stderr -cp "$jar" \
    && [ -s "$new" ]; then
    made="static CDS archive (Java $feature)"
fi
if [ -z "$made" ]; then
    echo "$me: no start-up archive made; letmein works without it, only starts slower" >&2
    exit 1
fi
chmod 0644 "$new"
mv -f "$new" "$archive"
echo "$me: $archive: $made"
