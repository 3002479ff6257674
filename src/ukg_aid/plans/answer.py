"""A plan as the API answers it, built and serialised off the event loop (issue 11).

A Nankai plan answers 3,664 named allocation rows (3 MB of JSON). Turning the database rows into
models and the models into JSON is 0.1–0.4 s of Python and pydantic-core per answer; on the
event loop that is as long a stall for every other request of the process (``/healthz``
waited 110–190 ms, ``bench/loop_stalls.py``). Here the query runs on the loop and the rest in a
worker thread, and the JSON is written ``CHUNK`` rows per pydantic-core call: one call holds
the GIL until it returns, so a single call over every row would stall the loop all the same.

The bytes are what FastAPI would have sent for the same ``PlanRead`` (same models, same
serialiser, fields in their declared order); routes return them as a ``Response`` and declare
``response_model=PlanRead`` for the documentation.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Response
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.plans import rows
from ukg_aid.plans.models import DispatchPlan
from ukg_aid.plans.schemas import AllocationRow, PlanRead, SolverRead, UnmetRead

CHUNK = 200
"""Rows per pydantic-core call: about 1–3 ms of GIL each on this machine."""

_ROWS = TypeAdapter(list[AllocationRow])
_FIELDS = tuple(PlanRead.model_fields)
_BEFORE = set(_FIELDS[: _FIELDS.index("allocations")])
_AFTER = set(_FIELDS[_FIELDS.index("allocations") + 1 :])


async def read(session: AsyncSession, plan: DispatchPlan) -> tuple[PlanRead, bytes]:
    """The plan's answer as a model and as the JSON bytes sent (one query on the loop)."""
    result = await rows.for_plan_result(session, plan.id)
    return await asyncio.to_thread(_build, plan, result)


async def response(session: AsyncSession, plan: DispatchPlan, status_code: int = 200) -> Response:
    """The plan's answer, ready to send."""
    _, body = await read(session, plan)
    return json_bytes(body, status_code)


def json_bytes(body: bytes, status_code: int = 200) -> Response:
    return Response(body, status_code=status_code, media_type="application/json")


def _build(plan: DispatchPlan, result: Any) -> tuple[PlanRead, bytes]:
    """In the worker thread: the rows as models, the plan around them, the JSON. The plan's
    loaded attributes are only read here; its session waits for this thread meanwhile."""
    out = to_read(plan, rows.named(result))
    return out, dump(out)


def to_read(plan: DispatchPlan, allocations: list[AllocationRow]) -> PlanRead:
    return PlanRead(
        id=plan.id,
        incident_id=plan.incident_id,
        status=plan.status,
        policy=plan.policy,
        include_stricken_suppliers=plan.include_stricken_suppliers,
        request_ids=list(plan.request_ids),
        allocations=allocations,
        unmet=[UnmetRead.model_validate(u) for u in plan.unmet],
        solver=solver(plan),
        created_by=plan.created_by,
        created_at=plan.created_at,
        decided_by=plan.decided_by,
        decided_at=plan.decided_at,
        closed_at=plan.closed_at,
    )


def solver(plan: DispatchPlan) -> SolverRead:
    return SolverRead(
        status=plan.solver_status, wall_ms=plan.solver_wall_ms, objective=plan.objective
    )


def dump(out: PlanRead) -> bytes:
    """``out`` as JSON, the allocations ``CHUNK`` rows per serialiser call."""
    before = out.model_dump_json(include=_BEFORE).encode()
    after = out.model_dump_json(include=_AFTER).encode()
    chunks = [
        _ROWS.dump_json(out.allocations[k : k + CHUNK])[1:-1]
        for k in range(0, len(out.allocations), CHUNK)
    ]
    return b"".join((before[:-1], b',"allocations":[', b",".join(chunks), b"],", after[1:]))
