# Liaise: the two commands a newcomer needs are `make run` and `make test`.
# Node is used only to fetch the NHS.UK frontend files and to run the browser
# tests; the product is the Go binary.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
NPM      ?= npm
BIN      := bin/liaise
CHROMIUM ?= /usr/bin/chromium
NHSUK    := node_modules/nhsuk-frontend/dist/nhsuk
STATIC   := web/static/nhsuk
# Written after a successful `npm ci`; newer than package-lock.json means
# node_modules is current, so repeated builds do not reinstall.
NPM_STAMP := node_modules/.liaise-npm-ci

# The browser tests' server listens on a free port, so a second run (or
# anything else on the machine) never collides with it.
FREE_PORT := node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"

# Nothing here may download a browser: the tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# The SQLite driver trips the race detector's pointer checks at every step and
# is then very slow (DESIGN.md §10), so those checks are off for it alone.
GOTEST_FLAGS ?= -race -gcflags='modernc.org/...=-d=checkptr=0' -timeout 30m

.PHONY: help assets build run test vet gotest e2e screenshots fmt clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(NPM_STAMP): package-lock.json package.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

assets: $(NPM_STAMP) ## install nhsuk-frontend (npm ci) and copy its CSS, JS and assets into web/static/nhsuk
	@mkdir -p $(STATIC)
	@rm -rf $(STATIC)/assets
	cp $(NHSUK)/nhsuk-frontend.min.css $(NHSUK)/nhsuk-frontend.min.js $(STATIC)/
	cp -R $(NHSUK)/assets $(STATIC)/assets

build: assets ## build bin/liaise (front-end files embedded)
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/liaise

run: build ## build and serve http://127.0.0.1:8080 on liaise.db with the demo organisation
	./$(BIN) serve --migrate --demo

test: vet gotest e2e ## go vet, go test -race (PostgreSQL too when LIAISE_TEST_POSTGRES is set), browser tests

vet: ## go vet
	$(GO) vet ./...

gotest: ## go test -race ./...
	$(GO) test $(GOTEST_FLAGS) ./...

e2e: ## browser tests in Debian's Chromium (skipped when it is missing unless LIAISE_REQUIRE_E2E=1)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$${LIAISE_REQUIRE_E2E:-}" = "1" ]; then \
	    echo "browser tests FAILED: Chromium not installed at $(CHROMIUM) and LIAISE_REQUIRE_E2E=1 (apt-get install chromium)" >&2; exit 1; \
	  fi; \
	  echo "browser tests skipped: Chromium not installed (apt-get install chromium)"; \
	  exit 0; \
	fi; \
	$(MAKE) --no-print-directory build && \
	LIAISE_E2E_PORT=$${LIAISE_E2E_PORT:-$$($(FREE_PORT))} npx --no-install playwright test --config e2e/playwright.config.mjs

screenshots: build ## save PNGs of key pages to /tmp/liaise-shots (needs Chromium)
	LIAISE_SHOTS=1 LIAISE_E2E_PORT=$${LIAISE_E2E_PORT:-$$($(FREE_PORT))} npx --no-install playwright test --config e2e/playwright.config.mjs --grep @screens
	@echo "screenshots in $${LIAISE_SHOTS_DIR:-/tmp/liaise-shots}"

fmt: ## gofmt the Go code
	$(GO) fmt ./...

clean: ## remove build output, copied assets and test results (keeps liaise.db)
	rm -rf bin $(STATIC) e2e/test-results e2e/playwright-report test-results playwright-report
