"""The status's one line per run: what gives way first as the panel narrows."""

from PySide6.QtGui import QFont, QFontMetricsF

from gdviz.app.views.status import RunLine, fitted_line

LINE = RunLine("#e69f00", "Gradient descent", "GD", "t = 88, f = 0.0012, ‖∇f‖ = 9.7e-09",
               "Converged at step 88: ‖∇f‖ fell below 1e-08.", "x = (1, 2), ∇f = (0, 0)")


def plain(rich: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>", "</span>"):
        rich = rich.replace(tag, "")
    return rich.split(">", 1)[1]


def test_the_line_gives_way_in_order(qapp):
    font = QFont()
    font.setPointSize(24)
    metrics = QFontMetricsF(font)
    wide = fitted_line(LINE, 10_000, font)
    assert "Gradient descent" in wide and "fell below" in wide
    shown = []
    narrowest = int(metrics.horizontalAdvance("■ GD t = 88, f = 0.0012")) + 40
    for width in range(1200, narrowest, -10):
        text = plain(fitted_line(LINE, width, font))
        assert metrics.horizontalAdvance(text) <= width + 2 * metrics.averageCharWidth()
        shown.append(text)
    assert any(t.startswith("■ Gradient descent t = 88, f = 0.0012 — Converged at step 88")
               and "‖∇f‖" not in t for t in shown)
    assert any(t.startswith("■ GD t = 88") for t in shown)  # the short name before eliding
    assert shown[-1].startswith("■ GD t = 88, f = 0.0012")  # the numbers stay to the last
    first_short = next(i for i, t in enumerate(shown) if t.startswith("■ GD"))
    assert all("Gradient" not in t for t in shown[first_short:])
