"""Every ORM model, imported once so ``Base.metadata`` is complete (Alembic, tests)."""

from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.audit.models import AuditEvent
from ukg_aid.auth.models import ApiToken
from ukg_aid.catalog.models import Item
from ukg_aid.closures.models import Closure
from ukg_aid.db import Base
from ukg_aid.helicopters.models import Helicopter, HelicopterStaging, HelicopterStatusChange
from ukg_aid.hospitals.models import HospitalRow, HospitalStatusChange
from ukg_aid.idempotency.models import IdempotencyRecord
from ukg_aid.incidents.models import Incident, IncidentCounterpart
from ukg_aid.medevac.models import MedevacMission
from ukg_aid.members.models import Member
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.shipments.models import Shipment, Truck, WavePart
from ukg_aid.shelters.models import Shelter, ShelterChange
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger
from ukg_aid.weather.models import WeatherHoldRow

__all__ = [
    "AidRequest",
    "AidRequestLine",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Closure",
    "Depot",
    "DispatchPlan",
    "Helicopter",
    "HelicopterStaging",
    "HelicopterStatusChange",
    "HospitalRow",
    "HospitalStatusChange",
    "IdempotencyRecord",
    "Incident",
    "IncidentCounterpart",
    "Item",
    "MedevacMission",
    "Member",
    "PlanAllocation",
    "Shelter",
    "ShelterChange",
    "Shipment",
    "Stock",
    "StockLedger",
    "Truck",
    "WavePart",
    "WeatherHoldRow",
]
