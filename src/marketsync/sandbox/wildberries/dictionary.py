"""The emulated WB content host's dictionaries (the same for every seller): parent categories, subjects
(`limit` ≤ 1000, default 30, + `offset`; `name` substring and `parentID` filters), a subject's characteristics,
and the directories of colours, kinds, countries, seasons, VAT rates and TNVED codes.

A few subjects for the demo catalog, and 1200 more made of words under «Разное», so the subjects list runs
beyond one 1000-subject page. An unknown subject's characteristics are a 400 in the content envelope (the spec
declares 400; its text is ours [UNCONFIRMED]). A limit over 1000 is cut to 1000: the spec declares no 400 for
/object/all [UNCONFIRMED].
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox.dictionary_words import COLOURS, COUNTRIES
from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.gateway import serve
from marketsync.sandbox.wildberries.limits import CONTENT
from marketsync.sandbox.wildberries.state import WbSeller

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

SUBJECTS_MAX, SUBJECTS_DEFAULT = 1000, 30
PARENTS = ((479, "Электроника", True), (858, "Посуда и инвентарь", True), (1241, "Канцтовары", True),
           (2751, "Продукты", True), (115, "Игрушки", True), (9999, "Разное", False))
SUBJECTS = ((1234, 858, "Кастрюли"), (1235, 858, "Сковороды"), (5067, 1241, "Ручки"), (7810, 2751, "Молоко"),
            (2345, 115, "Мягкие игрушки"), (2560, 479, "3D очки"))
_NOUNS = ("Органайзер", "Подставка", "Коробка", "Держатель", "Чехол", "Набор", "Кронштейн", "Коврик", "Фильтр",
          "Крючок", "Зажим", "Футляр", "Лоток", "Контейнер", "Полка", "Крышка", "Ручка-держатель", "Вешалка",
          "Сумка", "Стойка", "Кашпо", "Подушка", "Накладка", "Заглушка", "Корзина", "Прищепка", "Щетка", "Губка",
          "Салфетка", "Этикетка", "Наклейка", "Бирка", "Ремешок", "Петля", "Скоба", "Клипса", "Панель", "Рамка",
          "Подвес", "Бокс")
_ADJECTIVES = ("настольный", "настенный", "дорожный", "складной", "детский", "садовый", "кухонный", "офисный",
               "автомобильный", "подарочный", "мини", "универсальный", "декоративный", "магнитный", "прозрачный",
               "плетеный", "металлический", "деревянный", "пластиковый", "тканевый", "войлочный", "силиконовый",
               "стеклянный", "бамбуковый", "керамический", "кожаный", "бумажный", "картонный", "резиновый",
               "пробковый")
KINDS = ("Мужской", "Женский", "Детский", "Унисекс")
SEASONS = ("круглогодичный", "лето", "зима", "демисезон")
VAT = ("Без НДС", "0", "10", "20")
TNVED = {1234: ("7323931000", "7615107100"), 1235: ("7323991000",), 5067: ("9608101000",), 7810: ("0401201100",),
         2345: ("9503004100",)}
# charcID, name, required, unitName, maxCount, charcType; every demo subject has these, plus its own.
COMMON = ((14177449, "Цвет", False, "", 3, 1), (14177451, "Страна производства", False, "", 1, 1),
          (15001135, "ТНВЭД", False, "", 1, 1), (5023, "Комплектация", False, "", 0, 1),
          (88953, "Вес товара без упаковки (г)", False, "г", 0, 4), (11, "Устаревшая", False, "", 0, 0))
OWN = {1234: ((17596, "Материал изделия", True, "", 2, 1), (88952, "Объем (л)", True, "л", 0, 4)),
       1235: ((17596, "Материал изделия", True, "", 2, 1), (88954, "Диаметр (см)", True, "см", 0, 4)),
       7810: ((90630, "Жирность (%)", True, "%", 0, 4),),
       2345: ((17596, "Материал изделия", False, "", 2, 1), (14177450, "Пол", False, "", 1, 1))}


@cache
def subjects() -> tuple[tuple[int, int, str], ...]:
    """Return (subjectID, parentID, subjectName) of every subject: the demo's, then the made-up ones."""
    made = [(100000 + i, 9999, f"{noun} {adjective}") for i, (noun, adjective) in
            enumerate((n, a) for a in _ADJECTIVES for n in _NOUNS)]
    return SUBJECTS + tuple(made)


def _parent_names() -> dict[int, str]:
    return {pid: name for pid, name, _ in PARENTS}


def _int(raw: str | None, default: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise errors.content(400, f"{name} must be an integer") from None


def _subjects_page(query: Any) -> tuple[int, Any]:
    limit = min(SUBJECTS_MAX, max(1, _int(query.get("limit"), SUBJECTS_DEFAULT, "limit")))
    offset = max(0, _int(query.get("offset"), 0, "offset"))
    name, parent = (query.get("name") or "").casefold(), query.get("parentID")
    names = _parent_names()
    rows = [s for s in subjects() if (not name or name in s[2].casefold())
            and (parent is None or str(s[1]) == parent)]
    data = [{"subjectID": sid, "parentID": pid, "subjectName": text, "parentName": names[pid]}
            for sid, pid, text in rows[offset:offset + limit]]
    return 200, {"data": data, "error": False, "errorText": "", "additionalErrors": None}


def subject_charcs(subject_id: str) -> tuple[str, tuple[tuple[int, str, bool, str, int, int], ...]] | None:
    """Return a subject's name and characteristics (charcID, name, required, unitName, maxCount, charcType), or
    None for a subject WB does not have."""
    found = next((s for s in subjects() if str(s[0]) == subject_id), None)
    if found is None:
        return None
    return found[2], (*COMMON, *(OWN.get(found[0], ()) if found[1] != 9999 else ()))


def _charcs(subject_id: str) -> tuple[int, Any]:
    found = subject_charcs(subject_id)
    if found is None:
        raise errors.content(400, f"Предмет {subject_id} не найден")
    subject_name, charcs = found
    data = [{"charcID": cid, "subjectName": subject_name, "subjectID": int(subject_id), "name": name,
             "required": required, "unitName": unit, "maxCount": count, "popular": False, "charcType": kind}
            for cid, name, required, unit, count, kind in charcs]
    return 200, {"data": data, "error": False, "errorText": "", "additionalErrors": None}


def _directory(name: str, query: Any) -> tuple[int, Any]:
    data: list[Any]
    if name == "colors":
        data = [{"name": c, "parentName": c} for c in COLOURS]
    elif name == "countries":
        data = [{"name": short, "fullName": full} for short, full in COUNTRIES]
    elif name == "tnved":
        subject = _int(query.get("subjectID"), 0, "subjectID")
        if not subject:
            raise errors.content(400, "subjectID is required")
        data = [{"tnved": code, "isKiz": False} for code in TNVED.get(subject, ())]
    else:
        data = list({"kinds": KINDS, "seasons": SEASONS, "vat": VAT}[name])
    return 200, {"data": data, "error": False, "errorText": "", "additionalErrors": None}


def add_dictionary_routes(content: APIRouter, sandbox: SandboxState) -> None:
    """Serve the dictionary methods on the content host's router."""

    def route(path: str, action: Any) -> None:
        async def handle(request: Request) -> Response:
            def run(_seller: WbSeller) -> tuple[int, Any]:
                return action(request)  # type: ignore[no-any-return]

            return await serve(sandbox, request, host="content", path=path, group=CONTENT, write=False, action=run)

        handle.__doc__ = f"GET {path}"
        content.add_api_route(path, handle, methods=["GET"])

    route("/content/v2/object/parent/all", lambda r: (200, {
        "data": [{"id": pid, "name": name, "isVisible": visible} for pid, name, visible in PARENTS],
        "error": False, "errorText": "", "additionalErrors": None}))
    route("/content/v2/object/all", lambda r: _subjects_page(r.query_params))
    route("/content/v2/object/charcs/{subjectId}", lambda r: _charcs(r.path_params["subjectId"]))
    for directory in ("colors", "kinds", "countries", "seasons", "vat", "tnved"):
        route(f"/content/v2/directory/{directory}",
              lambda r, d=directory: _directory(d, r.query_params))
