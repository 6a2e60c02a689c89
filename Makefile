# Two entry points (see README): `make demo` runs the main job, `make test` runs the test suite.
# Both create or reuse the virtual environment in .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The lowest Lightning release we support, tested by `make test-lowest` (CI runs it after `make test`).
LOWEST_LIGHTNING := 2.4.0
LOWEST := .venv-lowest
LOWEST_STAMP := $(LOWEST)/.installed

.PHONY: demo test test-lowest lint venv clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/lightning-lr demo $(ARGS)

test: $(STAMP)
	@if [ -f ../shared/tools/check_layers.py ]; then $(BIN)/python ../shared/tools/check_layers.py lightning_lr; fi
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy benchmarks
	$(BIN)/mypy examples
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

$(LOWEST_STAMP): pyproject.toml constraints.txt
	test -x $(LOWEST)/bin/python || $(PY) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(LOWEST)/bin/python -m pip install --quiet -c constraints.txt "lightning==$(LOWEST_LIGHTNING)" \
		"pytorch-lightning==$(LOWEST_LIGHTNING)" -e ".[dev]"
	touch $(LOWEST_STAMP)

# The Lightning-facing tests against the lowest supported Lightning, in a venv of its own.
test-lowest: $(LOWEST_STAMP)
	$(LOWEST)/bin/python -c "import lightning; print('lightning', lightning.__version__)"
	$(LOWEST)/bin/python -m pytest -q -n 2 tests/callbacks tests/integration tests/tuner tests/cli \
		tests/test_readme.py tests/test_lightning_compat.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache .mypy_cache .ruff_cache
