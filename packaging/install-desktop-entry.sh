#!/bin/sh
# Add gdviz to this user's application menu: run it from the unpacked gdviz folder.
# Writes ~/.local/share/applications/gdviz.desktop pointing at this folder, and the icon.
# Undo with: rm ~/.local/share/applications/gdviz.desktop ~/.local/share/icons/hicolor/512x512/apps/gdviz.png
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons/hicolor/512x512/apps"
cp "$here/gdviz.png" "$data/icons/hicolor/512x512/apps/gdviz.png"
sed -e "s|^Exec=.*|Exec=\"$here/gdviz\"|" -e "s|^Icon=.*|Icon=$here/gdviz.png|" \
  "$here/gdviz.desktop" > "$data/applications/gdviz.desktop"
chmod +x "$data/applications/gdviz.desktop"
command -v update-desktop-database >/dev/null 2>&1 \
  && update-desktop-database "$data/applications" >/dev/null 2>&1 || true
echo "gdviz is now in your application menu ($data/applications/gdviz.desktop)."
