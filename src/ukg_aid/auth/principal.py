"""Who is calling: the authenticated principal and the member-scope rule."""

from __future__ import annotations

from dataclasses import dataclass

from ukg_aid.auth.models import Role
from ukg_aid.errors import Forbidden


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
