"""The explorations in the real window: the regression case study, the η sweep, basins."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from gdviz.core.presets import PRESETS
from gdviz.core.regression import cost, generate, least_squares, regression_view
from gdviz.core.sweep import measured_edge
from tests.gui.fuzz_actions import FREEZE_S, GapMeter
from tests.gui.test_core_loop import type_function, wait_ready

HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                     (3.584428, -1.848126)]


def toggle(window, name):
    window.findChild(QAction, f"{name}Action").trigger()
    return window.views.view(name)


def click(qtbot, window, name):
    widget = window.findChild(QPushButton, name)
    assert widget.isEnabled(), name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def fit_of(line):
    """(intercept, slope) of a drawn line."""
    x, y = line.getData()
    slope = (y[1] - y[0]) / (x[1] - x[0])
    return y[0] - slope * x[0], slope


def use_regression(qtbot, window):
    view = toggle(window, "regressionView")
    click(qtbot, window, "regressionApplyButton")
    wait_ready(qtbot, window, view.applied_text)
    return view


# -- regression ----------------------------------------------------------------------
def test_regression_cost_on_the_map_with_star_and_following_lines(qtbot, window):
    view = use_regression(qtbot, window)
    c, data = window.controller, generate()
    assert view.active and window.views.docks["regressionView"].isVisible()
    assert window.function_edit.text() == c.text == view.applied_text
    assert c.view == regression_view(data)
    theta = np.array([[0.3, -1.2], [1.0, 2.0]])
    np.testing.assert_allclose(c.objective.value(theta), cost(data, theta), rtol=1e-12)
    star = view.star
    assert star.isVisible() and star.scene() is window.contour.scene()
    np.testing.assert_allclose(star.getData(), np.array(least_squares(data))[:, None])
    assert c.groups[0].points.tolist() == [[0.0, 0.0]]

    for _ in range(2):
        click(qtbot, window, "stepButton")
    point = c.groups[0].points[0]
    assert np.allclose(fit_of(view.lines[0]), point, rtol=1e-12, atol=1e-12)
    assert f"θ = ({point[0]:.6g}, {point[1]:.6g})" in view.info_label.text()
    assert "least squares" in view.info_label.text()

    toggle(window, "regressionView")
    assert not view.active and not star.isVisible()
    click(qtbot, window, "stepButton")
    assert not np.allclose(fit_of(view.lines[0]), c.groups[0].points[0])  # not drawn


@pytest.mark.parametrize("optimizer, lr, steps", [("newton", 1.0, 5), ("gd", 0.2, 400)])
def test_a_converged_run_matches_lstsq(qtbot, window, optimizer, lr, steps):
    use_regression(qtbot, window)
    c = window.controller
    c.update_settings(optimizer=optimizer, lr=lr)
    c.step(steps)
    group = c.groups[0]
    assert group.status[0] != 0  # stopped by itself: converged
    np.testing.assert_allclose(group.points[0], least_squares(generate()), atol=1e-6)


def test_mse_convention_sets_its_cost_and_stop(qtbot, window):
    view = use_regression(qtbot, window)
    j_text = view.applied_text
    view.mse_check.setChecked(True)
    wait_ready(qtbot, window, view.applied_text)
    assert view.applied_text != j_text
    c, data = window.controller, generate()
    theta = np.array([[0.5, 1.5]])
    np.testing.assert_allclose(c.objective.value(theta), cost(data, theta, mse=True))
    assert c.settings.stop.x_tol == 1e-9 and c.settings.stop.grad_tol == 0
    view.mse_check.setChecked(False)
    wait_ready(qtbot, window, j_text)
    assert c.settings.stop.x_tol == 0 and c.settings.stop.grad_tol == 1e-8


def test_data_settings_follow_while_the_cost_is_shown(qtbot, window):
    view = use_regression(qtbot, window)
    view.theta1_spin.setValue(-1.0)
    wait_ready(qtbot, window, view.applied_text)
    t0, t1 = view.lstsq
    assert abs(t1 + 1) < 0.05 and view.star.getData()[1][0] == t1


def test_a_hostile_csv_is_refused_with_its_line(qtbot, window, tmp_path, monkeypatch):
    view = use_regression(qtbot, window)
    c = window.controller
    text, data = c.text, view.data
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3,4\n5,1e400\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    click(qtbot, window, "regressionLoadButton")
    error = window.findChild(QLabel, "regressionError")
    assert error.isVisible() and "line 4" in error.text() and "bad.csv" in error.text()
    assert view.data is data and c.text == text == window.function_edit.text()
    assert c.session is not None and not c.preparing  # nothing was re-parsed

    good = tmp_path / "good.csv"
    good.write_text("x,y\n0,1\n1,3\n2,5\n3,7\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    click(qtbot, window, "regressionLoadButton")
    assert not error.isVisible() and view.data.size == 4
    wait_ready(qtbot, window, view.applied_text)  # the map follows the new data's cost
    np.testing.assert_allclose(view.lstsq, (1, 2), atol=1e-12)


def test_the_case_study_round_trips_through_a_lesson(qtbot, window, tmp_path, monkeypatch):
    view = use_regression(qtbot, window)
    view.points_spin.setValue(30)
    view.mse_check.setChecked(True)
    wait_ready(qtbot, window, view.applied_text)
    synthetic, lstsq = view.applied_text, view.lstsq
    path = str(tmp_path / "regression.gdviz")
    assert window.files.save(path)

    good = tmp_path / "good.csv"
    good.write_text("x,y\n0,1\n1,3\n2,5\n3,7\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    click(qtbot, window, "regressionLoadButton")
    wait_ready(qtbot, window, view.applied_text)
    from_file = view.applied_text
    file_path = str(tmp_path / "file.gdviz")
    assert window.files.save(file_path)

    assert window.files.open(path)  # the synthetic data, MSE, 30 points
    wait_ready(qtbot, window, synthetic)
    assert view.in_mode() and view.points_spin.value() == 30 and view.mse_check.isChecked()
    assert view.lstsq == lstsq and view.star.isVisible()
    assert window.controller.settings.stop.x_tol == 1e-9  # the MSE's Δθ stop came back
    click(qtbot, window, "stepButton")
    assert np.allclose(fit_of(view.lines[0]), window.controller.groups[0].points[0])

    assert window.files.open(file_path)  # the file's four points, without the file
    wait_ready(qtbot, window, from_file)
    assert view.in_mode() and view.data.size == 4 and "good.csv" in view.source_label.text()
    np.testing.assert_allclose(view.lstsq, (1, 2), atol=1e-12)

    type_function(qtbot, window, "x^2 + y^2")  # not the cost: nothing of it is saved
    wait_ready(qtbot, window, "x^2 + y^2")
    assert window.lesson().regression is None


# -- the η sweep ---------------------------------------------------------------------
def test_sweep_edge_matches_two_over_lambda_max_and_click_replays(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    view = toggle(window, "sweepView")
    assert window.views.docks["sweepView"].isVisible()
    click(qtbot, window, "sweepRunButton")
    qtbot.waitUntil(lambda: view.result is not None, timeout=5000)
    result = view.result
    assert len(result.lrs) == 60 and result.lrs[-1] == pytest.approx(10)
    lo, hi = measured_edge(result)
    ratio = result.lrs[1] / result.lrs[0]
    assert lo < 1 / 3 < hi and hi / lo == pytest.approx(ratio)
    assert view.edge_line.isVisible() and 10 ** view.edge_line.value() == pytest.approx(1 / 3)
    assert view.diverged_marks.getData()[0].size == int(result.diverged.sum()) > 0
    assert view.progress.value() <= 0  # reset once done

    # a real click on the stable point just below the edge
    index = int(np.flatnonzero(result.lrs == lo)[0])
    k = int(np.flatnonzero(view.stable_index == index)[0])
    spot = view.curve.scatter.points()[k].pos()
    box = view.plot.getPlotItem().getViewBox()
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.plot.mapFromScene(box.mapViewToScene(spot)))
    c = window.controller
    assert c.settings.lr == lo and c.groups[0].settings.lr == lo
    assert c.playing and window.controls.learning_rate_spin.value() == pytest.approx(lo)
    c.pause()

    view.select(int(np.flatnonzero(result.diverged)[0]))  # a diverged one replays too
    assert c.settings.lr == result.lrs[result.diverged][0] and c.playing
    c.pause()

    type_function(qtbot, window, "x^2 + y^2")  # a new function: the result is stale
    qtbot.waitUntil(lambda: view.result is None, timeout=5000)
    toggle(window, "sweepView")
    assert not view.active and not window.views.docks["sweepView"].isVisible()


def test_a_new_function_cancels_a_running_sweep(qtbot, window):
    view = toggle(window, "sweepView")
    view.steps_spin.setValue(100_000)
    view.count_spin.setValue(100)
    window.controller.update_settings(stop=window.controller.settings.stop.__class__(
        grad_tol=0))
    click(qtbot, window, "sweepRunButton")
    qtbot.waitUntil(lambda: view.progress.value() > 0, timeout=5000)
    type_function(qtbot, window, "x^2 + y^2")
    qtbot.waitUntil(lambda: not view.job.running, timeout=5000)
    qtbot.waitUntil(lambda: not view.job.busy, timeout=10_000)
    assert view.result is None and "cancelled" in view.title.text()


# -- basins --------------------------------------------------------------------------
def load_himmelblau(qtbot, window):
    window.load_preset(PRESETS[4])
    wait_ready(qtbot, window, PRESETS[4].function)


def test_himmelblau_has_four_basins_on_the_map(qtbot, window):
    load_himmelblau(qtbot, window)
    view = toggle(window, "basinsView")
    view.grid_spin.setValue(60)
    click(qtbot, window, "basinsRunButton")
    qtbot.waitUntil(lambda: view.result is not None and not view.job.running, timeout=5000)
    result = view.result
    assert view.overlay.image.shape[:2] == (60, 60) and view.overlay.isVisible()
    assert view.overlay.zValue() > window.contour.image.zValue()
    assert view.overlay.zValue() < window.contour.isolines.zValue()
    assert "4 basins" in view.legend_rows[0]
    assert sum("</span> min (" in row for row in view.legend_rows) == 4
    assert "not settled: 0 starts" in view.legend_rows[-1]
    found = sorted(map(tuple, np.round(result.minima, 4)))
    assert np.allclose(found, sorted(HIMMELBLAU_MINIMA), atol=1e-4)
    np.testing.assert_allclose(np.column_stack(view.markers.getData()), result.minima)
    alpha = view.overlay.image[..., 3]
    assert (alpha == round(255 * 0.45)).all()  # every start settled: no hatching

    box = window.contour.getPlotItem().getViewBox()  # a zoom: computed again over it
    box.setRange(xRange=(0, 4), yRange=(-3, 3), padding=0)
    qtbot.waitUntil(lambda: view.result is not result and not view.job.running, timeout=5000)
    (x0, x1), (y0, y1) = box.viewRange()
    assert view.result.xs[0] == x0 and view.result.ys[-1] == y1
    assert view.result.labels.shape == (60, 60) and view.overlay.image.shape[:2] == (60, 60)
    for minimum in ((3.0, 2.0), (3.584428, -1.848126)):  # the two in sight
        assert np.abs(view.result.minima - minimum).max(axis=1).min() < 1e-4

    toggle(window, "basinsView")  # hidden: so is the overlay
    assert not view.overlay.isVisible() and not view.markers.isVisible()
    toggle(window, "basinsView")
    assert view.overlay.isVisible()
    type_function(qtbot, window, "x^2 + y^2")  # stale: cleared
    qtbot.waitUntil(lambda: view.result is None, timeout=5000)
    assert not view.overlay.isVisible()


def test_cancel_stops_a_big_job_promptly(qtbot, window):
    load_himmelblau(qtbot, window)
    c = window.controller
    c.update_settings(lr=0.001)
    view = toggle(window, "basinsView")
    view.steps_spin.setValue(5000)
    click(qtbot, window, "basinsRunButton")
    qtbot.waitUntil(lambda: view.progress.value() > 0, timeout=5000)
    assert view.job.running and view.cancel_button.isEnabled()
    click(qtbot, window, "basinsCancelButton")
    assert not view.job.running and view.progress.value() <= 0
    qtbot.waitUntil(lambda: not view.job.busy, timeout=10_000)  # the worker stops at its next check
    assert view.result is None and view.run_button.isEnabled()
    before = c.groups[0].steps[0]
    click(qtbot, window, "stepButton")  # the app goes on
    assert c.groups[0].steps[0] == before + 1


def test_the_event_loop_never_stalls_during_a_200_squared_job(qtbot, window):
    load_himmelblau(qtbot, window)
    view = toggle(window, "basinsView")
    qtbot.waitUntil(lambda: window.controller.grid.view == window.controller.view,
                    timeout=10_000)
    meter = GapMeter()
    click(qtbot, window, "basinsRunButton")
    meter.longest = 0.0
    qtbot.waitUntil(lambda: view.result is not None and not view.job.running, timeout=10_000)
    meter.stop()
    assert view.result.labels.shape == (200, 200)
    assert meter.longest < FREEZE_S, f"the event loop stalled {meter.longest * 1000:.0f} ms"
