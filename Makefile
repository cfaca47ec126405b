# The two commands of README.md, plus the developer's extras. Each sets itself up.
.PHONY: run test lint bench dist clean

run:
	@scripts/bootstrap.sh
	.venv/bin/python main.py

# The 3D tests first, on a virtual X screen with software OpenGL; then the whole suite
# headless (where tests/gl skips itself), so its summary is the last line, spread over
# the machine's cores (pytest-xdist; each worker has its own window and compile process).
XVFB = xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render"
test:
	@scripts/bootstrap.sh
	@if command -v xvfb-run >/dev/null; then \
	  echo 'QT_QPA_PLATFORM=xcb $(XVFB) .venv/bin/python -m pytest -q tests/gl'; \
	  QT_QPA_PLATFORM=xcb $(XVFB) .venv/bin/python -m pytest -q tests/gl; \
	else echo "test: xvfb-run is missing: the 3D tests (tests/gl) are not run" >&2; fi
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -n auto

lint:
	@scripts/bootstrap.sh
	.venv/bin/ruff check gdviz tests benchmarks packaging main.py

bench:
	@scripts/bootstrap.sh
	QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench.py

# The app as one folder (dist/gdviz/) and a .tar.gz, checked with its --self-test (Linux).
dist:
	@packaging/build.sh

clean:
	rm -rf .venv build dist
