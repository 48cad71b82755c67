"""The planner's reasons and a run's outcomes in the seller's language (the plan speaks English, as its logs)."""

from __future__ import annotations

import re
from collections.abc import Callable

from marketsync.web.i18n import gettext as _

LOST = " (a lost answer had landed)"
# The reasons of products that set no item (sync/selection.py), with the names they carry.
_NAMED: list[tuple[re.Pattern[str], Callable[[dict[str, str]], str]]] = [
    (re.compile(r"a copy in «(?P<store>.*)»: the item is made from «(?P<chosen>.*)»", re.S),
     lambda n: _("the same article in «%(store)s»: VK has one item per article, made from the product of "
                 "«%(chosen)s»", **n)),
    (re.compile(r"store «(?P<store>.*)» is not chosen", re.S),
     lambda n: _("the store «%(store)s» is not chosen for VK", **n)),
    (re.compile(r"products without a group are switched off in «(?P<store>.*)»", re.S),
     lambda n: _("products without a group are switched off in «%(store)s»", **n)),
    (re.compile(r"group «(?P<group>.*)» is switched off in «(?P<store>.*)»", re.S),
     lambda n: _("the group «%(group)s» is switched off in «%(store)s»", **n)),
]


def _phrases() -> dict[str, str]:
    return {
        "new": _("new in the catalog"),
        "missing in the channel": _("missing in VK, created again"),
        "unchanged": _("unchanged"),
        "adopted by SKU, unchanged": _("found in VK by its article, unchanged"),
        "no longer for sale": _("no longer for sale in Evotor"),
        "excluded by the seller": _("excluded by you"),
        "not for sale and not in the channel": _("not for sale in Evotor"),
        "excluded by the seller and not in the channel": _("excluded by you"),
        "not for sale, already hidden": _("not for sale in Evotor, already hidden"),
        "excluded by the seller, already hidden": _("excluded by you, already hidden"),
        "its product left the source": _("removed from Evotor"),
        "a duplicate of another item": _("a duplicate of another VK item"),
        "exists": _("exists"),
        "adopted by title": _("found in VK by its title"),
        "a duplicate of an album with this title": _("a duplicate of an album with the same title"),
    }


def _fields() -> dict[str, str]:
    return {"visibility": _("visibility"), "name": _("name"), "description": _("description"),
            "price": _("price"), "stock_amount": _("stock"), "pushed payload": _("the data sent before")}


def reason_text(reason: str) -> str:
    """Say a plan's reason (or a channel's refusal, kept as it came) in the page's language."""
    lost = reason.endswith(LOST)
    core = reason[:-len(LOST)] if lost else reason
    if core.startswith("changed: "):
        names = _fields()
        text = _("changed: %(fields)s", fields=", ".join(names.get(f, f) for f in core[9:].split(", ")))
    else:
        text = _phrases().get(core) or _named(core) or core
    return text + (" " + _("(VK had applied an answer that was lost)") if lost else "")


def _named(reason: str) -> str | None:
    for pattern, say in _NAMED:
        match = pattern.fullmatch(reason)
        if match:
            return say(match.groupdict())
    return None


def outcome_labels() -> dict[str, str]:
    """Name every outcome of a run's journal."""
    return {"created": _("Created"), "updated": _("Updated"), "hidden": _("Hidden"), "skipped": _("Skipped"),
            "failed": _("Failed"), "deleted": _("Deleted"), "copy": _("Same article"), "unselected": _("Not chosen")}
