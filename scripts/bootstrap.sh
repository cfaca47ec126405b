#!/usr/bin/env bash
# Make a fresh clone runnable: Qt's system libraries (Debian) and a local virtual
# environment with gdviz and its test tools. Safe to run again: it redoes only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt needs these shared libraries even offscreen; Debian images often lack them.
libs=(libGL.so.1:libgl1 libEGL.so.1:libegl1 libfontconfig.so.1:libfontconfig1
      libxkbcommon.so.0:libxkbcommon0 libglib-2.0.so.0:libglib2.0-0 libdbus-1.so.3:libdbus-1-3
      libfreetype.so.6:libfreetype6)
missing=()
for entry in "${libs[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "${entry%%:*}" || missing+=("${entry##*:}")
done
fc-list 2>/dev/null | grep -q . || missing+=(fonts-dejavu-core fontconfig)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing system libraries: ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "bootstrap: Qt needs: sudo apt-get install ${missing[*]}" >&2
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv" >&2
  "$python" -m venv .venv
fi
stamp=.venv/.gdviz-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing gdviz and its dependencies into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi
