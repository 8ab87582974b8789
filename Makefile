# Two commands set up everything on a fresh machine: `make run` and `make test`.
# See README.md for what each step does and the environment variables.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
DEV_INSTALLED := $(VENV)/.installed-dev-$(shell cat requirements.lock requirements-dev.lock | cksum | cut -d' ' -f1)
export HOST ?= 127.0.0.1
export PORT ?= 8000

.PHONY: run dev test bench system-packages lint samples check-deploy install install-dev lock superuser editor backup restore clean

run: install ## Install, migrate, load the data and serve it with gunicorn
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_dataset
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops it and the embedded database)"
	@echo "Admin: http://$(HOST):$(PORT)/admin/  (create an account: make editor NAME=you, or make superuser)"
	@echo
	exec $(BIN)/gunicorn --config compare/gunicorn.conf.py --no-control-socket

dev: install ## runserver with DEBUG on, for development
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_dataset
	DJANGO_DEBUG=1 exec $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests need no stable key: a throwaway one, unless DJANGO_SECRET_KEY is set.
test lint: export DJANGO_SECRET_KEY ?= $(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')

test: install-dev system-packages node_modules/.installed lint check-deploy ## Install and run the whole suite
	$(BIN)/pytest --numprocesses=auto --dist=loadfile

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py lint_dataset --files

# Production-like settings: DEBUG off, a real key, HTTPS on behind a proxy.
bench: install ## Measure the public pages against a static file, at 1x and 10x the data (needs wrk)
	$(BIN)/python bench/run.py

samples: install ## Install and run every hello-world sample in its own venv (needs the network)
	$(BIN)/python manage.py check_samples $(SAMPLE)

check-deploy: install
	DJANGO_DEBUG=0 DJANGO_HTTPS=1 DJANGO_ALLOWED_HOSTS=compare.example.org \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

superuser: install ## Create an admin account (prompts for a password)
	$(BIN)/python manage.py createsuperuser

editor: install ## Create an editor account: make editor NAME=ada (password prompted or $$EDITOR_PASSWORD)
	@test -n "$(NAME)" || { echo "Usage: make editor NAME=<user name>"; exit 2; }
	$(BIN)/python manage.py create_editor "$(NAME)"

backup: install ## Back up the database into backups/ (pg_dump, custom format, named by time)
	$(BIN)/python manage.py backup

restore: install ## Restore a backup: make restore FILE=backups/compare-….dump (asks before replacing data)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<file>.dump"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

# The site's packages; the tests' (pytest, ruff, Playwright) only for make test.
install: $(INSTALLED)
install-dev: $(DEV_INSTALLED)

# Chromium, Java and npm for the browser tests: installed with apt where possible, or named.
system-packages:
	@tests/browser/system-packages.sh

# axe-core and the Nu HTML checker for the browser tests, pinned by package-lock.json.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the browser tests (apt-get install -y npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(INSTALLED): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed; found " + sys.version.split()[0] + " (set PYTHON=python3.12)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

$(DEV_INSTALLED): $(INSTALLED) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements-dev.lock
	rm -f $(VENV)/.installed-dev-*
	touch $@

# Re-pin from pyproject.toml: the site's packages into requirements.lock, and what
# the dev group adds on top of them into requirements-dev.lock.
PIP := .lock-venv/bin/python -m pip --disable-pip-version-check
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb")); print("\n".join(p["project"]["dependencies"]))' > .lock-venv/runtime.txt
	.lock-venv/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb")); print("\n".join(p["dependency-groups"]["dev"]))' > .lock-venv/dev.txt
	$(PIP) install --quiet --requirement .lock-venv/runtime.txt
	$(PIP) freeze > .lock-venv/runtime.lock
	$(PIP) install --quiet --requirement .lock-venv/dev.txt --constraint .lock-venv/runtime.lock
	$(PIP) freeze > .lock-venv/all.lock
	( echo "# Pinned by 'make lock' from pyproject.toml; install with pip install -r requirements.lock"; \
	  cat .lock-venv/runtime.lock ) > requirements.lock
	( echo "# Pinned by 'make lock': the dev group, on top of requirements.lock"; \
	  echo "-r requirements.lock"; \
	  grep -vxFf .lock-venv/runtime.lock .lock-venv/all.lock ) > requirements-dev.lock
	rm -rf .lock-venv

clean: ## Remove the venv, the embedded database, collected static files, node_modules, screenshots
	rm -rf $(VENV) .data staticfiles node_modules artifacts
