"""Moved to the kernel module ``ukg_aid.principal``; this name stays for old imports."""

from ukg_aid.principal import SYSTEM, Principal, Role

__all__ = ["SYSTEM", "Principal", "Role"]
