# Callboard: the user interface of the repository.
#   make run    install what is missing, build, start the server with a demo tenant
#   make test   install, build, run every test, print the ctest summary
#   make build  build; the binary ends up at build/callboard, the web app in web/dist
#   make bench  benchmarks (figures with their baselines)
#   make fmt    format the C++ sources

PRESET ?= release
JOBS ?= 2
LISTEN ?= 127.0.0.1:8080
DATA ?= ./data

.PHONY: deps build web test test-asan run bench fmt clean

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)
	@ln -sfn $(PRESET)/callboard build/callboard
	@$(MAKE) --no-print-directory web

# The web app (web/): npm ci when the lock file changed, then type-check, bundle and check the
# size budgets into web/dist (served by `callboard serve`) when a source changed.
WEB_SOURCES := $(shell find web/src web/public web/scripts -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/tsconfig.json web/package.json

web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	@cd web && npm ci --no-audit --no-fund --loglevel=error

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	@cd web && { npm run --silent build || { rm -f dist/index.html; exit 1; }; }

test: build
	@ctest --preset $(PRESET) -j $(JOBS) --output-on-failure

test-asan:
	@$(MAKE) test PRESET=asan

run: build
	@mkdir -p $(DATA)
	@echo "Callboard on http://$(LISTEN)  (Ctrl-C stops it)"
	@./build/callboard demo --data $(DATA) --listen $(LISTEN)

# Every bench/*.sh in turn (engine, http, ingest, report); sizes via env, see each script.
bench: build
	@for script in bench/*_bench.sh; do echo; echo "== $$script"; ./$$script || exit 1; done

fmt:
	@find src test bench -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	@rm -rf build
