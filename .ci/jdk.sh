# shellcheck shell=bash
# Sourced by the scripts that run the jar outside Maven (.ci/stack-check.sh, bench/run.sh): sets
# JAVA_HOME to a JDK 21 or newer, looking where Maven's toolchain discovery looks (pom.xml):
# JAVA_HOME first, then the usual install folders. Maven itself needs none of this.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "$JAVA_HOME" ]; then
  echo "No JDK 21 or newer in JAVA_HOME, /usr/lib/jvm, /opt/java, SDKMAN or ~/.jdks: install one, or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
