"""The command line's explorations: the regression case study, a learning-rate sweep and
basins of attraction (the options are registered on the parser of :mod:`gdviz.cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gdviz.cli import UsageError, check_outputs
from gdviz.core.safe_files import write_csv_rows

REGRESSION_ONLY = ("points", "theta0", "theta1", "data")
DATA_NOISE, DATA_SEED = 0.1, 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the exploration options on the main parser."""
    reg = parser.add_argument_group(
        "the linear-regression case study",
        "With --regression, f is the cost J(θ0, θ1) = 1/(2m) Σ(θ0 + θ1 x − y)² of fitting a "
        "line to data, on the map x = θ0 and y = θ1; the descent starts at --start "
        "(default 0,0) and the least-squares θ is printed. Under --regression, --noise S "
        f"and --seed K describe the data: noise σ (default {DATA_NOISE:g}) and its seed "
        f"(default {DATA_SEED}); the gradient gets no noise.")
    reg.add_argument("--regression", action="store_true",
                     help="minimise the cost of fitting y = θ0 + θ1 x")
    reg.add_argument("--points", type=int, metavar="N", help="data points (default 100)")
    reg.add_argument("--theta0", type=float, metavar="A", help="true θ0 (default 1)")
    reg.add_argument("--theta1", type=float, metavar="B", help="true θ1 (default 2)")
    reg.add_argument("--data", metavar="FILE.csv",
                     help="fit these (x, y) rows instead (header optional; a bad line exits 2)")
    reg.add_argument("--mse", action="store_true",
                     help="the blog post's MSE 1/m Σ(…)² (2/m gradient), stopped when "
                     "‖Δθ‖ < 1e-9 unless --x-tol is given")
    ex = parser.add_argument_group(
        "explorations (with --function and --start, --lesson or --regression)")
    ex.add_argument("--sweep-csv", metavar="PATH",
                    help="run the descent at log-spaced learning rates at once and write "
                    "lr,final_f,diverged")
    ex.add_argument("--sweep-min", type=float, default=1e-4, metavar="A",
                    help="smallest η of the sweep (default 1e-4)")
    ex.add_argument("--sweep-max", type=float, default=1.0, metavar="B",
                    help="largest η of the sweep (default 1)")
    ex.add_argument("--sweep-count", type=int, default=60, metavar="N",
                    help="learning rates in the sweep (default 60)")
    ex.add_argument("--basins-csv", metavar="PATH",
                    help="descend from every start of a grid over --view and write "
                    "x0,y0,basin,x_end,y_end (basin -1: did not settle); --steps "
                    "defaults to 200")
    ex.add_argument("--basins-grid", type=int, default=200, metavar="N",
                    help="starts per side of the basins grid (default 200)")


def _given(arguments: Sequence[str], *flags: str) -> dict[str, bool]:
    """Which of ``flags`` the user typed (abbreviations and the = form included)."""
    probe = argparse.ArgumentParser(add_help=False)
    for flag in flags:
        probe.add_argument(f"--{flag}", default=None)
    known, _ = probe.parse_known_args(list(arguments))
    return {flag: getattr(known, flag.replace("-", "_")) is not None for flag in flags}


def run_explorations(args: argparse.Namespace, arguments: Sequence[str]) -> int | None:
    """Run what the exploration options ask for; None when none was given."""
    for name in REGRESSION_ONLY + ("mse",):
        if getattr(args, name) not in (None, False) and not args.regression:
            raise UsageError(f"--{name} needs --regression")
    if not (args.regression or args.sweep_csv or args.basins_csv):
        return None
    check_outputs(args, ("sweep_csv", "basins_csv"))
    theta = _regression(args, arguments) if args.regression else None
    if args.sweep_csv:
        _sweep(args)
    if args.basins_csv:
        _basins(args)
    code = 0
    outputs = (args.export_csv, args.export_png, args.export_gif, args.save_lesson,
               getattr(args, "export_mp4", None))
    if args.regression or any(outputs):
        from gdviz.cli import run_headless

        code = run_headless(args)
    if theta is not None:
        print(f"least squares: theta0 = {theta[0]!r}, theta1 = {theta[1]!r}")
    return code


def _regression(args: argparse.Namespace, arguments: Sequence[str]) -> tuple[float, float]:
    """Turn --regression into --function (the cost), --start and --view; return lstsq θ."""
    from gdviz.core import regression as rg

    if args.function or args.lesson:
        raise UsageError("--regression replaces --function and --lesson; give only one")
    given = _given(arguments, "noise", "seed", "x-tol")
    if args.data:
        clash = [f"--{n}" for n in ("points", "theta0", "theta1") if getattr(args, n) is not None]
        clash += [f"--{n}" for n in ("noise", "seed") if given[n]]
        if clash:
            raise UsageError(f"--data cannot be combined with {', '.join(clash)}")
        try:
            data = rg.load_csv(args.data)
        except rg.RegressionDataError as exc:
            raise UsageError(f"--data {args.data}: {exc}") from None
    else:
        settings = rg.DataSettings(
            points=100 if args.points is None else args.points,
            noise=args.noise if given["noise"] else DATA_NOISE,
            theta0=1.0 if args.theta0 is None else args.theta0,
            theta1=2.0 if args.theta1 is None else args.theta1,
            seed=args.seed if given["seed"] else DATA_SEED)
        try:
            data = rg.generate(settings)
        except ValueError as exc:
            raise UsageError(f"--regression: {exc}") from None
    args.noise, args.seed = 0.0, 0  # they described the data, not the gradient
    args.function = rg.cost_text(data, mse=args.mse)
    args.start = args.start or "0,0"
    if args.view is None:
        v = rg.regression_view(data)
        args.view = f"{v.xmin!r},{v.xmax!r},{v.ymin!r},{v.ymax!r}"
    if args.mse and not given["x-tol"]:
        args.x_tol = rg.MSE_STEP_THRESHOLD
    print(f"gdviz: regression on {data.size} points ({data.source}); J = {args.function}",
          file=sys.stderr)
    return rg.least_squares(data)


def _setup(args: argparse.Namespace, what: str, need_start: bool):
    """(lesson, compiled objective) for an exploration; UsageError on bad input."""
    from dataclasses import replace

    from gdviz.cli import lesson_from_args
    from gdviz.core.compiler import compile_function
    from gdviz.core.expression import ExpressionError

    if not (args.function or args.lesson):
        raise UsageError(f"{what} needs --function (with --start), --lesson or --regression")
    if args.schedule != "constant" or args.noise:
        raise UsageError(f"{what} uses a constant η and exact gradients: drop --schedule "
                         "and --noise")
    start = args.start
    if not need_start and args.function and args.start is None:
        args.start = "0,0"  # not used: every grid point is a start
    try:
        lesson = lesson_from_args(args)
    finally:
        args.start = start
    try:
        objective = compile_function(lesson.function)
    except ExpressionError as exc:
        raise UsageError(f"--function: {exc}") from None
    if args.steps is None and not need_start:  # basins: 200 steps unless told
        lesson = replace(lesson, settings=replace(
            lesson.settings, stop=replace(lesson.settings.stop, max_steps=200)))
    return lesson, objective


def _sweep(args: argparse.Namespace) -> None:
    import numpy as np

    from gdviz.core.sweep import constant_hessian, divergence_threshold, log_lrs, measured_edge
    from gdviz.core.sweep import sweep as run_sweep

    lesson, objective = _setup(args, "--sweep-csv", need_start=True)
    try:
        lrs = log_lrs(args.sweep_min, args.sweep_max, args.sweep_count)
    except ValueError as exc:
        raise UsageError(f"--sweep-min/--sweep-max/--sweep-count: {exc}") from None
    s = lesson.settings
    result = run_sweep(objective, lesson.starts[0], s.optimizer, s.hyperparams(),
                       s.stop.max_steps, lrs, s.stop.grad_tol, s.stop.bound)
    write_csv_rows(args.sweep_csv, ["lr", "final_f", "diverged"],
           ([repr(float(lr)), repr(float(f)), int(d)]
            for lr, f, d in zip(result.lrs, result.final_f, result.diverged, strict=True)))
    edge = measured_edge(result)
    print(f"sweep: {len(lrs)} learning rates, {int(result.diverged.sum())} diverged"
          + (f"; divergence between η = {edge[0]:.6g} and {edge[1]:.6g}" if edge else ""))
    v = lesson.view
    probe = np.array([[v.xmin, v.ymin], [v.xmax, v.ymax], [0.3, -0.7], lesson.starts[0]])
    hessian = constant_hessian(objective, probe)
    if hessian is not None:
        print(f"quadratic: 2/λmax = {divergence_threshold(hessian):.6g}")


def _basins(args: argparse.Namespace) -> None:
    import numpy as np

    from gdviz.core.basins import basins

    lesson, objective = _setup(args, "--basins-csv", need_start=False)
    if not 2 <= args.basins_grid <= 1000:
        raise UsageError(f"--basins-grid must be between 2 and 1000, got {args.basins_grid}")
    s = lesson.settings
    result = basins(objective, lesson.view, args.basins_grid, s.optimizer, s.lr,
                    s.hyperparams(), s.stop.max_steps, bound=s.stop.bound)
    gx, gy = (a.ravel() for a in np.meshgrid(result.xs, result.ys))
    ends = result.ends.reshape(-1, 2)
    write_csv_rows(args.basins_csv, ["x0", "y0", "basin", "x_end", "y_end"],
           ([repr(float(x)), repr(float(y)), int(b), repr(float(ex)), repr(float(ey))]
            for x, y, b, (ex, ey) in zip(gx, gy, result.labels.ravel(), ends, strict=True)))
    unsettled = int((result.labels < 0).sum())
    print(f"basins: {len(result.minima)} on a {args.basins_grid}×{args.basins_grid} grid, "
          f"{unsettled} starts did not settle")
    for k, ((x, y), f, count) in enumerate(zip(result.minima, result.minima_f, result.counts,
                                              strict=True)):
        print(f"basin {k}: minimum ({x:.6g}, {y:.6g}), f = {f:.6g}, {count} starts")
