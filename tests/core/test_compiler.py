"""Compiling f(x, y): derivatives, broadcasting, rich text and the worker process."""

import marshal
import pickle
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.compiled import CompiledFunction
from gdviz.core.compiler import (
    compile_function,
    differentiate,
    hessian,
    keep_short_groups_whole,
)
from gdviz.core.expression import ExpressionError, parse

X, Y = sympy.symbols("x y", real=True)
DEFAULT = "(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)"
ROOT = Path(__file__).resolve().parents[2]

SMOOTH = [
    DEFAULT,
    "x^2 + 3y^2",
    "(1-x)^2 + 100(y-x^2)^2",
    "sin(x) cos(y)",
    "e^(-x^2-y^2)",
    "log(1 + x^2 + y^2)",
    "sqrt(x^2 + y^2 + 1)",
    "atan2(y, x + 10)",
    "tanh(x y) + x^3 - 3x y^2",
    "x^2/(y^2+1) + 2^x",
]


@pytest.fixture(scope="module")
def points():
    return np.random.default_rng(3).uniform(-2, 2, (40, 2))


@pytest.mark.parametrize("text", SMOOTH)
def test_gradient_matches_central_differences(text, points):
    fn = compile_function(text)
    h = 1e-6
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    numeric = np.stack(
        [
            (fn.value(points + ex) - fn.value(points - ex)) / (2 * h),
            (fn.value(points + ey) - fn.value(points - ey)) / (2 * h),
        ],
        axis=1,
    )
    np.testing.assert_allclose(fn.gradient(points), numeric, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("text", SMOOTH)
def test_hessian_matches_differences_of_the_gradient(text, points):
    fn = compile_function(text)
    h = 1e-6
    columns = [
        (fn.gradient(points + step) - fn.gradient(points - step)) / (2 * h)
        for step in (np.array([h, 0.0]), np.array([0.0, h]))
    ]
    numeric = np.stack(columns, axis=2)
    np.testing.assert_allclose(fn.hessian(points), numeric, rtol=1e-4, atol=1e-4)


def test_constant_gradients_broadcast(points):
    fn = compile_function("3x+2y")
    assert fn.gradient(points).shape == (len(points), 2)
    assert (fn.gradient(points) == [3.0, 2.0]).all()
    grid_x, grid_y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    gx, gy = fn.grad(grid_x, grid_y)
    assert gx.shape == gy.shape == (3, 4)
    assert fn.f(grid_x, grid_y).shape == (3, 4)
    assert compile_function("7").value(points).shape == (len(points),)
    assert compile_function("7").hessian(points).shape == (len(points), 2, 2)


def test_hessian_of_a_quadratic(points):
    hessian = compile_function("x^2+3y^2").hessian(points)
    assert hessian.shape == (len(points), 2, 2)
    assert (hessian == [[2.0, 0.0], [0.0, 6.0]]).all()


def test_hessian_is_derived_with_the_gradient():
    _, gradient = differentiate(parse("x^2 y"))
    assert hessian(gradient) == ((2 * Y, 2 * X), (2 * X, 0))
    fn = compile_function("x^2 y")
    assert fn.hessian(np.array([[1.0, 3.0]])).tolist() == [[[6.0, 2.0], [2.0, 0.0]]]
    assert "2\u00a0y" in fn.hessian_html() and "∂²f/∂x∂y" in fn.hessian_html()


def test_derivative_of_abs_is_sign():
    fn = compile_function("abs(x) + y^2")
    assert differentiate(fn.formula)[1][0] == sympy.sign(X)
    gradient = fn.gradient(np.array([[-2.0, 1.0], [3.0, 0.0], [0.0, 0.0]]))
    assert gradient.tolist() == [[-1.0, 2.0], [1.0, 0.0], [0.0, 0.0]]
    assert fn.hessian(np.array([[0.0, 0.0], [1.0, 1.0]]))[:, 0, 0].tolist() == [0.0, 0.0]


def test_max_and_min_are_differentiable_almost_everywhere():
    fn = compile_function("max(x, y, 1) + min(x, 2)")
    gradient = fn.gradient(np.array([[3.0, 0.0], [0.0, 3.0], [0.0, 0.0], [5.0, 0.0]]))
    assert gradient.tolist() == [[1.0, 0.0], [1.0, 1.0], [1.0, 0.0], [1.0, 0.0]]
    assert np.isfinite(fn.hessian(np.array([[3.0, 0.0]]))).all()


def test_values_outside_the_domain_are_nan_without_warnings():
    fn = compile_function("log(x) + y + x^(1/3)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = fn.value(np.array([[-1.0, 0.0], [1.0, 2.0]]))
        gradient = fn.gradient(np.array([[-1.0, 0.0], [0.0, 0.0]]))
        hessian = fn.hessian(np.array([[-1.0, 0.0]]))
    assert np.isnan(values[0]) and values[1] == 3.0
    assert np.isnan(gradient[:, 0]).all() and (gradient[:, 1] == 1.0).all()
    assert np.isnan(hessian[0, 0, 0])


def test_value_and_gradient_at_a_point():
    fn = compile_function("x^2 + 3y")
    assert fn.value_and_gradient_at(2.0, 1.0) == (7.0, (4.0, 3.0))


def test_agrees_with_the_formula_interpreter(points):
    fn = compile_function(DEFAULT)
    expected = parse(DEFAULT).evaluate(points[:, 0], points[:, 1])
    np.testing.assert_allclose(fn.value(points), expected, rtol=1e-12)
    assert fn.formula.text == fn.text == DEFAULT


def test_rebuilds_from_its_compiled_form(points):
    fn = compile_function(DEFAULT)
    rebuilt = CompiledFunction(fn.form)
    copied = pickle.loads(pickle.dumps(fn))
    for other in (rebuilt, copied):
        assert other.form == fn.form and other.math_html() == fn.math_html()
        np.testing.assert_array_equal(other.gradient(points), fn.gradient(points))
        np.testing.assert_array_equal(other.hessian(points), fn.hessian(points))


def test_compiled_code_may_only_use_numpy():
    def escape(x, y):
        return __import__("os").system("true")

    form = compile_function("x").form
    with pytest.raises(ValueError, match="unknown names: __import__"):
        CompiledFunction(replace(form, grad_code=marshal.dumps(escape.__code__)))
    with pytest.raises(ValueError, match="not the code"):
        CompiledFunction(replace(form, f_code=marshal.dumps((1, 2))))


@pytest.mark.parametrize(
    "text", [DEFAULT, "x^2 + 3y^2", "π x - √(y) + e^x", "x^-2 + y^(1/3)", "abs(x) max(x, y)"]
)
def test_math_html_is_rich_text_without_python_operators(text):
    fn = compile_function(text)
    html = fn.math_html()
    assert set(html) == {"f", "dfdx", "dfdy"}
    for value in [*html.values(), fn.hessian_html()]:
        assert "**" not in value and "*" not in value and "-" not in value
        assert "Abs" not in value and "Max" not in value


def test_math_html_looks_like_mathematics():
    html = compile_function("x^2 + 3y^2 - π x + √y").math_html()
    assert "x<sup>2</sup>" in html["f"] and "π" in html["f"] and "√y" in html["f"]
    assert "−" in html["f"]
    assert html["dfdx"] == "2\u00a0x − π"
    decimal = compile_function("0.5 x^2 + 1.5e-3 y").math_html()["f"]
    assert decimal == "x<sup>2</sup>/\u20602 + 0.0015\u00a0y"  # "/2" never parts
    assert compile_function("3 * 2^x").math_html()["f"].startswith("3·2<sup>x</sup>")


def test_hessian_html_is_a_table_of_second_derivatives():
    html = compile_function("x^2 y + 3y^2").hessian_html()
    assert html.startswith("<table") and html.endswith("</table>")
    assert "∂²f/∂x² =&nbsp;</td><td>2\u00a0y</td>" in html
    assert "∂²f/∂x∂y =&nbsp;</td><td>2\u00a0x</td>" in html
    assert "∂²f/∂y² =&nbsp;</td><td>6</td>" in html


@pytest.mark.parametrize(
    "text",
    ["(2x)^(10^15)", "exp(10^15 log(2x))", "((2x)^1000)^1000", "(1.0000001 x)^1000 + y"],
)
def test_huge_exponents_compile_quickly(text, points):
    start = time.perf_counter()
    fn = compile_function(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fn.value(points), fn.gradient(points), fn.math_html()
    assert time.perf_counter() - start < 20.0  # a hang guard: sympy must not expand them


@pytest.mark.parametrize("text", ["sin(x", "", "x.__class__", "1/0", "asin(x^2 + 2)", "0^x"])
def test_refusals_are_expression_errors(text):
    with pytest.raises(ExpressionError):
        compile_function(text)


LEAVES = st.sampled_from(["x", "y", "2", "0.5", "pi", "e", "3", "-1", "1000"])
FUNCTIONS = ["sin", "cos", "exp", "log", "sqrt", "abs", "tanh", "atan", "asin"]
FORMULAS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", " "]), inner).map(
            lambda t: f"({t[0]}){t[1]}({t[2]})"
        ),
        st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["max", "min", "atan2"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(FORMULAS)
def test_random_formulas_compile_or_are_refused(text):
    try:
        fn = compile_function(text)
    except ExpressionError:
        return
    grid = np.random.default_rng(0).uniform(-3, 3, (20, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fn.value(grid).shape == (20,)
        assert fn.gradient(grid).shape == (20, 2)
    assert "*" not in "".join(fn.math_html().values())


def test_formulas_wrap_between_terms_never_inside_a_short_bracket():
    html = compile_function("(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)").math_html()
    assert html["f"].startswith("(x\u00a0−\u00a01)<sup>2</sup> + 2\u00a0(y\u00a0−\u00a02)")
    assert "sin(3\u00a0x)" in html["f"] and "sin(3\u00a0y)" in html["f"]
    assert " + " in html["f"]  # the terms still part where a line must break
    long = keep_short_groups_whole("exp(x + y + x y + x + y + x y + x + y)")
    assert long == "exp(x + y + x y + x + y + x y + x + y)"  # too long: it may wrap inside
    assert keep_short_groups_whole("a (b + (c d)) e") == "a (b\u00a0+\u00a0(c\u00a0d)) e"
