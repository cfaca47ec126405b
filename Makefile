# The two commands of README.md, plus the developer's extras. Each sets itself up.
.PHONY: run test lint bench dist clean

run:
	@scripts/bootstrap.sh
	.venv/bin/python main.py

test:
	@scripts/bootstrap.sh
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q

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
