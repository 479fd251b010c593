#!/bin/sh
# Release step, run once per deployment before the web, ws, worker and beat processes start
# (the `migrate` service in docker-compose.yml). Safe to run again: every step is idempotent.
set -eu

cd /app

# Fails on configuration errors (warnings are printed, not fatal).
python manage.py check --deploy

python manage.py migrate --noinput

# Into the `static` volume that nginx serves and whitenoise reads the manifest from.
python manage.py collectstatic --noinput
