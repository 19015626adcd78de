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
BUILD    := .build
STAGE    := $(BUILD)/dist
# `make synth ENVIRONMENTS=dev` synthesizes only those environments, into .build/dist (dist/ keeps all of them).
ENVIRONMENTS ?=
export ENVIRONMENTS

ENGINES  := .cache/engines/bin

.PHONY: engines synth test typecheck lint format unit verify cache imports schema diff drift bench clean

## synth: write dist/ for every environment. Both apps write into a staging folder that replaces dist/ only when
## both succeeded, so a failed synth leaves the previous dist/ byte-for-byte intact.
synth:
	@rm -rf $(STAGE) && mkdir -p $(STAGE)/k8s
	@$(TSX) config/check.ts
	@CDKTF_OUTDIR=$(STAGE)/terraform $(TSX) infra/main.ts & tf=$$!; \
	  CDK8S_OUTDIR=$(STAGE)/k8s $(TSX) k8s/main.ts; \
	  wait $$tf
	@if [ -n "$(ENVIRONMENTS)" ]; then \
	  echo "synth: ENVIRONMENTS=$(ENVIRONMENTS) written to $(STAGE)/ (dist/ is replaced only by a full synth)"; \
	else \
	  rm -rf $(BUILD)/dist.previous; if [ -d dist ]; then mv dist $(BUILD)/dist.previous; fi; \
	  mv $(STAGE) dist; rm -rf $(BUILD)/dist.previous; \
	  echo "synth: dist/terraform and dist/k8s written"; \
	fi

## test: everything CI checks, in order; ends with the drift check.
test: imports typecheck lint unit synth verify drift

typecheck:
	$(TSC) -p tsconfig.json

lint:
	$(ESLINT) --max-warnings 0 .
	$(PRETTIER) --check .

format:
	$(ESLINT) --fix .
	$(PRETTIER) --write .

unit: cache
	$(VITEST) run

## verify: schema, reference and policy checks over dist/ only.
verify: cache
	$(TSX) verify/main.ts dist

## cache: pinned CRDs and schemas into .cache/upstream (from ../shared/upstream, else the pinned URLs).
cache:
	@$(TSX) verify/fill-cache.ts

## schema: regenerate etl/pipeline.schema.json (the published JSON Schema of pipeline YAML) from config/pipelines.
schema:
	$(TSX) config/pipelines/write-schema.ts

## imports: regenerate imports/ from the pinned CRDs (cdk8s import; never edit imports/ by hand).
imports: cache
	$(TSX) k8s/tools/import-crds.ts

## diff: what a fresh synth would change in dist/, without touching dist/.
diff:
	@rm -rf $(BUILD)/diff && mkdir -p $(BUILD)/diff/k8s
	@CDKTF_OUTDIR=$(BUILD)/diff/terraform $(TSX) infra/main.ts
	@CDK8S_OUTDIR=$(BUILD)/diff/k8s $(TSX) k8s/main.ts
	@if diff -ruN dist $(BUILD)/diff; then echo "diff: dist/ is up to date"; else echo "diff: run 'make synth' to apply"; fi

## drift: fails when the committed dist/, imports/ or generated files under etl/ differ from what the build produced.
drift:
	@changes=$$(git status --porcelain -- dist imports etl/assets.lock.json etl/pipeline.schema.json); \
	if [ -n "$$changes" ]; then \
	  echo "drift: dist/ or imports/ differ from the committed files; run 'make synth' (or 'make imports') and commit:"; \
	  echo "$$changes"; git --no-pager diff --stat -- dist imports; exit 1; \
	fi; echo "drift: dist/ and imports/ match the committed files"

## bench: median wall time of a full synth (direct) vs the cdktf + cdk8s CLIs, and of verify.
bench: cache
	$(TSX) verify/bench.ts

## engines: kube-apiserver v1.35.4, etcd v3.6.16 and Helm v4.3.2 built from their Go modules (pinned by the go.sum of
## engines/<name>/) into .cache/engines/bin, at low priority; rebuilt only when a go.mod or go.sum is newer.
engines: $(ENGINES)/kube-apiserver $(ENGINES)/etcd $(ENGINES)/helm
$(ENGINES)/kube-apiserver: engines/apiserver/go.mod engines/apiserver/go.sum
	cd engines/apiserver && GOTOOLCHAIN=local GOFLAGS=-mod=readonly nice -n 10 go build -trimpath -o ../../$@ k8s.io/kubernetes/cmd/kube-apiserver
$(ENGINES)/etcd: engines/etcd/go.mod engines/etcd/go.sum
	cd engines/etcd && GOTOOLCHAIN=local GOFLAGS=-mod=readonly nice -n 10 go build -trimpath -o ../../$@ go.etcd.io/etcd/server/v3
$(ENGINES)/helm: engines/helm/go.mod engines/helm/go.sum
	cd engines/helm && GOTOOLCHAIN=local GOFLAGS=-mod=readonly nice -n 10 go build -trimpath -o ../../$@ helm.sh/helm/v4/cmd/helm

clean:
	rm -rf $(BUILD) .cache reports cdktf.out
