"""Open the window in a given state, for screenshots: views, preset, theme, steps, size.

Example (from the repo root, with ../shared/tools/screenshot-window):
    screenshot-window out.png 6 1280x720 -- .venv/bin/python scripts/show.py \
        --views fieldView,lossView --preset 3 --theme dark --steps 20
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", help="comma-separated view names to show besides defaults")
    parser.add_argument("--only", help="comma-separated view names: exactly these are shown")
    parser.add_argument("--preset", type=int, default=1, help="preset number (1 = default)")
    parser.add_argument("--function", help="a function instead of the preset's")
    parser.add_argument("--race", help="comma-separated optimizers to race")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--text-size", type=int)
    parser.add_argument("--steps", type=int, default=0, help="steps to take once ready")
    parser.add_argument("--size", default="1280x720", help="window size WxH")
    parser.add_argument("--plots-only", action="store_true")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings, QStandardPaths, QTimer

    from gdviz.app import create_window, ensure_app
    from gdviz.core.presets import PRESETS

    app = ensure_app()
    QStandardPaths.setTestModeEnabled(True)  # the user's own settings are left alone
    QSettings().clear()
    window = create_window(start=False)
    window.load_preset(PRESETS[args.preset - 1])
    if args.function:
        window.function_edit.setText(args.function)
        window.apply_function()
    if args.only is not None:
        window.views.show_only([n for n in args.only.split(",") if n])
    for name in (args.views or "").split(","):
        if name:
            window.views.set_shown(name, True)
    window.menus.set_theme(args.theme)
    if args.text_size:
        window.menus.set_text_size(args.text_size)
    if args.race:
        window.controls.set_race_selection(args.race.split(","))
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    if args.plots_only:
        window.menus.plots_only_action.setChecked(True)

    def when_ready() -> None:
        if window.controller.session is None:
            QTimer.singleShot(50, when_ready)
            return
        window.controller.step(args.steps)

    QTimer.singleShot(50, when_ready)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
