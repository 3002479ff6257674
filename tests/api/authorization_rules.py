"""Who may call each route: the expectation table of the authorization matrix.

Kept apart from the code on purpose (README "Roles and tokens", SPEC §7): the matrix test
(``test_authorization_matrix.py``) compares the app against this table, and a route the app
serves without an entry here fails it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ukg_aid.principal import Role

DESK, COORD, EMS, OBS, ADMIN = Role.desk, Role.coordinator, Role.ems, Role.observer, Role.admin
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    """Who may call a route. ``own_member``: a desk only for the member owning the target."""

    roles: frozenset[Role] = frozenset()
    own_member: bool = False
    public: bool = False


def may(*roles: Role, own_member: bool = False) -> Rule:
    return Rule(frozenset(roles), own_member)


PUBLIC = Rule(public=True)
READ = Rule(EVERYONE)
AUDIT = may(COORD, ADMIN, OBS)

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): may(ADMIN, OBS),  # or the scrape token UKG_AID_METRICS_TOKEN
    ("GET", "/"): PUBLIC,  # the console page; everything it shows needs a token
    ("GET", "/api/v1/me"): READ,
    ("POST", "/api/v1/incidents"): may(COORD, ADMIN),
    ("GET", "/api/v1/incidents"): READ,
    ("GET", "/api/v1/incidents/{incident_id}"): READ,
    ("PATCH", "/api/v1/incidents/{incident_id}"): may(COORD, ADMIN),
    ("GET", "/api/v1/incidents/{incident_id}/counterparts"): READ,
    ("PUT", "/api/v1/incidents/{incident_id}/counterparts"): may(COORD, ADMIN),
    ("POST", "/api/v1/members"): may(COORD, ADMIN),
    ("POST", "/api/v1/shelters"): may(DESK, COORD, ADMIN, own_member=True),
    ("GET", "/api/v1/shelters"): READ,
    ("GET", "/api/v1/shelters/needs"): READ,
    ("GET", "/api/v1/shelters/{shelter_id}"): READ,
    ("GET", "/api/v1/shelters/{shelter_id}/history"): READ,
    ("PATCH", "/api/v1/shelters/{shelter_id}"): may(DESK, COORD, ADMIN, own_member=True),
    ("POST", "/api/v1/aid-requests/push/preview"): may(COORD, ADMIN),
    ("POST", "/api/v1/aid-requests/push"): may(COORD, ADMIN),
    ("POST", "/api/v1/aid-requests/push/close"): may(COORD, ADMIN),
    ("GET", "/api/v1/members"): READ,
    ("GET", "/api/v1/members/geojson"): READ,
    ("GET", "/api/v1/members/{code}"): READ,
    ("GET", "/api/v1/items"): READ,
    ("GET", "/api/v1/items/{code}"): READ,
    ("POST", "/api/v1/items"): may(ADMIN),
    ("PATCH", "/api/v1/items/{code}"): may(ADMIN),
    ("GET", "/api/v1/depots"): READ,
    ("GET", "/api/v1/depots/geojson"): READ,
    ("POST", "/api/v1/depots"): may(DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/depots/{depot_id}"): READ,
    ("PATCH", "/api/v1/depots/{depot_id}"): may(DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/stock"): READ,
    ("PUT", "/api/v1/depots/{depot_id}/stock/{item_code}"): may(DESK, ADMIN, own_member=True),
    ("POST", "/api/v1/depots/{depot_id}/stock/{item_code}/adjustments"): may(
        DESK, ADMIN, own_member=True
    ),
    ("GET", "/api/v1/depots/{depot_id}/ledger"): READ,
    ("GET", "/api/v1/stock/export"): READ,
    ("POST", "/api/v1/stock/import"): may(DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/reports/situation"): READ,
    ("POST", "/api/v1/aid-requests"): may(DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/aid-requests"): READ,
    ("GET", "/api/v1/aid-requests/geojson"): READ,
    ("GET", "/api/v1/aid-requests/{request_id}"): READ,
    ("POST", "/api/v1/aid-requests/{request_id}/cancel"): may(DESK, COORD, ADMIN, own_member=True),
    ("POST", "/api/v1/plans"): may(COORD, ADMIN),
    ("GET", "/api/v1/plans"): READ,
    ("GET", "/api/v1/plans/{plan_id}"): READ,
    ("GET", "/api/v1/plans/{plan_id}/geojson"): READ,
    ("GET", "/api/v1/plans/{plan_id}/inputs"): READ,
    ("POST", "/api/v1/plans/{plan_id}/approve"): may(COORD, ADMIN),
    ("POST", "/api/v1/plans/{plan_id}/discard"): may(COORD, ADMIN),
    ("POST", "/api/v1/plans/{plan_id}/cancel"): may(COORD, ADMIN),
    ("GET", "/api/v1/allocations"): READ,
    ("POST", "/api/v1/allocations/{allocation_id}/dispatch"): may(DESK, ADMIN, own_member=True),
    ("POST", "/api/v1/allocations/{allocation_id}/deliver"): may(DESK, ADMIN, own_member=True),
    ("POST", "/api/v1/allocations/{allocation_id}/decline"): may(DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/shipments"): READ,
    ("GET", "/api/v1/shipments/{shipment_id}"): READ,
    ("POST", "/api/v1/shipments/{shipment_id}/dispatch"): may(DESK, ADMIN, own_member=True),
    ("POST", "/api/v1/shipments/{shipment_id}/deliver"): may(DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/trucks"): READ,
    ("POST", "/api/v1/trucks/queue/advance"): may(DESK, COORD, ADMIN, own_member=True),
    ("POST", "/api/v1/incidents/{incident_id}/closures"): may(COORD, ADMIN),
    ("GET", "/api/v1/incidents/{incident_id}/closures"): READ,
    ("DELETE", "/api/v1/incidents/{incident_id}/closures/{closure_id}"): may(COORD, ADMIN),
    ("GET", "/api/v1/helicopters"): READ,
    ("GET", "/api/v1/helicopters/geojson"): READ,
    ("GET", "/api/v1/helicopters/coverage"): READ,
    ("GET", "/api/v1/helicopters/{heli_id}"): READ,
    ("PATCH", "/api/v1/helicopters/{heli_id}"): may(EMS, ADMIN),
    ("GET", "/api/v1/helicopters/{heli_id}/history"): READ,
    ("POST", "/api/v1/helicopters"): may(EMS, ADMIN),
    ("GET", "/api/v1/helicopters/stagings"): READ,
    ("POST", "/api/v1/helicopters/{heli_id}/leave"): may(EMS, ADMIN),
    ("POST", "/api/v1/helicopters/{heli_id}/stagings"): may(EMS, ADMIN),
    ("GET", "/api/v1/helicopters/{heli_id}/stagings"): READ,
    ("DELETE", "/api/v1/helicopters/{heli_id}/stagings/{staging_id}"): may(EMS, ADMIN),
    ("GET", "/api/v1/hospitals"): READ,
    ("GET", "/api/v1/hospitals/{hospital_id}"): READ,
    ("PATCH", "/api/v1/hospitals/{hospital_id}"): may(EMS, DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/hospitals/{hospital_id}/history"): READ,
    ("POST", "/api/v1/weather-holds"): may(EMS, ADMIN),
    ("GET", "/api/v1/weather-holds"): READ,
    ("GET", "/api/v1/weather-holds/{hold_id}"): READ,
    ("DELETE", "/api/v1/weather-holds/{hold_id}"): may(EMS, ADMIN),
    ("POST", "/api/v1/medevac-missions"): may(EMS, DESK, ADMIN, own_member=True),
    ("GET", "/api/v1/medevac-missions"): READ,
    ("GET", "/api/v1/medevac-missions/geojson"): READ,
    ("POST", "/api/v1/medevac-missions/assign"): may(EMS, ADMIN),
    ("GET", "/api/v1/medevac-missions/{mission_id}"): READ,
    ("POST", "/api/v1/medevac-missions/{mission_id}/assign"): may(EMS, ADMIN),
    ("POST", "/api/v1/medevac-missions/{mission_id}/{action}"): may(EMS, ADMIN),
    ("GET", "/api/v1/audit-events"): AUDIT,
    ("GET", "/api/v1/events"): READ,
    ("POST", "/api/v1/tokens"): may(ADMIN),
    ("GET", "/api/v1/tokens"): may(ADMIN),
    ("POST", "/api/v1/tokens/{name}/revoke"): may(ADMIN),
}

OWN, OTHER = "27", "28"
PRINCIPALS = (
    "desk own member",
    "desk other member",
    "coordinator",
    "ems",
    "observer",
    "admin",
    "no token",
    "revoked token",
    "expired token",
)
NO_ENTRY = frozenset({"no token", "revoked token", "expired token"})


def expected(rule: Rule, principal: str) -> int | None:
    """None when the principal may call the route, else the status it must get."""
    if rule.public:
        return None
    if principal in NO_ENTRY:
        return 401
    role = Role.desk if principal.startswith("desk") else Role(principal)
    if role not in rule.roles:
        return 403
    if role is Role.desk and rule.own_member and principal == "desk other member":
        return 403
    return None
