"""The loss plot: long and wild curves draw fast and exactly enough."""

import warnings

import numpy as np
from PySide6.QtGui import QImage, QPainter

from gdviz.app.views.loss import LossView
from gdviz.app.views.pixels import column_envelope


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
