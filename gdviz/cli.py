"""The command line: run the app, or run a descent headless and write CSV or pictures."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gdviz import __version__
from gdviz.core.safe_files import write_csv_rows, write_target

# Command-line option → hyperparameter name (qhm calls its momentum β).
HYPER_OPTIONS = {
    "momentum": "momentum", "nu": "nu", "nu1": "nu1", "nu2": "nu2", "beta1": "beta1",
    "beta2": "beta2", "eps": "eps", "alpha": "alpha", "weight_decay": "weight_decay",
}


class UsageError(Exception):
    """A bad option or function: printed on stderr, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gdviz",
        description="Teach gradient descent: type f(x, y), click a start point, watch the "
        "descent. Without options, opens the window (or, without a display, renders the "
        "default descent to a PNG). With --function or --export-*, runs headless.",
        epilog="Values that begin with '-' need the '=' form: --start=-1.5,2 "
        "--function=-x^2+y^2. Functions use + - * / ^, implicit products (2x, 3(x+1)), "
        "pi, e and sin cos tan asin acos atan atan2 sinh cosh tanh exp log ln sqrt abs "
        "min max.",
    )
    parser.add_argument("--version", action="version",
                        version=f"gdviz {__version__}")
    parser.add_argument("--versions", action="store_true",
                        help="print the versions of gdviz and its libraries and exit")
    _add_descent_arguments(parser)
    _add_hyper_arguments(parser)
    _add_output_arguments(parser)
    from gdviz.cli_explore import add_arguments  # regression, sweep, basins

    add_arguments(parser)
    from gdviz.cli_script import add_arguments as add_script_arguments  # --script

    add_script_arguments(parser)
    return parser


def _add_descent_arguments(parser: argparse.ArgumentParser) -> None:
    """The function, start, method and stop rules of a headless descent."""
    from gdviz.core.optimizers import OPTIMIZERS

    run = parser.add_argument_group("a headless descent")
    run.add_argument("--function", metavar="F", help="f(x, y), e.g. 'x^2 + 3y^2'")
    run.add_argument("--start", metavar="X,Y", help="start point, e.g. 2,1.5")
    run.add_argument("--optimizer", default="gd", choices=list(OPTIMIZERS),
                     help="method (default gd)")
    run.add_argument("--lr", type=float, default=0.05, help="learning rate η (default 0.05)")
    run.add_argument("--steps", type=int,
                     help="at most this many steps (default 1000, or the lesson's limit)")
    run.add_argument("--view", metavar="XMIN,XMAX,YMIN,YMAX",
                     help="the part of the plane to draw (default: fitted to the path)")
    run.add_argument("--tol", type=float, default=1e-8,
                     help="stop when ‖∇f‖ < tol (default 1e-8; 0 disables)")
    run.add_argument("--f-tol", type=float, default=0.0,
                     help="stop when |Δf| < tol (default 0: off)")
    run.add_argument("--x-tol", type=float, default=0.0,
                     help="stop when ‖Δx‖ < tol (default 0: off)")


def _add_hyper_arguments(parser: argparse.ArgumentParser) -> None:
    """The optimizers' hyperparameters, schedule and noise."""
    hyper = parser.add_argument_group("hyperparameters (torch.optim names and defaults)")
    hyper.add_argument("--momentum", type=float,
                       help="momentum μ (momentum, nesterov; β for qhm)")
    hyper.add_argument("--nu", type=float, help="ν of qhm")
    hyper.add_argument("--nu1", type=float, help="ν₁ of qhadam")
    hyper.add_argument("--nu2", type=float, help="ν₂ of qhadam")
    hyper.add_argument("--beta1", type=float, help="β₁ of adam, adamw, qhadam")
    hyper.add_argument("--beta2", type=float, help="β₂ of adam, adamw, qhadam")
    hyper.add_argument("--eps", type=float, help="ε of the adaptive methods")
    hyper.add_argument("--alpha", type=float, help="smoothing α of rmsprop")
    hyper.add_argument("--weight-decay", type=float, help="decoupled weight decay of adamw")
    hyper.add_argument("--schedule", default="constant",
                       help="learning-rate schedule: constant, step:SIZE:GAMMA, "
                       "exponential:GAMMA, cosine:T_MAX[:ETA_MIN], each optionally "
                       "followed by ,warmup=N")
    hyper.add_argument("--noise", type=float, default=0.0,
                       help="σ of Gaussian noise added to each gradient (default 0)")
    hyper.add_argument("--seed", type=int, default=0, help="seed of the noise (default 0)")


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Lessons, exports and the self-test."""
    out = parser.add_argument_group("lessons and output (all headless)")
    out.add_argument("--lesson", metavar="FILE",
                     help="a saved .gdviz lesson to run instead of --function/--start; a "
                     "refused lesson exits with status 2")
    out.add_argument("--save-lesson", metavar="PATH",
                     help="write the lesson that the other options describe")
    out.add_argument("--export-csv", metavar="PATH",
                     help="write step,x,y,f,grad_x,grad_y for every iterate")
    out.add_argument("--export-png", metavar="PATH",
                     help="render the contour map with the finished descent to a PNG")
    out.add_argument("--export-gif", metavar="PATH",
                     help="render the descent as an animated GIF (or MP4 if PATH ends in "
                     ".mp4; needs imageio-ffmpeg); progress goes to stderr")
    out.add_argument("--export-mp4", metavar="PATH",
                     help="render the descent as an H.264 MP4 video (needs imageio-ffmpeg: "
                     "pip install 'gdviz[video]'); progress goes to stderr")
    out.add_argument("--fps", type=float, default=15, help="frames per second (default 15)")
    out.add_argument("--frames", type=int, default=120,
                     help="at most this many frames (default 120)")
    out.add_argument("--size", default="1280x800", metavar="WxH",
                     help="picture size for --export-png (default 1280x800)")
    out.add_argument("--self-test", action="store_true",
                     help="check this installation end to end and exit 0 if it works")


def _parse_start(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        raise UsageError(f"--start needs two numbers X,Y, got {text!r}") from None
    if not all(map(lambda v: abs(v) < 1e12, (x, y))):
        raise UsageError(f"--start must be finite numbers, got {text!r}")
    return x, y


def run_settings(args: argparse.Namespace):
    """RunSettings described by the options; raises UsageError on a bad combination."""
    from gdviz.core.optimizers import get_optimizer
    from gdviz.core.runs import RunSettings, StopRules
    from gdviz.core.schedules import parse_schedule

    optimizer = get_optimizer(args.optimizer)
    known = {p.name: p for p in optimizer.hyperparams}
    hyper = {}
    for option, name in HYPER_OPTIONS.items():
        value = getattr(args, option)
        if value is None:
            continue
        if args.optimizer == "qhm" and option == "momentum":
            name = "beta"
        if name not in known:
            flag = "--" + option.replace("_", "-")
            raise UsageError(f"{flag} does not apply to {args.optimizer}; it takes: "
                             + (", ".join(known) or "no hyperparameters"))
        param = known[name]
        if not param.minimum <= value <= param.maximum:
            raise UsageError(f"--{option.replace('_', '-')} must lie in "
                             f"[{param.minimum:g}, {param.maximum:g}], got {value:g}")
        hyper[name] = value
    if not 0 < args.lr <= 1e3:
        raise UsageError(f"--lr must be in (0, 1000], got {args.lr:g}")
    for name in ("tol", "f_tol", "x_tol", "noise"):
        if not getattr(args, name) >= 0:
            raise UsageError(f"--{name.replace('_', '-')} must be ≥ 0")
    try:
        schedule = parse_schedule(args.schedule)
    except ValueError as exc:
        raise UsageError(f"--schedule: {exc}") from None
    stop = StopRules(max_steps=_steps(args), grad_tol=args.tol, f_tol=args.f_tol,
                     x_tol=args.x_tol)
    return RunSettings(optimizer=args.optimizer, lr=args.lr, hyper=hyper, schedule=schedule,
                       noise=args.noise, seed=args.seed, stop=stop)


def write_csv(group, path: str) -> None:
    """Write the run's iterates with full float precision (atomically)."""
    points, values = group.path(0), group.losses(0)
    grads = group.column("grads")[: len(points), 0]
    rows = ([step, repr(float(x)), repr(float(y)), repr(float(f)), repr(float(gx)),
             repr(float(gy))]
            for step, ((x, y), f, (gx, gy)) in enumerate(zip(points, values, grads,
                                                             strict=False)))
    write_csv_rows(path, ["step", "x", "y", "f", "grad_x", "grad_y"], rows)


def has_display() -> bool:
    """True when a window can be shown (X11, Wayland, Windows, macOS, or a forced platform)."""
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def lesson_from_args(args: argparse.Namespace):
    """The lesson the options describe: --lesson FILE, or --function with --start."""
    from dataclasses import replace

    from gdviz.core.expression import ExpressionError, parse
    from gdviz.core.lesson import Lesson, LessonError, load_lesson

    if args.lesson and args.function:
        raise UsageError("give either --lesson or --function, not both")
    if args.lesson:
        try:
            lesson = load_lesson(args.lesson)
        except LessonError as exc:
            raise UsageError(f"--lesson {args.lesson}: {exc}") from None
        if args.steps is not None:
            stop = replace(lesson.settings.stop, max_steps=_steps(args))
            lesson = replace(lesson, settings=replace(lesson.settings, stop=stop))
        return lesson
    if args.function is None:
        return Lesson()
    try:
        parse(args.function)
    except ExpressionError as exc:
        raise UsageError(f"--function: {exc}") from None
    start = _parse_start(args.start)
    if start is None:
        raise UsageError("--start X,Y is needed with --function")
    view = _parse_view(args.view) or Lesson().view
    return Lesson(function=args.function, view=view, preset=None, starts=(start,),
                  settings=run_settings(args))


def _steps(args: argparse.Namespace) -> int:
    steps = 1000 if args.steps is None else args.steps
    if not 1 <= steps <= 100_000:
        raise UsageError(f"--steps must be between 1 and 100000, got {steps}")
    return steps


def _parse_view(text: str | None):
    from gdviz.core.grid import ViewRange

    if text is None:
        return None
    try:
        x0, x1, y0, y1 = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"--view needs XMIN,XMAX,YMIN,YMAX, got {text!r}") from None
    if not (x0 < x1 and y0 < y1 and max(map(abs, (x0, x1, y0, y1))) <= 1e6):
        raise UsageError("--view needs XMIN < XMAX and YMIN < YMAX, within ±1e6")
    return ViewRange(x0, x1, y0, y1)


def _progress(done: int, total: int) -> None:
    end = "\n" if done == total else "\r"
    print(f"gdviz: rendering frame {done}/{total}", end=end, file=sys.stderr, flush=True)


def check_outputs(args: argparse.Namespace, options: Sequence[str]) -> None:
    """Refuse at once an output path that names a folder, FIFO or device (UsageError)."""
    for option in options:
        if path := getattr(args, option):
            try:
                write_target(path)
            except OSError as exc:
                raise UsageError(f"--{option.replace('_', '-')}: {exc}") from None


def run_headless(args: argparse.Namespace) -> int:
    """Run the described lesson without a window and write what was asked for."""
    from dataclasses import replace

    from gdviz.core.export import write_trajectories
    from gdviz.core.lesson import LessonError, save_lesson
    from gdviz.render import describe, fitted_view, render_animation, render_png, run_lesson

    check_outputs(args, ("save_lesson", "export_csv", "export_png", "export_gif",
                         "export_mp4"))
    lesson = lesson_from_args(args)
    if args.save_lesson:
        try:
            save_lesson(args.save_lesson, lesson)
        except (LessonError, OSError) as exc:
            raise UsageError(f"--save-lesson: {exc}") from None
        print(f"gdviz: saved the lesson to {args.save_lesson}", file=sys.stderr)
    if not (args.export_csv or args.export_png or args.export_gif or args.export_mp4
            or args.function):
        return 0
    if args.export_mp4 or (args.export_gif or "").lower().endswith(".mp4"):
        from gdviz.app.exporting import mp4_unavailable

        if why := mp4_unavailable():  # say so now, not after the descent and the frames
            raise UsageError(why)
    size = _size(args.size)
    if not (1 <= args.fps <= 60 and 2 <= args.frames <= 2000):
        raise UsageError("--fps must be in [1, 60] and --frames in [2, 2000]")
    session = run_lesson(lesson)
    if args.function and args.view is None:
        lesson = replace(lesson, view=fitted_view(session))
    if args.export_csv:
        if len(session.groups) == 1 and session.groups[0].size == 1:
            write_csv(session.groups[0], args.export_csv)
        else:
            write_trajectories(session, lesson.function, args.export_csv)
    if args.export_png:
        render_png(lesson, session, args.export_png, size)
    for path, mp4 in ((args.export_gif, None), (args.export_mp4, True)):
        if path:
            frames = render_animation(lesson, session, path, size, args.fps, args.frames,
                                      _progress, mp4=mp4)
            print(f"gdviz: wrote {frames} frames to {path}", file=sys.stderr)
    print(describe(session), file=sys.stderr)
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size needs WIDTHxHEIGHT, e.g. 1280x800; got {text!r}") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise UsageError("--size must be between 200x200 and 8000x8000")
    return width, height


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python main.py`` and the ``gdviz`` command."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["--compile-worker"]:  # the packaged app's compile process
        from gdviz.core.compile_worker import main as worker_main

        worker_main()
        return 0
    args = build_parser().parse_args(arguments)
    try:
        if args.versions:
            from gdviz.versions import version_report

            print(version_report())
            return 0
        if args.self_test:
            from gdviz.selftest import self_test

            return self_test()
        from gdviz.cli_script import run_script, wanted

        if wanted(args):
            return run_script(args)
        from gdviz.cli_explore import run_explorations

        explored = run_explorations(args, arguments)
        if explored is not None:
            return explored
        headless = (args.lesson, args.function, args.export_csv, args.export_png,
                    args.export_gif, args.export_mp4, args.save_lesson)
        if any(option is not None for option in headless):
            return run_headless(args)
        if not has_display():
            return _no_display()
        return _run_window()
    except UsageError as exc:
        print(f"gdviz: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"gdviz: error: {exc}", file=sys.stderr)
        return 1


def _no_display() -> int:
    from gdviz.core.lesson import Lesson
    from gdviz.render import describe, render_png, run_lesson

    out = "gdviz-default.png"
    print("gdviz: no display found, so no window can open. Rendering the default lesson's "
          f"descent to {out} instead (open it with any image viewer).", file=sys.stderr)
    lesson = Lesson()
    session = run_lesson(lesson)
    render_png(lesson, session, out, (1280, 800))
    print(f"Saved {out}: f(x, y) = {lesson.function}")
    print(describe(session))
    return 0


def _run_window(script=None, script_path: str | None = None) -> int:
    """The window; with ``script`` (a checked Script), at its first scene."""
    from gdviz.core.compile_worker import CompileWorker
    from gdviz.core.presets import DEFAULT_PRESET

    compiler = CompileWorker()
    compiler.prefetch(DEFAULT_PRESET.function)  # sympy loads in the child while Qt loads here

    from PySide6.QtWidgets import QMessageBox

    from gdviz.app import create_window, ensure_app
    from gdviz.app.crash import install_exception_hook
    from gdviz.app.session_store import SessionStore

    app = ensure_app()
    store = SessionStore()
    crashed = store.open()
    window = create_window(compiler=compiler, owns_compiler=True)
    install_exception_hook(window)  # a failure is logged and shown; the lecture goes on
    if os.environ.get("GDVIZ_STARTUP_PROBE"):
        from gdviz.app.startup_report import StartupReport

        StartupReport(window)
    window.show()
    saved = store.load() if script is None else None  # a script brings its own lessons
    if saved is not None:
        question = ("gdviz did not close properly last time. Restore the lesson you were "
                    "working on?")
        if not crashed or QMessageBox.question(window, "Restore last session",
                                               question) == QMessageBox.StandardButton.Yes:
            window.apply_lesson(saved)
    window.enable_autosave(store)
    if script is not None:
        window.script_player.start(script, script_path)
    return app.exec()
