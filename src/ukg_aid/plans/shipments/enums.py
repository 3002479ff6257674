"""Value types of this package, importing no ORM."""

from __future__ import annotations

import enum


class ShipmentStatus(enum.StrEnum):
    """``planned``: waiting for the desk; ``queued``: the desk dispatched it but no truck was
    free (it leaves at ``departure_at`` at the earliest); ``dispatched``: on trucks;
    ``delivered``: confirmed; ``cancelled``: nothing of it travels (plan cancelled, declined)."""

    planned = "planned"
    queued = "queued"
    dispatched = "dispatched"
    delivered = "delivered"
    cancelled = "cancelled"
