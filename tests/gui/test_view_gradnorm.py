"""The ‖∇f‖ plot: one curve per run, equal to the length of its gradients."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QPushButton


def toggle(window):
    window.findChild(QAction, "gradNormViewAction").trigger()


def expected(group, row):
    n = int(group.steps[row]) + 1
    grads = group.column("grads")[:n, row]
    return np.hypot(grads[:, 0], grads[:, 1])


def test_curves_are_the_gradient_lengths_and_follow_a_step(qtbot, window):
    toggle(window)
    view = window.views.view("gradNormView")
    assert view.active and window.views.docks["gradNormView"].isVisible()
    check = window.findChild(QCheckBox, "gradNormLogCheck")
    assert check.isChecked() and view.plot.log_scale  # log by default
    step = window.findChild(QPushButton, "stepButton")
    for _ in range(3):
        qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    group = window.controller.groups[0]
    assert len(view.plot.curves) == group.size == 3
    for row in range(group.size):
        np.testing.assert_allclose(view.values(row), expected(group, row))
        assert len(view.values(row)) == 4
    check.click()  # linear axis: the same values
    assert not view.plot.log_scale
    np.testing.assert_allclose(view.values(0), expected(group, 0))

    toggle(window)
    assert not view.active and not window.views.docks["gradNormView"].isVisible()
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    assert len(view.values(0)) == 4  # not drawn while hidden


def test_follows_the_legend_and_run_colours(qtbot, window):
    legend = window.contour.legend
    legend.set_visible(1, False)  # hidden before the view is built
    toggle(window)
    view = window.views.view("gradNormView")
    assert [c.isVisible() for c in view.plot.curves] == [True, False, True]
    legend.set_visible(1, True)
    legend.set_visible(0, False)
    assert [c.isVisible() for c in view.plot.curves] == [False, True, True]
    colours = [c.opts["pen"].color().name().upper() for c in view.plot.curves]
    assert colours == ["#E69F00", "#56B4E9", "#009E73"]


def test_a_short_log_axis_labels_only_powers_of_ten(qtbot):
    from gdviz.app.views.gradnorm import GradNormPlot

    plot = GradNormPlot()
    qtbot.addWidget(plot)
    plot.set_log_scale(True)
    axis = plot.getPlotItem().getAxis("left")
    ticks = axis.tickValues(-1.05, 1.2, 120)  # 0.1 … 16 on 120 px: 2 … 9 × 10^k would collide
    assert [values for _, values in ticks] == [[-1.0, 0.0, 1.0]]
    assert len(axis.tickValues(-1.05, 1.2, 2000)[-1][1]) > 3  # room enough: minor ticks too


def test_curves_follow_steps_back_and_other_steps(qtbot, window):
    toggle(window)
    view = window.views.view("gradNormView")
    c = window.controller
    c.step(6)
    c.step_back()
    c.step_back()
    c.update_settings(lr=c.settings.lr / 3)  # the steps taken anew go elsewhere
    c.step(3)
    group = c.groups[0]
    for row in range(group.size):
        np.testing.assert_allclose(view.values(row), expected(group, row))
    c.restart()
    c.step()
    for row in range(group.size):
        np.testing.assert_allclose(view.values(row), expected(c.groups[0], row))


def test_trace_computes_only_new_rows_and_notices_a_rewrite():
    from gdviz.app.views.gradnorm import GradNormTrace

    grads = np.random.default_rng(0).normal(size=(500, 2))
    trace = GradNormTrace()
    for n in (1, 2, 70, 71, 500):
        np.testing.assert_array_equal(trace.update(grads[:n]), np.hypot(*grads[:n].T))
    other = grads.copy()
    other[300:] *= 2  # stepped back to 300, then other steps
    np.testing.assert_array_equal(trace.update(other), np.hypot(*other.T))
    np.testing.assert_array_equal(trace.update(grads[:10]), np.hypot(*grads[:10].T))
