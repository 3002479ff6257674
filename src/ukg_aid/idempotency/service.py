"""``Idempotency-Key`` for creating POSTs (SPEC §7).

The first response is stored in the same transaction as the change it reports, so a key is
either remembered with its effect or not at all. A replay with the same body gets the stored
response and creates nothing; the same key with a different body is refused (422). Two requests
racing with one key meet on the unique index: the loser rolls back and is told to retry (409).

Creating POSTs accept a key and do not require one (SPEC §7): a retry without one is a second
create, as a second filing is a second request. Push-type support files a request per shelter
from the shelters' needs, so nothing in a retried body tells it from a new push: the console and
``client.file_push`` always send a key there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock
from ukg_aid.deps import CurrentPrincipal, Session, SettingsDep
from ukg_aid.errors import Conflict, Unprocessable
from ukg_aid.idempotency.models import IdempotencyRecord

REPLAY_HEADER = "Idempotent-Replayed"


def body_hash(method: str, path: str, body: BaseModel | None) -> str:
    payload = body.model_dump(mode="json") if body is not None else None
    canonical = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Idempotency:
    session: AsyncSession
    token_id: int
    key: str | None
    method: str
    path: str
    ttl: timedelta = timedelta(hours=72)
    _hash: str | None = None

    async def replay(self, body: BaseModel | None) -> JSONResponse | None:
        """The stored first response for this key, or None when the request is new."""
        if self.key is None:
            return None
        self._hash = body_hash(self.method, self.path, body)
        record = await self.session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.token_id == self.token_id, IdempotencyRecord.key == self.key
            )
        )
        if record is None:
            return None
        if record.created_at < clock.now() - self.ttl:
            # Expired: the key may be used afresh (UKG_AID_IDEMPOTENCY_TTL_HOURS).
            await self.session.delete(record)
            await self.session.flush()
            return None
        if record.body_hash != self._hash:
            raise Unprocessable(
                "this Idempotency-Key was already used with a different request; "
                "use a new key for a new request",
                code="idempotency-key-reused",
            )
        return JSONResponse(
            record.response, status_code=record.status_code, headers={REPLAY_HEADER: "true"}
        )

    async def remember(self, status_code: int, response: BaseModel | Mapping[str, Any]) -> None:
        """Store the first response (same transaction as the change): a model, or an answer
        already built as JSON data (``deps.json_response``'s body)."""
        if self.key is None or self._hash is None:
            return
        if isinstance(response, BaseModel):
            response = response.model_dump(mode="json", by_alias=True)
        await self._store(status_code, response)

    async def remember_sent(self, status_code: int, sent: bytes) -> None:
        """Store the first response from the JSON bytes sent (a large answer, e.g. a Nankai
        plan's 3 MB: decoded in a worker thread, not on the event loop)."""
        if self.key is None or self._hash is None:
            return
        await self._store(status_code, await asyncio.to_thread(json.loads, sent))

    async def _store(self, status_code: int, response: Any) -> None:
        record = IdempotencyRecord(
            token_id=self.token_id,
            key=self.key,
            method=self.method,
            path=self.path,
            body_hash=self._hash,
            status_code=status_code,
            response=response,  # as FastAPI sends it
            created_at=clock.now(),
        )
        self.session.add(record)
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError as exc:
            raise Conflict(
                "another request with this Idempotency-Key is in flight; retry to get its response",
                code="idempotency-key-in-flight",
            ) from exc


async def get_idempotency(
    request: Request,
    session: Session,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Replays with the same key return the first response and create nothing.",
        ),
    ] = None,
) -> Idempotency:
    """``async`` although it awaits nothing: FastAPI runs a plain ``def`` dependency in a worker
    thread, a thread hop on every keyed write for building one object."""
    return Idempotency(
        session=session,
        token_id=principal.token_id,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
    )


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
