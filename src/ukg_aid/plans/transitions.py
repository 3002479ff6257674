"""The plan lifecycle as a table: which status each step needs, where it leads, and which earlier
instant it may not precede (SPEC §9 timelines). Every state change of a plan starts here.

    plan:        proposed ─approve→ approved ─(all allocations closed)→ completed
                 proposed ─discard→ discarded;  approved ─cancel→ cancelled
    allocation:  planned ─dispatch→ dispatched ─deliver→ delivered;  planned ─cancel→ cancelled

An approval of a plan without allocations completes it at once; releasing allocations for a
cancelled request leaves the plan approved until its last allocation closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ukg_aid.clock import require_forward
from ukg_aid.errors import Conflict
from ukg_aid.plans.enums import PlanStatus
from ukg_aid.plans.models import DispatchPlan


@dataclass(frozen=True, slots=True)
class Step:
    """One plan transition: from which statuses, to which, not before which earlier instant."""

    allowed: tuple[PlanStatus, ...]
    to: PlanStatus | None
    """None: the plan keeps its status (or the use case decides, as approval does)."""
    after_approval: bool
    """Not before the plan's approval (``decided_at``); otherwise not before its creation."""


STEPS: dict[str, Step] = {
    "approve": Step((PlanStatus.proposed,), PlanStatus.approved, after_approval=False),
    "discard": Step((PlanStatus.proposed,), PlanStatus.discarded, after_approval=False),
    "cancel": Step((PlanStatus.approved,), PlanStatus.cancelled, after_approval=True),
    "release": Step((PlanStatus.approved,), None, after_approval=True),
    "ship": Step((PlanStatus.approved,), None, after_approval=True),
}


def require_plan(plan: DispatchPlan, *allowed: PlanStatus) -> None:
    if plan.status not in allowed:
        want = " or ".join(s.value for s in allowed)
        raise Conflict(
            f"plan {plan.id} is {plan.status.value}; this needs it {want}",
            code="plan-state",
            plan_status=plan.status.value,
        )


def not_before(plan: DispatchPlan, step: Step, when: datetime, what: str) -> datetime:
    """``when``, checked against the instant ``step`` may not precede."""
    if step.after_approval:
        return require_forward(
            when, plan.decided_at, subject=f"plan {plan.id}: {what}", previous_what="its approval"
        )
    return require_forward(
        when, plan.created_at, subject=f"plan {plan.id}: {what}", previous_what="its creation"
    )


def enter(plan: DispatchPlan, name: str, when: datetime, what: str) -> datetime:
    """Check ``plan`` may take step ``name`` now; returns the checked instant."""
    step = STEPS[name]
    require_plan(plan, *step.allowed)
    return not_before(plan, step, when, what)
