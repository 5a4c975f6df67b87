# Shared by bin/letmein, bin/letmeind, bin/letmeinfwd and bin/make-cds-archive.sh (sourced, not run).
# Finds the program's jar either in a built source tree (<home>/<module>/target/<module>.jar) or in
# an installed tree (<home>/lib/<module>.jar), where <home> is the parent of this bin/ directory after
# resolving symlinks (so /usr/bin/letmein -> /usr/share/letmein/bin/letmein works).
# Usage: letmein_launch MODULE [JVM flags...] -- [program args...]

# The client's JVM flags, here because two scripts need exactly these: bin/letmein at every start, and
# bin/make-cds-archive.sh for the training run and dump of the client's start-up archive. The JVM maps
# an archive's heap objects only under the GC (and heap layout) that wrote them, so an archive made
# under other flags loses part of its gain or is ignored. What each flag does: see bin/letmein.
letmein_client_jvm_flags="-XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=10 -XX:+UseG1GC -Xmx128m -XX:-UsePerfData -Xss512k"

letmein_home() {
    self=$(readlink -f "$1")
    dirname "$(dirname "$self")"
}

# The java the programs run on: $JAVA_HOME/bin/java when that exists, else the first java on PATH.
letmein_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        echo "$JAVA_HOME/bin/java"
    else
        echo java
    fi
}

letmein_launch() {
    module=$1
    shift
    home=${LETMEIN_HOME:-$(letmein_home "$0")}
    jar=""
    for candidate in "$home/$module/target/$module.jar" "$home/lib/$module.jar"; do
        if [ -f "$candidate" ]; then
            jar=$candidate
            break
        fi
    done
    if [ -z "$jar" ]; then
        echo "$(basename "$0"): cannot find $module.jar under $home (run 'mvn -B package -DskipTests' first)" >&2
        exit 1
    fi
    java_bin=java    # letmein_java, inline: $(...) would fork a subshell at every start
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        java_bin="$JAVA_HOME/bin/java"
    fi
    jvm_flags=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        jvm_flags="$jvm_flags $1"
        shift
    done
    [ "${1:-}" = "--" ] && shift
    # shellcheck disable=SC2086  # flags are words on purpose
    exec "$java_bin" $jvm_flags ${LETMEIN_JAVA_OPTS:-} -jar "$jar" "$@"
}
