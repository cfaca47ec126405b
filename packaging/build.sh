#!/usr/bin/env bash
# Build the one-folder app bundle dist/gdviz/ and dist/gdviz-VERSION-linux-ARCH.tar.gz, then
# check it with `gdviz --self-test` and print its sizes and start time (`make dist`).
# Linux only; on Windows and macOS run PyInstaller on packaging/gdviz.spec (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

# PyInstaller needs objdump (binutils) on Linux. The X11 client libraries that Qt's xcb
# plugin links are bundled from this machine, so the app starts on desktops that lack them
# (libxcb-cursor0 is often missing); libxcb, libwayland-*, libGL and libEGL stay the system's.
libs=(libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4
      libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-image.so.0:libxcb-image0
      libxcb-render-util.so.0:libxcb-render-util0 libxcb-randr.so.0:libxcb-randr0
      libxcb-shape.so.0:libxcb-shape0 libxcb-xkb.so.1:libxcb-xkb1
      libxcb-xfixes.so.0:libxcb-xfixes0 libxcb-sync.so.1:libxcb-sync1
      libxcb-shm.so.0:libxcb-shm0 libxcb-util.so.1:libxcb-util1
      libxkbcommon-x11.so.0:libxkbcommon-x11-0 libX11-xcb.so.1:libx11-xcb1
      libxcb-glx.so.0:libxcb-glx0 libwayland-client.so.0:libwayland-client0
      libwayland-cursor.so.0:libwayland-cursor0 libwayland-egl.so.1:libwayland-egl1)
missing=()
command -v objdump >/dev/null || missing+=(binutils)
known=$(ldconfig -p 2>/dev/null || true)  # captured: `| grep -q` would SIGPIPE under pipefail
for entry in "${libs[@]}"; do
  grep -q "${entry%%:*}" <<<"$known" || missing+=("${entry##*:}")
done
scripts/apt-install-missing.sh dist "${missing[@]}" || command -v objdump >/dev/null

stamp=.venv/.gdviz-dist-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "dist: installing PyInstaller (the dist extra) into .venv" >&2
  .venv/bin/python -m pip install -q -e ".[dev,dist]"
  touch "$stamp"
fi

version=$(.venv/bin/python -c "import gdviz; print(gdviz.__version__)")
arch=$(uname -m)
archive="dist/gdviz-${version}-linux-${arch}.tar.gz"
began=$(date +%s)
rm -rf dist/gdviz dist/gdviz-*-linux-*.tar.gz
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/gdviz.spec

# CPython's own libraries (libpython, lib-dynload) keep their debug information when Python
# was built from source (pyenv): about 23 MB. Strip the debug sections of those files only;
# numpy's, Pillow's and Qt's libraries are never touched.
internal=dist/gdviz/_internal
if command -v strip >/dev/null; then
  for lib in "$internal"/libpython3*.so* "$internal"/python3*/lib-dynload/*.so; do
    if [ -f "$lib" ] && [ ! -L "$lib" ]; then strip --strip-debug "$lib"; fi
  done
fi

# Linux desktop integration: the icon, the .desktop file and a script that installs both.
cp resources/gdviz.png dist/gdviz/gdviz.png
cp packaging/gdviz.desktop packaging/install-desktop-entry.sh dist/gdviz/
chmod +x dist/gdviz/install-desktop-entry.sh

tar -C dist -cf - gdviz | gzip -9 > "$archive"
built=$(( $(date +%s) - began ))

echo "dist: checking the bundle: dist/gdviz/gdviz --self-test"
start=$(date +%s%N)
if ! report=$(QT_QPA_PLATFORM=offscreen dist/gdviz/gdviz --self-test 2>/dev/null); then
  echo "$report"
  echo "dist: the bundle's self-test FAILED" >&2
  exit 1
fi
took=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
echo "$report" | sed 's/^/  /'

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
archive_bytes=$(stat -c %s "$archive")
folder_bytes=$(du -sb dist/gdviz | cut -f1)
paint=$(echo "$report" | sed -n 's/.*window painted \([0-9.]*\) s after process start.*/\1 s/p')
echo "dist: built in ${built} s"
echo "dist: archive  $archive  $(mib "$archive_bytes")"
echo "dist: unpacked dist/gdviz/  $(mib "$folder_bytes")"
echo "dist: start to first paint ${paint:-?} (whole self-test ${took} s)"
echo "dist: largest parts:"
find dist/gdviz -type f -size +3M -printf "%s %P\n" | sort -n -r \
  | awk '{ printf "  %6.1f MiB  %s\n", $1 / 1048576, $2 }'
