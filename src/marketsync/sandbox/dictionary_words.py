"""Words every emulated marketplace's category dictionary shares: colours, materials, countries, and a brand
list long enough to run beyond one page of Ozon's 2000-value dictionary pages (deterministic: same ids always).

The brands of the demo catalog come first, so its products find theirs; the rest are made of syllables."""

from __future__ import annotations

from functools import cache

DEMO_BRANDS = ("Простоквашино", "Домик в деревне", "Вкуснотеево", "Parmalat", "Весёлый молочник", "Савушкин",
               "Tefal", "Rondell", "Pomi d'Oro", "Scovo", "Attribute", "Bic", "Erich Krause", "Pilot", "Berlingo",
               "Мякиши", "Fancy", "Budi Basa", "Черноголовка", "Hochland", "Luminarc", "Kukmara", "Pasabahce")
COLOURS = ("белый", "черный", "серый", "серебристый", "красный", "розовый", "оранжевый", "желтый", "зеленый",
           "голубой", "синий", "фиолетовый", "коричневый", "бежевый", "прозрачный", "разноцветный")
MATERIALS = ("нержавеющая сталь", "алюминий", "чугун", "эмалированная сталь", "керамика", "стекло", "пластик",
             "дерево", "текстиль", "плюш")
COUNTRIES = (("Россия", "Российская Федерация"), ("Китай", "Китайская Народная Республика"),
             ("Беларусь", "Республика Беларусь"), ("Италия", "Итальянская Республика"),
             ("Германия", "Федеральная Республика Германия"), ("Турция", "Турецкая Республика"))
BRAND_COUNT = 2503  # the demo brands and 2,480 made up, Фабini the last (tests read it from page two)
_HEADS = ("Аль", "Бер", "Вел", "Гор", "Дар", "Ев", "Жар", "Зор", "Ир", "Кар", "Лам", "Мир", "Нор", "Ол", "Пар",
          "Рад", "Сан", "Тор", "Ур", "Фаб", "Хол", "Цер", "Чар", "Шер", "Эл", "Юн", "Яр", "Al", "Bel", "Cor", "Del",
          "Eco", "Fin", "Gal", "Hel", "Ivo", "Jul", "Kor", "Lum", "Mar", "Nov", "Opt", "Pri", "Qua", "Ros", "Sol",
          "Tri", "Uni", "Vel", "Wel", "Xan", "Yul", "Zet", "Ар", "Бал", "Вин", "Гал", "Дом", "Ен", "Жук")
_TAILS = ("ика", "ос", "ен", "ария", "тек", "ма", "лин", "вуд", "стар", "профи", "лайн", "дом", "маркет", "мир",
          "ix", "on", "ia", "ex", "ona", "ika", "tec", "line", "pro", "home", "lux", "max", "vita", "form", "nova",
          "ando", "eria", "ux", "ora", "ess", "ium", "ana", "ento", "ivo", "ura", "ella", "etta", "ini", "ova",
          "ero", "ita")


@cache
def brands() -> tuple[str, ...]:
    """Return BRAND_COUNT distinct brand names, the demo catalog's first."""
    names = list(DEMO_BRANDS)
    seen = {name.casefold() for name in names}
    for tail in _TAILS:
        for head in _HEADS:
            name = f"{head}{tail}".capitalize()
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
            if len(names) == BRAND_COUNT:
                return tuple(names)
    raise AssertionError("too few syllables for BRAND_COUNT brands")
