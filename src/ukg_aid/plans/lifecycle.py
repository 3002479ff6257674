"""Plan state changes, each all-or-nothing, by use case:

* :mod:`ukg_aid.plans.approval`: approve (reserve every allocation's stock, or nothing), discard;
* :mod:`ukg_aid.plans.release`: cancel an approved plan, cancel an aid request (both give back
  reserved stock that was not shipped);
* :mod:`ukg_aid.plans.shipping`: dispatch and deliver allocations, complete the plan.

The transition table is :mod:`ukg_aid.plans.transitions`; row locks :mod:`ukg_aid.plans.locks`.
This module names the use cases for the routes.
"""

from __future__ import annotations

from ukg_aid.plans.approval import approve, discard
from ukg_aid.plans.release import cancel, cancel_request

__all__ = ["approve", "cancel", "cancel_request", "discard"]
