"""The loss plot: long and wild curves draw fast and exactly enough."""

import warnings

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from gdviz.app.views.loss import LossView, divergence_note
from gdviz.app.views.pixels import column_envelope
from gdviz.core.runs import DIVERGED
from tests.gui.test_core_loop import click_map, type_function, wait_ready


def shown_loss_view(qtbot, runs=1):
    view = LossView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    view.set_runs(["#E69F00"] * runs)
    return view


def test_oscillating_curve_draws_one_column_per_pixel(qtbot):
    view = shown_loss_view(qtbot)
    values = 1 + np.cos(np.pi * np.arange(100_000)) * np.linspace(1, 0.1, 100_000)
    view.update_runs([values])
    x, y = view.curves[0].getData()
    assert len(x) <= 2 * view.width()
    assert np.nanmax(y) == values.max() and np.nanmin(y) == values.min()  # extremes kept


def test_log_scale_over_hundreds_of_decades_has_few_ticks(qtbot):
    view = shown_loss_view(qtbot)
    view.set_log_scale(True)
    view.update_runs([np.logspace(300, -300, 500)])
    axis = view.getPlotItem().getAxis("left")
    image = QImage(600, 300, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings from 10^300 labels
        _, ticks, texts = axis.generateDrawSpecs(painter)
        painter.end()
        axis.setRange(-400.0, 400.0)  # nor from the unit prefix of a range beyond floats
    assert 0 < len(ticks) < 100 and texts


def test_column_envelope_keeps_each_columns_extremes_and_gaps():
    values = np.array([1.0, 5, 2, np.nan, np.inf, 3, 4, 0, 9, np.nan, np.nan, np.nan])
    x, y = column_envelope(values, 3)
    np.testing.assert_array_equal(x, [0, 0, 3, 3, 6, 6, 9, 9])
    np.testing.assert_array_equal(y, [1, 5, 3, 3, 0, 9, np.nan, np.nan])
    x, y = column_envelope(values[:3], 1.0)  # fewer values than columns: all of them
    np.testing.assert_array_equal(y, values[:3])


def from_scratch(view, values):
    """What the curve would show were ``values`` drawn at once (the old way)."""
    pixel = view.getPlotItem().getViewBox().viewPixelSize()[0]
    if view.log_scale:
        values = np.where(values > 0, values, np.nan)
    return column_envelope(values, pixel)


def assert_drawn(view, index, values):
    x, y = view.curves[index].getData()
    want_x, want_y = from_scratch(view, values)
    if view.log_scale:  # pyqtgraph keeps log10 of the data on a log axis
        want_y = np.log10(want_y)
    np.testing.assert_array_equal(x, want_x)
    np.testing.assert_array_equal(y, want_y)


@pytest.mark.parametrize("log", [False, True])
def test_a_growing_curve_drawn_step_by_step_equals_it_drawn_at_once(qtbot, log):
    view = shown_loss_view(qtbot, runs=2)
    view.set_log_scale(log)
    rng = np.random.default_rng(1)
    values = np.exp(rng.normal(size=20_000)) * np.cos(np.arange(20_000))  # some ≤ 0
    values[[50, 3000, 3001, 12_345]] = [np.nan, np.inf, -np.inf, np.nan]
    still = values[:700]  # a stopped run: its curve stays as drawn
    n = 1
    while n < len(values):  # a step, then a few, then many: open columns grow
        view.update_runs([values[:n], still])
        assert_drawn(view, 0, values[:n])
        assert_drawn(view, 1, still)  # also when the x axis (its columns) changed
        n += max(1, n // 7)
    lo, hi = view.getPlotItem().getViewBox().viewRange()[1]
    shown = values[np.isfinite(values) & ((values > 0) if log else True)]
    low, high = (np.log10([shown.min(), shown.max()]) if log else (shown.min(), shown.max()))
    assert lo < low and high < hi  # the y axis fits every value seen


def test_a_rewritten_run_is_drawn_anew(qtbot):
    view = shown_loss_view(qtbot)
    first = np.linspace(10, 1, 5000)
    view.update_runs([first])
    assert_drawn(view, 0, first)
    back = first[:4000]  # stepped back
    view.update_runs([back])
    assert_drawn(view, 0, back)
    other = np.concatenate([back[:3999], np.linspace(1, 0.5, 2001)])  # then other steps
    view.update_runs([other])
    assert_drawn(view, 0, other)
    restarted = np.linspace(3, 2, 6000)  # a new run (restart): as long, other values
    view.update_runs([restarted])
    assert_drawn(view, 0, restarted)
    view.set_runs(["#E69F00"])  # a reset empties the curve
    assert len(view.values(0)) == 0


def test_divergence_note_from_the_range_of_f():
    class Diverged:
        status = np.array([DIVERGED])

    assert divergence_note([Diverged()], 1e-3, 1e300)[0] is True
    assert divergence_note([Diverged()], -1e300, 5.0)[0] is False
    assert divergence_note([Diverged()], np.inf, -np.inf)[0] is False  # no finite f at all
    assert divergence_note([Diverged()], 1.0, 2.0) == (None, "")


def test_loss_plot_follows_steps_back_and_a_new_rate(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    c = window.controller
    c.step(5)
    c.step_back()
    c.step_back()
    c.update_settings(lr=0.01)
    c.step(4)
    group = c.groups[0]
    np.testing.assert_array_equal(window.loss.values(0), group.losses(0))
    assert len(window.loss.values(0)) == 8
