"""Headless pictures: the contour map with a finished descent, rendered offscreen."""

from __future__ import annotations

import os

import numpy as np


def _offscreen_app():
    from gdviz.cli import has_display

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from gdviz.app import ensure_app

    return ensure_app()


def _size(text: str) -> tuple[int, int]:
    from gdviz.cli import UsageError

    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size needs WIDTHxHEIGHT, e.g. 1280x800; got {text!r}") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise UsageError("--size must be between 200x200 and 8000x8000")
    return width, height


def render_png(out: str, size: str = "1280x800", function: str | None = None,
               start: tuple[float, float] | None = None, settings=None) -> str:
    """Run a descent to its end and save the contour map with its path; returns a summary."""
    from gdviz.core.compiler import compile_function
    from gdviz.core.grid import ViewRange, sample_grid
    from gdviz.core.presets import DEFAULT_PRESET
    from gdviz.core.runs import RunGroup, RunSettings

    width, height = _size(size)
    app = _offscreen_app()
    from gdviz.app.views.contour import ContourView, RunFrame

    preset = DEFAULT_PRESET
    function = function or preset.function
    starts = [start] if start else list(preset.starts)
    settings = settings or RunSettings(lr=preset.lr)
    objective = compile_function(function)
    group = RunGroup(objective, np.array(starts, dtype=float), settings)
    while group.step():
        pass
    if function == preset.function:
        view = preset.view
    else:
        pts = np.concatenate([group.path(i) for i in range(group.size)])
        lo, hi = pts.min(0), pts.max(0)
        pad = np.maximum((hi - lo) * 0.25, 1.0)
        view = ViewRange(lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
    view_widget = ContourView()
    view_widget.resize(width, height)
    view_widget.show_grid(sample_grid(objective.f, view), reset_range=True)
    view_widget.set_runs([f"start ({x:.3g}, {y:.3g})" for x, y in starts], starts)
    paths = [group.path(i) for i in range(group.size)]
    view_widget.update_runs([RunFrame(path, group.grads[i], path[-1], False)
                             for i, path in enumerate(paths)])
    view_widget.show()
    app.processEvents()
    if not view_widget.grab().save(out):
        raise OSError(f"could not write {out}")
    view_widget.close()
    lines = [f"Saved {out} ({width}x{height}): f = {function}"]
    for i in range(group.size):
        path = paths[i]
        shown = " → ".join(f"({x:.4g}, {y:.4g})" for x, y in path[:4])
        lines.append(f"  run {i + 1}: {shown}{' → …' if len(path) > 5 else ''} → "
                     f"({path[-1, 0]:.4g}, {path[-1, 1]:.4g}), f = {group.values[i]:.6g}; "
                     f"{group.message(i)}")
    return "\n".join(lines)
