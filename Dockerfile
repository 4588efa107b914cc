# The one image behind every application service in docker-compose.yml
# (gunicorn, daphne, celery worker and beat, migrate). Two stages:
#   assets: npm packages and the compiled stylesheet (node is not shipped);
#   app:    Python 3.11, the project installed without dev extras, static
#           files collected at build time, run as a non-root user.
# Secrets are never baked in: SECRET_KEY and friends come from the
# environment at run time (see docker-compose.yml).

# --- assets ---------------------------------------------------------------
FROM node:20-slim AS assets
WORKDIR /build

COPY package.json package-lock.json ./
# --ignore-scripts: no package we use needs an install script (as in Makefile).
RUN npm ci --no-audit --no-fund --ignore-scripts

COPY static/scss ./static/scss
# Same flags as SASS_FLAGS in the Makefile.
RUN mkdir -p static/build/css \
    && node_modules/.bin/sass --load-path=node_modules --style=compressed \
        --no-source-map --quiet-deps --silence-deprecation=import \
        --silence-deprecation=global-builtin \
        static/scss/main.scss static/build/css/main.css

# --- app ------------------------------------------------------------------
FROM python:3.11-slim AS app

# PYTHONPATH=/app: the project is also installed into site-packages (below),
# but settings.BASE_DIR is derived from the settings module's location and
# must be /app so templates/, static/ and node_modules/ resolve; putting /app
# first makes every entry point (manage.py, gunicorn, daphne, celery,
# healthcheck one-liners) import the same copy.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app \
        --create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when pyproject.toml or
# requirements.lock change. Only [project].dependencies (no dev extras),
# pinned by the lock file.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; \
print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c requirements.lock -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# Non-editable install of the project itself (dependencies already satisfied).
RUN pip install -c requirements.lock . \
    && rm -rf build ./*.egg-info

# What settings.STATICFILES_DIRS points at, from the assets stage.
COPY --from=assets /build/node_modules/govuk-frontend/dist ./node_modules/govuk-frontend/dist
COPY --from=assets /build/static/build ./static/build

# Collected into /app/staticfiles (whitenoise serves it, hashed and
# compressed). The dummy values exist only for this RUN (DEBUG off needs
# them to import settings); they are not part of the image's environment.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 1

# Code and static files stay root-owned (read-only to the app); only var/
# (uploads on the media volume, the file email backend) is writable. A named
# volume mounted on /app/var/media starts with this ownership.
RUN mkdir -p var/media var/mail && chown -R app:app var

USER app

EXPOSE 8000 8001
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "hertsreport.wsgi:application"]
