# The one image behind every application service in docker-compose.yml
# (gunicorn, daphne, celery worker and beat, migrate). Two stages:
#   assets: npm packages, the compiled stylesheet and GOV.UK Frontend's
#           script and assets (node and node_modules are not shipped);
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
# static/build as the Makefile makes it: the stylesheet (same SASS_FLAGS) and
# the parts of GOV.UK Frontend that pages load (its script and its assets).
RUN mkdir -p static/build/css static/build/govuk \
    && node_modules/.bin/sass --load-path=node_modules --style=compressed \
        --no-source-map --quiet-deps --silence-deprecation=import \
        --silence-deprecation=global-builtin \
        static/scss/main.scss static/build/css/main.css \
    && cp -r node_modules/govuk-frontend/dist/govuk/assets \
        node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
        static/build/govuk/

# --- app ------------------------------------------------------------------
FROM python:3.11-slim AS app

# PYTHONPATH=/app: the project is also installed into site-packages (below),
# but that copy has no templates, and settings.BASE_DIR comes from the
# settings module's location, so it must be imported from /app for
# templates/, static/ and staticfiles/ to resolve. With /app first, every
# entry point (manage.py, gunicorn, daphne, celery, the healthchecks)
# imports the same copy.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

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

# settings.STATICFILES_DIRS is static/src (in the context) and static/build
# (from the assets stage); node_modules itself is not needed at run time.
COPY --from=assets /build/static/build ./static/build

# Collected into /app/staticfiles (whitenoise serves it, hashed and
# compressed). The dummy values exist only for this RUN (DEBUG off needs
# them to import settings); they are not part of the image's environment.
RUN DEBUG=false STATIC_MANIFEST=true SECRET_KEY=collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput --verbosity 1

# Code and static files stay root-owned (read-only to the app); only var/
# (uploads on the media volume, the file email backend) is writable. A named
# volume mounted on /app/var/media starts with this ownership.
RUN mkdir -p var/media var/mail && chown -R app:app var

USER app

EXPOSE 8000 8001
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "hertsreport.wsgi:application"]
