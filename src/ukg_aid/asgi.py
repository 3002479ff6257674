"""ASGI entry point for uvicorn workers: ``ukg_aid.asgi:app``."""

from ukg_aid.app import create_app
from ukg_aid.serving import die_with_parent

die_with_parent()
app = create_app()
