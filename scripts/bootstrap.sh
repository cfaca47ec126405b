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
known=$(ldconfig -p 2>/dev/null || true)  # captured: `| grep -q` would SIGPIPE under pipefail
for entry in "${libs[@]}"; do
  grep -q "${entry%%:*}" <<<"$known" || missing+=("${entry##*:}")
done
[ -n "$(fc-list 2>/dev/null || true)" ] || missing+=(fonts-dejavu-core fontconfig)
# The 3D tests (tests/gl) run on a virtual X screen with Mesa's software OpenGL, through
# Qt's xcb platform, which needs the xcb libraries below.
gl_libs=(libGLX_mesa.so.0:libglx-mesa0 libxcb-cursor.so.0:libxcb-cursor0
         libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1
         libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0
         libxcb-shape.so.0:libxcb-shape0 libxcb-randr.so.0:libxcb-randr0
         libxcb-xkb.so.1:libxcb-xkb1 libxkbcommon-x11.so.0:libxkbcommon-x11-0
         libX11-xcb.so.1:libx11-xcb1)
for entry in "${gl_libs[@]}"; do
  grep -q "${entry%%:*}" <<<"$known" || missing+=("${entry##*:}")
done
compgen -G "/usr/lib/*/dri/swrast_dri.so" >/dev/null || missing+=(libgl1-mesa-dri)
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xauth >/dev/null || missing+=(xauth)
scripts/apt-install-missing.sh bootstrap "${missing[@]}" || true  # tests say what fails

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
