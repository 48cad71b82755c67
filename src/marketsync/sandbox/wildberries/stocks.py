"""Seller-warehouse stock as the emulated marketplace host keeps it: read by chrtIds, set by chrtId and amount.

PUT applies all or nothing: any refused size makes a 409 naming every refused one, grouped by code, each
item `{"sku": "", "chrtId", "amount"}` as WB's current docs show (DeliveryTypeRestriction example; our YAML
of Dec 2025 lists only sku and amount). Refusals: an unknown chrtId (or one whose card is in the trash) →
NotFound; amount over 100,000 → UploadDataLimit; a card's cargo type the warehouse does not take →
CargoWarehouseRestriction<type>; a warehouse being updated → StoreIsProcessing for the whole request; a
seller whose stock updates WB blocked → 406 StatusNotAcceptable.
A barcode (`sku`) instead of chrtId was switched off on 9 February 2026: 400 SKUUploadDisabled. Unknown
field names are not validated (204, nothing changes), as the method's description warns.
"""

from __future__ import annotations

from typing import Any

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.state import WbSeller, WbWarehouse

STOCKS_MAX = 1000
AMOUNT_MAX = 100_000
CARGO_CODES = {1: "CargoWarehouseRestrictionMGT", 2: "CargoWarehouseRestrictionSGT",
               3: "CargoWarehouseRestrictionKGTPlus"}
MESSAGES = {
    "NotFound": "Not found",
    "UploadDataLimit": "Upload limit exceeded.",
    "CargoWarehouseRestrictionMGT": 'The selected warehouse is not suitable for goods with the type "LCL (Less '
                                    'than Container Load)". Upload the balances to the warehouse without the ODC '
                                    "or CD+ mark",
    "CargoWarehouseRestrictionSGT": 'The selected warehouse is not suitable for goods with the type "ODC". Upload '
                                    "the balances to the warehouse marked - ODC",
    "CargoWarehouseRestrictionKGTPlus": 'The selected warehouse is not suitable for goods with the type "CD+". '
                                        "Upload the balances to the warehouse marked - CD+",
}


def _warehouse(seller: WbSeller, warehouse_id: str) -> WbWarehouse:
    if not warehouse_id.isdigit():
        raise errors.marketplace(400, "IncorrectParameter", "IncorrectParameter")
    warehouse = seller.warehouses.get(int(warehouse_id))
    if warehouse is None:
        raise errors.marketplace(404, "NotFound", "")
    return warehouse


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_stocks(seller: WbSeller, warehouse_id: str, body: Any) -> tuple[int, Any]:
    """POST /api/v3/stocks/{warehouseId} {"chrtIds": [...]}: the sizes that have a stock record there."""
    warehouse = _warehouse(seller, warehouse_id)
    if not isinstance(body, dict) or not isinstance(body.get("chrtIds"), list):
        raise errors.incorrect_body()
    ids = body["chrtIds"]
    if not 0 < len(ids) <= STOCKS_MAX or not all(_is_int(i) for i in ids):
        raise errors.incorrect_request()
    stocks = [{"chrtId": i, "amount": seller.fbs[(warehouse.id, i)]} for i in dict.fromkeys(ids)
              if (warehouse.id, i) in seller.fbs]
    return 200, {"stocks": stocks}


def put_stocks(seller: WbSeller, warehouse_id: str, body: Any) -> tuple[int, Any]:
    """PUT /api/v3/stocks/{warehouseId} {"stocks": [{"chrtId", "amount"}]}: 204, or a 409 applying nothing."""
    warehouse = _warehouse(seller, warehouse_id)
    if seller.stock_blocked:
        raise errors.marketplace(406, "StatusNotAcceptable",
                                 "Обновление остатков заблокировано в связи с баном поставщика")
    if not isinstance(body, dict) or not isinstance(body.get("stocks"), list):
        raise errors.incorrect_body()
    items = body["stocks"]
    if not 0 < len(items) <= STOCKS_MAX or not all(isinstance(item, dict) for item in items):
        raise errors.incorrect_request()
    updates: list[tuple[int, int]] = []
    for item in items:
        if "chrtId" not in item and "sku" in item:
            raise errors.marketplace(400, "SKUUploadDisabled",
                                     "Uploading stock is not allowed by 'sku'. Please use the 'chrtId' key")
        if "chrtId" not in item or "amount" not in item:
            continue  # names are not validated: such an item changes nothing
        chrt, amount = item["chrtId"], item["amount"]
        if not _is_int(chrt) or not _is_int(amount) or amount < 0:
            raise errors.incorrect_request()
        updates.append((chrt, amount))
    if warehouse.is_processing:
        raise errors.WbError(409, [{"code": "StoreIsProcessing", "message": "The store is processing"}])
    cards = {size.chrt_id: card for card in seller.cards.values() if not card.trashed for size in card.sizes}
    refused: dict[str, list[dict[str, Any]]] = {}
    for chrt, amount in updates:
        card = cards.get(chrt)
        code = ("NotFound" if card is None else "UploadDataLimit" if amount > AMOUNT_MAX
                else CARGO_CODES[card.cargo_type] if card.cargo_type != warehouse.cargo_type else None)
        if code is not None:
            refused.setdefault(code, []).append({"sku": "", "chrtId": chrt, "amount": amount})
    if refused:
        raise errors.WbError(409, [{"code": code, "message": MESSAGES[code], "data": data}
                                   for code, data in refused.items()])
    for chrt, amount in updates:
        seller.fbs[(warehouse.id, chrt)] = amount
    return 204, None
