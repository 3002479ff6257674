#!/bin/sh
# Container start: migrate, optionally seed, then serve. With arguments, run them instead
# (e.g. `docker run --rm -e UKG_AID_DATABASE_URL=... ukg-aid ukg-aid token create ...`).
set -eu

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

ukg-aid db upgrade
if [ "${UKG_AID_SEED_ON_START:-0}" = "1" ]; then
    ukg-aid seed
fi
exec ukg-aid serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WORKERS:-2}"
