#!/usr/bin/env bash
# Usage: apt-install-missing.sh WHO PACKAGE...  Installs Debian packages when run as root
# (Debian/Ubuntu); otherwise prints the apt-get line to run and exits 1.
set -euo pipefail
who=$1; shift
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "$who: installing: $*" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
else
  echo "$who: please install: sudo apt-get install $*" >&2
  exit 1
fi
