# ukg-aid: slim, non-root, migrations on start, several uvicorn workers.
#   docker build -t ukg-aid .
#   docker run -e UKG_AID_DATABASE_URL=postgresql://user:pass@db:5432/ukg_aid -p 8000:8000 ukg-aid

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY requirements ./requirements
COPY src ./src
# A wheel of the package and of every dependency (the tested versions: the constraints file),
# so the runtime stage needs no compiler.
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c requirements/constraints.txt .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    WORKERS=2
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin ukg
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
# Found next to the working directory at run time: migrations (ukg-aid db upgrade), seed data
# (ukg-aid seed) and var/ for the embedded SQLite default when no database URL is given.
COPY alembic.ini ./
COPY migrations ./migrations
COPY data ./data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN mkdir -p /app/var && chown ukg:ukg /app/var && chmod 0755 /usr/local/bin/docker-entrypoint.sh
USER ukg
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)" || exit 1
ENTRYPOINT ["docker-entrypoint.sh"]
