"""Supplier feeds served as files under /suppliers (issue 15, point 10): /suppliers/alfa.yml (YML, UTF-8) and
/suppliers/beta.csv (`;`, Windows-1251), with /suppliers/beta-mapping.json, the column mapping its CSV needs.
Faults (service "suppliers"): the usual 5xx, latency and timeouts, so a scheduled fetch meets a failing host."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox.faults import gateway_failure, wait_latency
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.suppliers.feeds import CSV_MAPPING, feed_text

SERVICE = "suppliers"
TYPES = {"yml": "application/xml; charset=utf-8", "csv": "text/csv; charset=windows-1251"}


def suppliers_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving the demo suppliers' files."""
    router = APIRouter(prefix="/suppliers")

    @router.get("/{name}")
    async def supplier_file(name: str, request: Request) -> Response:
        await wait_latency(sandbox.faults, SERVICE)
        fault = sandbox.faults.draw(SERVICE, write=False)
        if fault is not None and (failure := await gateway_failure(fault)) is not None:
            return failure
        if name == "beta-mapping.json":
            return Response(json.dumps(CSV_MAPPING, ensure_ascii=False), media_type="application/json")
        # The pictures are the sandbox's own files, so a moderation check can fetch and measure them. Taken from
        # this request's own URL: base_url drops the /sandbox the product mounts the sandbox at (`marketsync demo`).
        here = str(request.url.replace(query=""))
        text = feed_text(name, pictures=here.rsplit("/suppliers/", 1)[0] + "/pictures")
        if text is None:
            return Response("no such file", status_code=404, media_type="text/plain")
        kind = name.rsplit(".", 1)[1]
        body = text.encode("cp1251" if kind == "csv" else "utf-8")
        return Response(body, media_type=TYPES[kind])

    return router
