# sql-etl-on-eks task graph. `npm ci && make synth` writes dist/; `make test` is what CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

BIN      := node_modules/.bin
TSX      := $(BIN)/tsx
TSC      := node node_modules/typescript-7/bin/tsc
ESLINT   := $(BIN)/eslint
PRETTIER := $(BIN)/prettier
VITEST   := $(BIN)/vitest
KNIP     := $(BIN)/knip
BUILD    := .build
STAGE    := $(BUILD)/dist
# `make synth ENVIRONMENTS=dev` synthesizes only those environments, into .build/dist (dist/ keeps all of them).
ENVIRONMENTS ?=
export ENVIRONMENTS

ENGINES  := .cache/engines/bin

## Prebundled entry points (esbuild.config.mjs): `make synth` and `make verify` run one JavaScript file each instead
## of transpiling TypeScript at start-up. The bundler always runs and rebuilds a bundle only when the content of a file
## it was built from changed (not by modification time: an edit within the second of the last build must count).
## NODE_RUN: a larger young generation halves the collector's time in these short, allocation-heavy runs.
BUNDLE   := $(BUILD)/bundle
NODE_RUN := node --max-semi-space-size=32
$(BUNDLE)/%.js: FORCE
	@node esbuild.config.mjs $*
.PHONY: FORCE
FORCE:

.PHONY: ledger-prune
.PHONY: engines checkov-env dry-run helm-template scan engines-check synth test typecheck lint format unit verify cache \
  imports schema pins lock diff drift bench clean local-env run-local local-test arc-env arc-lint impact

## synth: write dist/ for every environment. Both apps write into a staging folder that replaces dist/ only when
## both succeeded, so a failed synth leaves the previous dist/ byte-for-byte intact.
## The config check runs before the apps' bundles are brought up to date: a bad input fails fast.
## A check bundle that does not build (a syntax error in an environment file) leaves the report to the check run by
## tsx, which names the file, line and column; then the bundler's own message.
synth:
	@rm -rf $(STAGE) && mkdir -p $(STAGE)/k8s
	@node esbuild.config.mjs check 2>$(BUILD)/bundle-check.log || \
	  { $(TSX) config/check.ts && cat $(BUILD)/bundle-check.log >&2; exit 1; }
	@$(NODE_RUN) $(BUNDLE)/check.js
	@$(MAKE) --no-print-directory -s $(BUNDLE)/infra.js $(BUNDLE)/k8s.js
	@CDKTF_OUTDIR=$(STAGE)/terraform $(NODE_RUN) $(BUNDLE)/infra.js & tf=$$!; \
	  CDK8S_OUTDIR=$(STAGE)/k8s LINEAGE_OUTDIR=$(STAGE)/lineage $(NODE_RUN) $(BUNDLE)/k8s.js; \
	  wait $$tf
	@if [ -n "$(ENVIRONMENTS)" ]; then \
	  echo "synth: ENVIRONMENTS=$(ENVIRONMENTS) written to $(STAGE)/ (dist/ is replaced only by a full synth)"; \
	else \
	  rm -rf $(BUILD)/dist.previous; if [ -d dist ]; then mv dist $(BUILD)/dist.previous; fi; \
	  mv $(STAGE) dist; rm -rf $(BUILD)/dist.previous; \
	  echo "synth: dist/terraform, dist/k8s and dist/lineage written"; \
	fi

## test: everything CI checks, in order; ends with the drift check.
test: imports typecheck lint unit synth verify local-test drift

typecheck:
	$(TSC) -p tsconfig.json

## lint: eslint (incl. the room boundaries of eslint.config.mjs), Prettier, and knip (unused files, exports and
## dependencies; knip.json lists the entry points). Prettier's cache (.build/prettier-cache) skips files whose
## content, Prettier version and options are those of a file it found formatted before; ESLint's would not see a
## change in the types a file imports, so it runs whole.
lint:
	$(ESLINT) --max-warnings 0 .
	$(PRETTIER) --check --cache --cache-strategy content --cache-location $(BUILD)/prettier-cache .
	$(KNIP)

format:
	$(ESLINT) --fix .
	$(PRETTIER) --write .

## The bundles are built first: the tests' repository copies (test-support/temp-repo.ts) take them along.
unit: cache arc-env $(BUNDLE)/check.js $(BUNDLE)/infra.js $(BUNDLE)/k8s.js
	$(VITEST) run

## verify: schema, reference and policy checks over dist/ only.
verify: cache $(BUNDLE)/verify.js
	$(NODE_RUN) $(BUNDLE)/verify.js dist

## cache: pinned CRDs and schemas into .cache/upstream (from ../shared/upstream, else the pinned URLs).
cache: $(BUNDLE)/fill-cache.js
	@$(NODE_RUN) $(BUNDLE)/fill-cache.js

## schema: regenerate etl/pipeline.schema.json (the published JSON Schema of pipeline YAML) from config/pipelines.
schema:
	$(TSX) tools/write-schema.ts

## pins: write the spark-runtime image's Dockerfile base image and jars.txt, and etl/local/requirements.in, from
## config/spark-runtime.ts (make synth does it too). Fails when the pins break a pairing rule.
pins:
	@$(TSX) -e "const w = require('./config/spark-runtime-pins').writeSparkRuntimePins(process.cwd()); console.log(w.length > 0 ? 'pins: wrote ' + w.join(', ') : 'pins: up to date')"

## lock: recompile etl/local/requirements.lock (exact versions and sha256 hashes) from requirements.in with pip-tools,
## in a throwaway venv. Needs PyPI; run it after `make pins` changed requirements.in, and commit the lock.
PIP_TOOLS_VERSION := 7.6.2
lock:
	@rm -rf $(BUILD)/pip-tools && python3 -m venv $(BUILD)/pip-tools
	@$(BUILD)/pip-tools/bin/pip install --quiet --disable-pip-version-check pip-tools==$(PIP_TOOLS_VERSION)
	@$(BUILD)/pip-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header \
	  --no-emit-find-links -o $(BUILD)/requirements.lock etl/local/requirements.in
	@{ echo '# Generated by `make lock` (pip-compile --generate-hashes) from requirements.in; installed by `make local-env` with'; \
	   echo '# pip install --require-hashes --no-deps into .build/local/venv (make local-env). Python >= 3.10.'; \
	   cat $(BUILD)/requirements.lock; } > etl/local/requirements.lock
	@echo "lock: etl/local/requirements.lock written; commit it"

## imports: regenerate imports/ from the pinned CRDs (cdk8s import; never edit imports/ by hand).
imports: cache
	$(TSX) tools/import-crds.ts

## diff: what a fresh synth would change in dist/, without touching dist/; exits 1 when it would change anything.
diff: $(BUNDLE)/infra.js $(BUNDLE)/k8s.js
	@rm -rf $(BUILD)/diff && mkdir -p $(BUILD)/diff/k8s
	@CDKTF_OUTDIR=$(BUILD)/diff/terraform $(NODE_RUN) $(BUNDLE)/infra.js
	@CDK8S_OUTDIR=$(BUILD)/diff/k8s LINEAGE_OUTDIR=$(BUILD)/diff/lineage $(NODE_RUN) $(BUNDLE)/k8s.js
	@if diff -ruN dist $(BUILD)/diff; then echo "diff: dist/ is up to date"; \
	  else echo "diff: dist/ would change; run 'make synth' to apply"; exit 1; fi

## ledger-prune: remove from etl/assets.lock.json the versions that were never committed (drafts `make synth` saw),
## keeping every key of the LEDGER_BASE branch's ledger in place (default main). Then `make synth` and commit.
LEDGER_BASE ?= main
ledger-prune:
	@LEDGER_BASE=$(LEDGER_BASE) $(TSX) config/ledger-prune-cli.ts

## impact: what a change does, for a pull request: changed pipelines and jobs, the datasets they write, every job
## downstream of them (lineage), and the dist/ files that change. BASE=<git ref> (default: the merge base with main).
## Markdown on stdout; .build/impact/impact.md and impact.json.
BASE ?=
impact:
	@$(TSX) config/impact.ts "$(BASE)"

## drift: fails when the committed dist/, imports/ or generated files under etl/ differ from what the build produced.
drift:
	@changes=$$(git status --porcelain -- dist imports etl/assets.lock.json etl/pipeline.schema.json etl/images etl/local/requirements.in); \
	if [ -n "$$changes" ]; then \
	  echo "drift: dist/ or imports/ differ from the committed files; run 'make synth' (or 'make imports') and commit:"; \
	  echo "$$changes"; git --no-pager diff --stat -- dist imports; exit 1; \
	fi; echo "drift: dist/ and imports/ match the committed files"

## bench: median wall time of a full synth (direct) vs the cdktf + cdk8s CLIs, and of verify; then the wall time of
## `make run-local PIPELINE=customer-scd2-sql` (BENCH_LOCAL_RUNS, default 1).
bench: cache local-env
	$(TSX) tools/bench.ts

## engines: kube-apiserver v1.35.4, etcd v3.6.16 and Helm v4.3.2 built from their Go modules (pinned by the go.sum of
## engines/<name>/) into .cache/engines/bin, at low priority; rebuilt only when a go.mod or go.sum is newer.
engines: $(ENGINES)/kube-apiserver $(ENGINES)/etcd $(ENGINES)/helm
$(ENGINES)/kube-apiserver: engines/apiserver/go.mod engines/apiserver/go.sum
	cd engines/apiserver && GOTOOLCHAIN=local GOFLAGS=-mod=readonly nice -n 10 go build -trimpath -o ../../$@ k8s.io/kubernetes/cmd/kube-apiserver
$(ENGINES)/etcd: engines/etcd/go.mod engines/etcd/go.sum
	cd engines/etcd && GOTOOLCHAIN=local GOFLAGS=-mod=readonly nice -n 10 go build -trimpath -o ../../$@ go.etcd.io/etcd/server/v3
$(ENGINES)/helm: engines/helm/go.mod engines/helm/go.sum
	cd engines/helm && GOTOOLCHAIN=local GOFLAGS=-mod=readonly nice -n 10 go build -trimpath -o ../../$@ helm.sh/helm/v4/cmd/helm

## helm-template: every helm_release of dist/terraform rendered by the pinned Helm against its released chart in the
## upstream cache, with the release's name, namespace and values; output in .build/helm/, schema-checked like dist/k8s.
helm-template: engines cache
	$(TSX) engines/helm-template.ts

## dry-run: a loopback kube-apiserver + etcd (pinned, `make engines`) with the pinned CRDs judges every document of
## dist/k8s, every manifest embedded in an Argo template and the Helm output with server-side dry run, then the engine
## corpus (verify/engine-corpus); any rejection or disagreement fails. The servers are always stopped.
dry-run: engines cache helm-template
	$(TSX) engines/dry-run.ts

## scan: checkov (pinned, `make checkov-env`) over dist/terraform, dist/k8s and the Helm output; every finding is fixed
## or listed with its reason in engines/checkov/suppressions.yaml. First proves it flags a public bucket policy.
scan: checkov-env helm-template
	$(TSX) engines/scan.ts

## engines-check: the engine tier CI runs after `make test`: build (cached), render, dry run, scan.
engines-check: engines helm-template dry-run scan

## ---- Local runs (issue 10): a pinned PySpark + Delta environment and `make run-local`. -----------------------------
LOCAL_VENV := $(BUILD)/local/venv
LOCAL_PY   := $(LOCAL_VENV)/bin/python
LOCAL_JARS := .cache/local-jars
# The Java the runtime image runs (config/spark-runtime.ts SPARK_RUNTIME.java); local Spark needs the same.
LOCAL_JAVA := 17

## local-env: the Python venv $(LOCAL_VENV) from etl/local/requirements.lock (pip --require-hashes --no-deps: PySpark
## and delta-spark of the runtime image's versions, sqlparse, pytest) and the Delta jars of etl/local/jars.lock from
## Maven Central (SHA-256 checked) into $(LOCAL_JARS). Stamp files make a second run instant; needs Java 17.
local-env: local-java $(LOCAL_VENV)/.installed $(LOCAL_JARS)/.installed

.PHONY: local-java
local-java:
	@command -v java >/dev/null || { echo "local-env: no 'java' on PATH; install Java $(LOCAL_JAVA) (e.g. apt-get install openjdk-$(LOCAL_JAVA)-jdk-headless) and set JAVA_HOME"; exit 1; }
	@v=$$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $$2}'); \
	  if [ "$$v" != "$(LOCAL_JAVA)" ]; then \
	    echo "local-env: 'java' on PATH is Java $$v ($$(command -v java)); local Spark runs need Java $(LOCAL_JAVA), the runtime image's. Put a Java $(LOCAL_JAVA) first on PATH (and JAVA_HOME)"; exit 1; \
	  fi

$(LOCAL_VENV)/.installed: etl/local/requirements.lock
	@python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "local-env: Python >= 3.10 needed (python3 is " + sys.version.split()[0] + ")")'
	@rm -rf $(LOCAL_VENV) && python3 -m venv $(LOCAL_VENV)
	@echo "local-env: installing etl/local/requirements.lock into $(LOCAL_VENV) (PySpark is ~450 MB on first install)"
	@$(LOCAL_VENV)/bin/pip install --quiet --disable-pip-version-check --no-cache-dir --require-hashes --no-deps \
	  -r etl/local/requirements.lock
	@touch $@

$(LOCAL_JARS)/.installed: etl/local/jars.lock etl/local/fetch_jars.py
	@python3 etl/local/fetch_jars.py etl/local/jars.lock $(LOCAL_JARS)
	@touch $@

## run-local: run a pipeline's jobs in DAG order on a local Spark: `make run-local PIPELINE=<name> [JOB=<id>] [ENV=dev]`.
## Tables land in .build/local/<env>/warehouse; nothing is read from or written to AWS, dist/ is not touched.
PIPELINE ?=
JOB ?=
ENV ?= dev
run-local: local-env
	@$(TSX) etl/local/run.ts --pipeline "$(PIPELINE)" --env "$(ENV)" $(if $(JOB),--job "$(JOB)")

## local-test: the local tier of `make test`: the SQL runner's unit tests (pytest) and the pipelines run on a local
## Spark with their data asserted (etl/local/*.local.test.ts).
local-test: local-env
	$(LOCAL_PY) -m pytest -q -p no:cacheprovider etl/runners etl/local
	$(VITEST) run --config etl/local/vitest.local.config.ts

clean:
	rm -rf $(BUILD) .cache reports cdktf.out

## checkov-env: checkov 3.3.30 and every dependency, exactly as engines/checkov/requirements.txt pins them (sha256
## hashes), into the git-ignored venv .cache/engines/checkov; reinstalled only when the lock is newer.
CHECKOV_VENV := .cache/engines/checkov
checkov-env: $(CHECKOV_VENV)/.installed
$(CHECKOV_VENV)/.installed: engines/checkov/requirements.txt
	@rm -rf $(CHECKOV_VENV) && python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
	  -r engines/checkov/requirements.txt
	@$(CHECKOV_VENV)/bin/checkov --version && touch $@

## arc-env: the local Arc environment in .cache/arc (see etl/local/arc/pom.xml for why Arc 3.7.0 stands for 4.2.0):
## Maven resolves the pinned jars from Maven Central into .cache/arc/m2 (checksums must match) and copies them to
## .cache/arc/lib; scalac (from those jars) compiles etl/local/arc/src into .cache/arc/sqletl-arc.jar. Rebuilt only
## when the pom or the sources change; offline once .cache/arc/m2 is filled.
ARC_CACHE := .cache/arc
ARC_SOURCES := $(wildcard etl/local/arc/src/*.scala) etl/local/arc/src/META-INF/services/ai.tripl.arc.plugins.PipelineStagePlugin
arc-env: $(ARC_CACHE)/stamp
$(ARC_CACHE)/lib.stamp: etl/local/arc/pom.xml
	@java -version 2>&1 | grep -Eq 'version "(1\.8|11|17)[."]' || { \
	  echo "arc-env: Spark 3.3.4 (Arc's Spark) runs on Java 8, 11 or 17; found: $$(java -version 2>&1 | head -1). Set JAVA_HOME to a JDK 17"; exit 1; }
	@command -v mvn >/dev/null || { echo "arc-env: Maven (mvn) is needed to fetch the pinned Arc jars; install it (apt-get install maven)"; exit 1; }
	@rm -rf $(ARC_CACHE)/lib $@
	@echo "arc-env: resolving etl/local/arc/pom.xml from Maven Central into $(ARC_CACHE)"
	nice -n 10 mvn -B -q -C -f etl/local/arc/pom.xml -Dmaven.repo.local=$(abspath $(ARC_CACHE)/m2) \
	  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=$(abspath $(ARC_CACHE)/lib)
	@touch $@
$(ARC_CACHE)/stamp: $(ARC_CACHE)/lib.stamp $(ARC_SOURCES)
	@rm -rf $(ARC_CACHE)/classes $@ && mkdir -p $(ARC_CACHE)/classes
	nice -n 10 java -cp '$(ARC_CACHE)/lib/*' scala.tools.nsc.Main -usejavacp -nowarn -d $(ARC_CACHE)/classes \
	  $(wildcard etl/local/arc/src/*.scala)
	@cp -r etl/local/arc/src/META-INF $(ARC_CACHE)/classes/ && jar cf $(ARC_CACHE)/sqletl-arc.jar -C $(ARC_CACHE)/classes .
	@touch $@ && echo "arc-env: $(ARC_CACHE) ready ($$(ls $(ARC_CACHE)/lib | wc -l) jars)"

## arc-lint: every Arc job of etl/pipelines checked by Arc's own parser (lint-only), once per job environment and once
## with ignoreEnvironments, plus the lint/Arc agreement corpus (part of `make unit`).
arc-lint: arc-env
	$(VITEST) run etl/local/arc-parser.test.ts
