"""ASGI entry point for uvicorn/gunicorn workers: ``ukg_aid.asgi:app``."""

from ukg_aid.app import create_app

app = create_app()
