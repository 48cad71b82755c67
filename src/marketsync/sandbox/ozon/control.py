"""`/_control/ozon/...`: seed a seller, refuse a key, the unsigned offer, the clock, "Circle is open", limits, and
buyers' events (postings, cancellations, deliveries, returns, reviews) with the seller's Premium Plus switch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException

from marketsync.sandbox.ozon.demo_events import demo_tick
from marketsync.sandbox.ozon.errors import DEACTIVATED_KEY, KEY_REFUSALS, OFFER_NOT_SIGNED
from marketsync.sandbox.ozon.events import EventError, event_summary, run, set_premium_plus
from marketsync.sandbox.ozon.operations import OPERATIONS
from marketsync.sandbox.ozon.seed import OfferSeed, seed_ozon
from marketsync.sandbox.ozon.state import OzonState

LIMITS = ("requests_per_second", "stock_updates_per_minute", "pair_interval_s", "import_processing_s")
SECONDS = ("pair_interval_s", "import_processing_s")  # intervals: 0 (not null) lets everything through


def ozon_control_router(ozon: OzonState) -> APIRouter:
    """Build the router of Ozon's control switches (mounted under /_control, never counted or faulted)."""
    router = APIRouter(prefix="/ozon")

    @router.post("/seed")
    def seed(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Create a seller: {"client_id", "api_key", "warehouses": [[id, name, status?]], "offers": [...]}."""
        try:
            warehouses = [tuple(w) for w in body.get("warehouses") or [[22142605386000, "Склад"]]]
            offers = [OfferSeed.from_json(o) for o in body.get("offers") or []]
            return seed_ozon(ozon, client_id=int(body["client_id"]), api_key=str(body["api_key"]),
                             warehouses=warehouses, offers=offers)  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as error:
            raise HTTPException(400, f"bad Ozon seed: {error}") from None

    @router.post("/keys/{api_key}/revoke")
    def revoke(api_key: str, body: dict[str, Any] | None = Body(default=None)) -> dict[str, Any]:
        """Make a key answer 403: deactivated (default), missing a role or restricted to some IPs."""
        message = (body or {}).get("message", DEACTIVATED_KEY)
        if message not in KEY_REFUSALS:
            raise HTTPException(400, f"message must be one of {list(KEY_REFUSALS)}")
        ozon.revoke_key(api_key, message)
        return {"api_key": api_key, "message": message}

    @router.post("/sellers/{client_id}/offer")
    def offer(client_id: int, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Switch whether the seller signed Ozon's offer (`{"signed": false}`: every call 403 Offer not signed)."""
        try:
            ozon.set_offer_signed(client_id, bool(body.get("signed", True)))
        except KeyError as error:
            raise HTTPException(404, str(error.args[0])) from None
        return {"client_id": client_id, "signed": bool(body.get("signed", True)),
                "message": None if body.get("signed", True) else OFFER_NOT_SIGNED}

    @router.post("/clock/advance")
    def advance(body: dict[str, Any] = Body(...)) -> dict[str, float | str]:
        """Move the clock on (`{"seconds": 30}`): rate windows and the 30 s pair interval pass, and events are
        stamped that much later (`utc`)."""
        ozon.advance(float(body.get("seconds", 0)))
        return {"now": ozon.now(), "utc": ozon.utcnow().isoformat()}

    @router.post("/events")
    def make_event(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Make one buyer event: {"client_id", "kind": posting|cancel|deliver|return|return_status|review, ...} —
        posting {offer_id?, scheme? fbs|fbo, warehouse_id?, quantity?, price?, city?}; cancel/deliver
        {posting_number}; return {posting_number, offer_id?}; return_status {return_id, status}; review
        {offer_id?, rating, text?}; any {at?: ISO time with offset, default the emulator's clock}."""
        try:
            return event_summary(run(ozon, int(body["client_id"]), str(body.get("kind")), body))
        except (EventError, KeyError, TypeError, ValueError) as error:
            raise HTTPException(400, f"bad event: {error}") from None

    @router.post("/demo/tick")
    def tick(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Run one step of the demo stream for {"client_id"}: one plausible buyer event now."""
        try:
            made = demo_tick(ozon, int(body["client_id"]))
        except (KeyError, TypeError, ValueError) as error:
            raise HTTPException(400, f"bad tick: {error}") from None
        return {"made": event_summary(made) if made is not None else None}

    @router.post("/sellers/{client_id}/premium")
    def premium(client_id: int, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Switch the seller's Premium Plus (`{"enabled": false}`: /v1/review/list answers 403)."""
        try:
            set_premium_plus(ozon, client_id, bool(body.get("enabled", True)))
        except KeyError as error:
            raise HTTPException(404, str(error.args[0])) from None
        return {"client_id": client_id, "premium_plus": bool(body.get("enabled", True))}

    @router.post("/circle")
    def circle(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Make the next `requests` calls of `path` answer "Circle is open"."""
        path, requests = str(body.get("path")), int(body.get("requests", 1))
        if path not in OPERATIONS:
            raise HTTPException(400, f"path must be one of {sorted(OPERATIONS)}")
        ozon.open_circle(path, requests)
        return {"path": path, "requests": requests}

    @router.post("/limits")
    def limits(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Change the enforced limits (`null` switches one off); the defaults are Ozon's documented ones."""
        unknown = sorted(set(body) - set(LIMITS))
        if unknown:
            raise HTTPException(400, f"unknown limits {unknown}")
        for name, value in body.items():
            if value is not None and (not isinstance(value, int | float) or value < 0):
                raise HTTPException(400, f"{name} must be a non-negative number or null")
            # An interval has no "off": 0 lets every update through, or settles every import at once.
            setattr(ozon, name, float(value or 0) if name in SECONDS else value)
        return {name: getattr(ozon, name) for name in LIMITS}

    return router
