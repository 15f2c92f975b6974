# The two commands a newcomer runs are `make dev` and `make test`; both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
STAGE ?= dev
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install dev dev-reset test test-fast test-fuzz coverage-notices lint layer synth deploy clean bench-cold-start \
	bench-import bench bench-ledger bench-lanes

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Run the whole system locally on embedded AWS (moto): API, workers, schedules, dev mailbox.
## Its data (table, uploaded files, signing and MFA keys) is kept in .dev-state/ across restarts.
DEV_STATE := .dev-state
dev: install
	$(PY) -m infra.local --state-dir $(DEV_STATE)

## `make dev` from nothing: forget the saved data first (communities, users, tokens, files).
dev-reset: install
	rm -rf $(DEV_STATE) $(DEV_STATE).saving $(DEV_STATE).previous
	$(PY) -m infra.local --state-dir $(DEV_STATE)

## The whole test suite: unit, integration (moto), end-to-end (local runtime), infra (CDK).
test: install
	$(PY) -m pytest -n 2 --dist loadfile -q

## Unit tests only (no AWS, a few seconds).
test-fast: install
	$(PY) -m pytest -m unit -q

## Line coverage of the notice rules (shared/notices); the issue asks for at least 95 %.
coverage-notices: install
	$(PY) -m coverage run --source=shared/notices -m pytest -m unit -q -p no:xdist tests/unit/test_notices_*.py
	$(PY) -m coverage report -m --fail-under=95

## The fuzzing tier alone (also part of `make test`): schemathesis over every operation, prints its figures.
## Deeper: FUZZ_EXAMPLES=50 FUZZ_COVERAGE=1 make test-fuzz
test-fuzz: install
	$(PY) -m pytest tests/e2e/test_fuzz.py -q -s

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy shared functions infra app.py layers

## Cold-start import cost of every function (prints figures; a benchmark, not a test).
bench-cold-start: install
	$(PY) bench/cold_start.py

## Resident import: 10,000 generated rows through the real worker on moto; wall time and DynamoDB calls per row.
bench-import: install
	$(PY) bench/import_residents.py

## The rent job over 10,000 active tenancies in 50 communities on moto: DynamoDB calls per tenancy
## charged (target <= 1.2) and wall time; a second run the same day charges nothing. E.g. BENCH_ARGS="--tenancies 1000".
bench-ledger: install
	$(PY) bench/ledger.py $(BENCH_ARGS)

## A campaign to 20,000 recipients through the real handlers on moto vs the naive design: AWS calls
## per operation, throughput, cost (a benchmark, not a test). E.g. BENCH_ARGS="--recipients 2000".
bench: install
	$(PY) bench/campaign.py $(BENCH_ARGS)

## Outbox lanes through the local runtime at an enforced SES rate of 20/s, vs the single-queue design:
## rate_efficiency, throttles, transactional_p95_s, fairness_ratio (2 x 1,000 recipients, a few minutes).
bench-lanes: install
	$(PY) bench/lanes.py $(BENCH_ARGS)

## The dependency layer for arm64 Lambda, built with pip (no Docker).
layer: install
	$(PY) layers/build.py

layers/build/python: pyproject.toml layers/build.py | $(STAMP)
	$(PY) layers/build.py

## CloudFormation for the stage (STAGE=dev|prod) in cdk.out/: cdk-nag fails synth on any finding; cfn-lint.
synth: install layers/build/python
	rm -rf cdk.out
	$(PY) app.py -c stage=$(STAGE) $(if $(SPA_ORIGIN),-c spa_origin=$(SPA_ORIGIN))
	$(VENV)/bin/cfn-lint cdk.out/*.template.json

## Deploy exactly the synthesized, nag- and lint-checked templates (needs AWS credentials + `cdk bootstrap`).
deploy: synth
	npx --yes aws-cdk@2 deploy --app cdk.out Porchlight-$(STAGE) --require-approval broadening

clean:
	rm -rf cdk.out layers/build build .pytest_cache .mypy_cache .ruff_cache
