"""Database plumbing: declarative base, column types, engine and session factory."""

from ukg_aid.db.base import Base, JSONType, TZDateTime
from ukg_aid.db.session import Database

__all__ = ["Base", "Database", "JSONType", "TZDateTime"]
