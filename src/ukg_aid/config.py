"""Service settings: one pydantic-settings class, prefix ``UKG_AID_``, validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ukg_aid.clock import ClockMode

_REPO_ROOT = Path(__file__).resolve().parents[2]


def _default_seed_dir() -> Path:
    """The repository's ``data/stockpiles`` (editable install) or ``./data/stockpiles``."""
    candidate = _REPO_ROOT / "data" / "stockpiles"
    return candidate if candidate.is_dir() else Path.cwd() / "data" / "stockpiles"


def _default_database_url() -> str:
    """An embedded SQLite file, so ``make run`` needs no database server."""
    var = Path.cwd() / "var"
    return f"sqlite+aiosqlite:///{var / 'ukg-aid.db'}"


def async_database_url(value: str) -> str:
    """Accept plain ``postgresql://`` / ``sqlite://`` URLs and pick the async drivers we ship
    (asyncpg, aiosqlite), so every path uses the production driver."""
    if value.startswith("postgres://"):
        value = "postgresql://" + value.removeprefix("postgres://")
    if value.startswith("postgresql://"):
        return "postgresql+asyncpg://" + value.removeprefix("postgresql://")
    if value.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + value.removeprefix("sqlite://")
    return value


class Settings(BaseSettings):
    """All runtime configuration. Every field can be set as ``UKG_AID_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="UKG_AID_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=_default_database_url)
    # Connection budget (docs/scaling.md): each API process holds at most
    # db_pool_size + db_max_overflow connections, so a deployment opens at most
    # processes × (pool + overflow); keep that under the server's (or PgBouncer's) limit.
    # Default 20 + 0: the same 20 per process as 10 + 10 before, but kept open: an overflow
    # connection is closed when returned and reopened under load (issue 11, bench/api_hot.py).
    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_max_overflow: int = Field(default=0, ge=0, le=200)
    # Behind PgBouncer in transaction mode: no server-side prepared statements are cached or
    # named the same twice, so a statement never lands on a backend that does not know it.
    db_pgbouncer: bool = False
    # A pooled connection idle longer than this is pinged before use (0 = always ping).
    db_ping_idle_s: float = Field(default=1.0, ge=0, le=3600)
    db_echo: bool = False
    # How long the API waits for PostgreSQL before answering 503 (seconds); see ukg_aid.db.session.
    db_connect_timeout_s: float = Field(default=1.5, gt=0, le=60)
    db_pool_timeout_s: float = Field(default=1.5, gt=0, le=60)
    db_statement_timeout_s: float = Field(default=3.0, gt=0, le=600)
    db_retries: int = Field(default=3, ge=0, le=10, description="re-runs after a deadlock")
    readyz_timeout_s: float = Field(default=1.5, gt=0, le=30)
    metrics_token: SecretStr | None = Field(default=None, min_length=16)
    seed_dir: Path = Field(default_factory=_default_seed_dir)
    timezone: str = "Asia/Tokyo"

    # Time integrity (SPEC §9): live refuses an ``at`` outside [now - backdate, now + 5 min].
    clock: ClockMode = Field(
        default=ClockMode.live, description="live (real desks) or simulated (drills, training)"
    )
    max_backdate_hours: float = Field(default=24.0, ge=0, le=8760)
    queue_advance_seconds: float = Field(
        default=60.0,
        ge=0,
        le=3600,
        description="how often queued shipments whose trucks are back leave by themselves "
        "(live clock only; 0: only after shipment actions and POST /trucks/queue/advance)",
    )

    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="request body limit")
    default_page_limit: int = Field(default=100, ge=1, le=1000)
    max_page_limit: int = Field(default=1000, ge=1, le=10_000)
    token_default_days: int = Field(default=90, ge=1, le=3650)
    idempotency_ttl_hours: int = Field(default=72, ge=1)

    # Travel model (SPEC §3)
    road_circuity: float = Field(default=1.3, ge=1.0, le=3.0)
    truck_kmh: float = Field(default=40.0, gt=0, le=120)
    loading_minutes: float = Field(default=30.0, ge=0, le=600)
    osrm_url: str | None = None
    solver_time_limit_s: float = Field(default=20.0, gt=0, le=600)
    # Plans are solved in this many worker processes per API process (0 = a thread of the API
    # process, which stalls its other requests while the GIL is held; ukg_aid.plans.solver_pool).
    solver_processes: int = Field(default=1, ge=0, le=32)
    # Truck-aware planning (issue 13, ukg_aid.truckplan): at most this many solves per plan, each
    # projected onto the suppliers' truck pools; 0 = plan without trucks (ETA = loading + drive).
    truck_plan_rounds: int = Field(default=3, ge=0, le=10)
    medevac_time_limit_s: float = Field(default=10.0, gt=0, le=600)
    counterpart_factor: float = Field(default=0.8, gt=0, le=1.0)

    events_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    events_heartbeat_seconds: float = Field(default=15.0, gt=0, le=300)
    union_buffer_km: float = Field(default=15.0, ge=0, le=100)
    guest_radius_km: float = Field(
        default=40.0,
        gt=0,
        le=200,
        description="a guest recipient's delivery points and shelters lie within this of its "
        "office (SPEC §10)",
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()
