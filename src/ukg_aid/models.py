"""Every ORM model, imported once so ``Base.metadata`` is complete (Alembic, tests)."""

from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.audit.models import AuditEvent
from ukg_aid.auth.models import ApiToken
from ukg_aid.catalog.models import Item
from ukg_aid.closures.models import Closure
from ukg_aid.db import Base
from ukg_aid.helicopters.models import Helicopter, HelicopterStatusChange
from ukg_aid.idempotency.models import IdempotencyRecord
from ukg_aid.medevac.models import MedevacMission
from ukg_aid.members.models import Member
from ukg_aid.plans.models import CounterpartPair, DispatchPlan, PlanAllocation
from ukg_aid.shipments.models import Shipment, Truck
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger

__all__ = [
    "AidRequest",
    "AidRequestLine",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Closure",
    "CounterpartPair",
    "Depot",
    "DispatchPlan",
    "Helicopter",
    "HelicopterStatusChange",
    "IdempotencyRecord",
    "Item",
    "MedevacMission",
    "Member",
    "PlanAllocation",
    "Shipment",
    "Stock",
    "StockLedger",
    "Truck",
]
