"""Who is calling: the role, the authenticated principal and the member-scope rule.

Kernel: imports no ORM and no domain package, so every layer (and the typed client) may use it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ukg_aid.errors import Forbidden


class Role(enum.StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    ems = "ems"
    desk = "desk"
    observer = "observer"


@dataclass(frozen=True, slots=True)
class Principal:
    token_id: int
    name: str
    role: Role
    member_code: str | None

    def require_member(self, member_code: str, *, action: str) -> None:
        """Desks act only for their own member; other roles pass through their role guard."""
        if self.role is Role.desk and self.member_code != member_code:
            raise Forbidden(
                f"desk token '{self.name}' is bound to member {self.member_code} "
                f"and may not {action} for member {member_code}",
                code="wrong-member",
            )


SYSTEM = Principal(token_id=0, name="system", role=Role.admin, member_code=None)
