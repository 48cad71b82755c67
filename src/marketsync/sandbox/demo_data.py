"""A deterministic Russian demo world: an Evotor user with 3 stores, ~40 groups and ~2000 products, and a
VK user administering one community with an empty market. Same seed, same ids, names, prices and tokens.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from marketsync.sandbox.demo_stock import vary_stock
from marketsync.sandbox.ozon.demo import seed_ozon_demo
from marketsync.sandbox.wildberries.demo import seed_wildberries_demo
from marketsync.sandbox.yandex_market.demo import seed_yandex_market_demo

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

STORES = (
    ("Магазин на Ленина", "Россия, Москва, ул. Ленина, д. 12", 0.5),
    ("Продукты у дома", "Россия, Санкт-Петербург, Невский пр., д. 48", 0.3),
    ("Лавка на Садовой", "Россия, Казань, ул. Садовая, д. 5", 0.2),
)
# Per store: "group" or "group < parent", separated by semicolons.
GROUPS = (
    "Молочные продукты; Сыры < Молочные продукты; Хлеб и выпечка; Напитки; Соки и воды < Напитки; Бакалея;"
    " Крупы < Бакалея; Макароны < Бакалея; Чай и кофе; Кондитерские изделия; Мясо и птица; Колбасы;"
    " Овощи и фрукты; Замороженные продукты; Бытовая химия; Детские товары",
    "Молочные продукты; Хлеб и выпечка; Напитки; Бакалея; Чай и кофе; Кондитерские изделия;"
    " Рыба и морепродукты; Консервы; Снеки; Соусы и специи; Овощи и фрукты; Гигиена; Товары для животных",
    "Канцтовары; Посуда; Хозтовары; Электротовары; Игрушки; Текстиль; Сад и огород; Подарки; Книги; Услуги;"
    " Сувениры",
)
# One block per group: "= name; tax; lowest price; highest price", then four lists of alternatives (nouns,
# brands, variants, sizes) joined by "|"; "-" is the empty alternative; a line ending in "|" continues.
CATALOG_TEXT = """
= Молочные продукты; VAT_10; 49.90; 259.00
  Молоко|Кефир|Ряженка|Йогурт питьевой|Сметана|Творог|Простокваша|Снежок
  Простоквашино|Домик в деревне|Вкуснотеево|Parmalat|Весёлый молочник|Савушкин
  1%|2,5%|3,2%|3,5%|6%|15%|20%
  930 мл|1 л|450 г|500 г|300 г|200 г
= Сыры; VAT_10; 139.00; 1299.00
  Сыр Российский|Сыр Гауда|Сыр Маасдам|Сыр Пошехонский|Сыр Сулугуни|Сыр Моцарелла|Брынза
  Ламбер|Hochland|Сыробогатов|Киприно|Белебеевский|-
  45%|50%|40%|30%
  200 г|250 г|300 г|весовой
= Хлеб и выпечка; VAT_10; 29.90; 189.00
  Хлеб Бородинский|Батон Нарезной|Хлеб Дарницкий|Багет французский|Лаваш армянский|
  Круассан с шоколадом|Булочка с маком|Сушки ванильные
  Коломенское|Хлебный дом|Черёмушки|Fazer|Каравай
  -
  300 г|400 г|500 г|250 г
= Напитки; VAT_20; 39.90; 199.00
  Лимонад|Квас|Напиток газированный|Морс клюквенный|Холодный чай|Энергетический напиток
  Черноголовка|Очаковский|Добрый|Фрустайл|Fuze Tea|Adrenaline Rush
  Тархун|Дюшес|Лимон|Классический|Груша|-
  0,5 л|1 л|1,5 л|0,33 л|разлив
= Соки и воды; VAT_10; 29.90; 249.00
  Сок яблочный|Сок апельсиновый|Сок томатный|Нектар персиковый|Вода питьевая|Вода минеральная
  Добрый|Я|Rich|Сады Придонья|Святой источник|Боржоми|Ессентуки
  негазированная|газированная|-|с мякотью
  0,5 л|1 л|1,5 л|2 л|0,2 л
= Бакалея; VAT_10; 19.90; 349.00
  Мука пшеничная|Сахар-песок|Соль поваренная|Масло подсолнечное|Сода пищевая|Крахмал картофельный|
  Дрожжи сухие
  Макфа|Увелка|Русский сахар|Золотая семечка|Слобода
  высший сорт|рафинированное|йодированная|-
  1 кг|2 кг|900 мл|500 г|11 г
= Крупы; VAT_10; 45.90; 289.00
  Гречка ядрица|Рис круглозёрный|Рис басмати|Пшено шлифованное|Овсяные хлопья|Булгур|
  Чечевица красная|Перловка
  Увелка|Мистраль|Агро-Альянс|Националь|Геркулес
  -
  800 г|900 г|500 г|5х80 г
= Макароны; VAT_10; 39.90; 219.00
  Спагетти|Рожки|Перья|Фузилли|Лапша яичная|Вермишель
  Макфа|Barilla|Шебекинские|Гранмулино
  -
  400 г|450 г|500 г|250 г
= Чай и кофе; VAT_20; 89.90; 2499.00
  Чай чёрный|Чай зелёный|Кофе молотый|Кофе растворимый|Кофе в зёрнах|Какао-порошок
  Greenfield|Lipton|Ahmad Tea|Майский|Jacobs|Nescafe|Lavazza|Жокей
  листовой|25 пакетиков|100 пакетиков|арабика|классический|-
  100 г|200 г|250 г|1 кг|95 г
= Кондитерские изделия; VAT_20; 49.90; 899.00
  Шоколад молочный|Шоколад горький|Конфеты шоколадные|Печенье овсяное|Вафли|Зефир ванильный|
  Мармелад жевательный|Пряники тульские
  Алёнка|Бабаевский|Коркунов|Яшкино|Юбилейное|Красный Октябрь
  70%|с орехами|с изюмом|-|ассорти
  90 г|100 г|200 г|250 г|1 кг
= Мясо и птица; VAT_10; 199.00; 1199.00
  Филе куриное|Бедро куриное|Фарш говяжий|Свинина шейка|Говядина лопатка|Крылья куриные
  Петелинка|Мираторг|Черкизово|Приосколье|Индилайт
  охлаждённое|замороженное|-
  весовое|500 г|1 кг|700 г
= Колбасы; VAT_10; 129.00; 899.00
  Колбаса Докторская|Колбаса Сервелат|Сосиски молочные|Сардельки|Ветчина|Колбаса Краковская
  Останкино|Черкизово|Папа может|Велком|Дымов
  варёная|варёно-копчёная|полукопчёная|-
  400 г|500 г|300 г|весовая
= Овощи и фрукты; VAT_10; 24.90; 499.00
  Яблоки Гала|Бананы|Апельсины|Картофель|Морковь|Лук репчатый|Огурцы|Помидоры черри|Лимоны|
  Капуста белокочанная
  -
  -|Россия|Турция|Эквадор
  весовые|1 кг сетка
= Замороженные продукты; VAT_10; 59.90; 699.00
  Пельмени Сибирские|Вареники с картофелем|Мороженое пломбир|Овощная смесь|Блинчики с мясом|
  Наггетсы куриные
  Цезарь|Сибирская коллекция|Морозко|Hortex
  -
  800 г|900 г|400 г|80 г
= Бытовая химия; VAT_20; 79.00; 1499.00
  Средство для мытья посуды|Стиральный порошок|Гель для стирки|Чистящее средство|
  Кондиционер для белья
  Fairy|Ariel|Persil|Domestos|Comet|Lenor
  лимон|автомат|color|-
  450 мл|900 мл|3 кг|1,5 л|300 мл
= Детские товары; VAT_10; 39.90; 1899.00
  Пюре фруктовое|Каша молочная|Подгузники|Влажные салфетки|Сок детский
  ФрутоНяня|Агуша|Heinz|Pampers|Huggies|Тёма
  яблоко|груша|гречневая|4-9 кг|-
  90 г|200 г|50 шт|0,2 л|250 г
= Рыба и морепродукты; VAT_10; 89.90; 1599.00
  Сельдь слабосолёная|Скумбрия холодного копчения|Филе минтая|Креветки варёно-мороженые|
  Икра мойвы|Крабовые палочки
  Меридиан|Балтийский берег|Русское море|Vici|Санта Бремор
  в масле|-|филе-кусочки
  250 г|300 г|500 г|180 г|весовая
= Консервы; VAT_10; 59.90; 449.00
  Тушёнка говяжья|Горошек зелёный|Кукуруза сладкая|Фасоль красная|Шпроты в масле|
  Сайра натуральная|Икра кабачковая
  Главпродукт|Бондюэль|Heinz|Скатерть-самобранка|Дядя Ваня
  -
  338 г|400 г|425 мл|160 г|525 г
= Снеки; VAT_20; 39.90; 299.00
  Чипсы картофельные|Сухарики|Орешки солёные|Попкорн|Семечки жареные|Крекеры
  Lay's|Pringles|Кириешки|Хрустим|От Мартина
  со сметаной и луком|с беконом|с солью|сырные|-
  50 г|90 г|150 г|200 г
= Соусы и специи; VAT_20; 29.90; 349.00
  Майонез Провансаль|Кетчуп томатный|Горчица русская|Соус соевый|Перец чёрный молотый|
  Лавровый лист|Аджика
  Слобода|Махеевъ|Heinz|Kikkoman|Kotanyi|Камис
  -
  400 г|350 г|150 мл|20 г|10 г
= Гигиена; VAT_20; 49.90; 799.00
  Зубная паста|Шампунь|Мыло туалетное|Гель для душа|Дезодорант|Туалетная бумага
  Colgate|Splat|Head & Shoulders|Dove|Palmolive|Zewa
  отбеливающая|для всех типов волос|-|3 слоя
  100 мл|400 мл|90 г|250 мл|4 рулона
= Товары для животных; VAT_20; 29.90; 1999.00
  Корм для кошек|Корм для собак|Наполнитель для туалета|Лакомство для собак
  Whiskas|Felix|Pedigree|Purina ONE|Барсик
  с курицей|с говядиной|древесный|-
  85 г|400 г|1,5 кг|5 л
= Канцтовары; VAT_20; 19.90; 599.00
  Тетрадь|Ручка шариковая|Карандаш чернографитный|Блокнот|Альбом для рисования|Маркеры
  Erich Krause|Brauberg|Hatber|Koh-i-Noor|Berlingo
  48 листов|синяя|HB|A5|24 листа|12 цветов
  -
= Посуда; VAT_20; 149.00; 4999.00
  Кружка керамическая|Тарелка десертная|Сковорода антипригарная|Кастрюля эмалированная|
  Набор бокалов|Чайник заварочный
  Luminarc|Tefal|Kukmara|Pasabahce|Attribute
  350 мл|19 см|24 см|3 л|6 шт|1 л
  -
= Хозтовары; VAT_20; 39.90; 399.00
  Губки для посуды|Мешки для мусора|Перчатки хозяйственные|Пищевая плёнка|Фольга алюминиевая
  Paclan|York|Фрекен Бок|Vileda
  5 шт|60 л|размер M|20 м|10 м
  -
= Электротовары; VAT_20; 99.00; 1999.00
  Лампа светодиодная|Батарейки АА|Удлинитель|Зарядное устройство USB|Фонарик
  Gauss|Duracell|Energizer|ЭРА|Camelion
  E27 10 Вт|4 шт|3 м|2 А|-
  -
= Игрушки; VAT_20; 59.90; 3499.00
  Конструктор|Мяч резиновый|Пазл|Машинка инерционная|Кукла|Мыльные пузыри
  Играем вместе|Step Puzzle|Технопарк|1 Toy
  100 деталей|22 см|500 элементов|-
  -
= Текстиль; VAT_20; 99.00; 4499.00
  Полотенце махровое|Плед флисовый|Комплект постельного белья|Фартук кухонный|Носки мужские
  Cleanelly|Ивановский текстиль|Home Style
  50x90|150x200|1,5-спальный|хлопок|размер 27
  -
= Сад и огород; VAT_20; 19.90; 899.00
  Семена томатов|Грунт универсальный|Перчатки садовые|Лейка|Удобрение комплексное
  Гавриш|Поиск|Фаско|Агрикола
  Бычье сердце|10 л|5 л|-
  -
= Подарки; VAT_20; 49.90; 2999.00
  Подарочный набор|Открытка|Свеча ароматическая|Подарочный пакет
  -
  новогодний|«С днём рождения»|ваниль|средний
  -
= Книги; VAT_10; 149.00; 1999.00
  Книга «Война и мир»|Книга «Мастер и Маргарита»|Раскраска|Атлас мира|Кулинарная книга
  АСТ|Эксмо|Махаон
  -
  -
= Услуги; NO_VAT; 99.00; 1500.00
  Упаковка подарка|Доставка по городу|Сборка мебели|Гравировка
  -
  -|срочная|стандартная
  -
= Сувениры; VAT_20; 99.00; 2499.00
  Магнит на холодильник|Брелок|Кружка сувенирная|Матрёшка
  -
  «Казань»|«Кремль»|5 мест|-
  -
"""


@dataclass(frozen=True)
class Template:
    """How to make up product names and prices for one group."""

    nouns: tuple[str, ...]
    brands: tuple[str, ...]
    variants: tuple[str, ...]
    sizes: tuple[str, ...]
    low: float
    high: float
    tax: str


def parse_catalog(text: str) -> dict[str, Template]:
    """Parse CATALOG_TEXT into a template per group name."""
    catalog: dict[str, Template] = {}
    header: list[str] = []
    fields: list[tuple[str, ...]] = []
    pending = ""
    for raw in [*text.strip().splitlines(), "= end"]:
        line = raw.strip()
        if line.startswith("= "):
            if header:
                nouns, brands, variants, sizes = fields
                name, tax, low, high = header
                catalog[name] = Template(nouns, brands, variants, sizes, float(low), float(high), tax)
            header, fields = [part.strip() for part in line[2:].split(";")], []
            continue
        pending += line
        if not pending.endswith("|"):
            fields.append(
                tuple("" if alternative == "-" else alternative for alternative in pending.split("|"))
            )
            pending = ""
    return catalog


CATALOG = parse_catalog(CATALOG_TEXT)
SHORT_NAMES = (("Чай", "Чай и кофе", Decimal("99.90")), ("Сок", "Соки и воды", Decimal("89.90")))
BASE_TIME = datetime(2024, 9, 2, 6, 30, tzinfo=UTC)


def seed_demo(state: SandboxState, products: int = 2000, seed: int = 42) -> dict[str, Any]:
    """Load the demo world into `state`; return {evotor_token, evotor_user_id, vk_token, vk_group_id, ozon_*, wb_*,
    ym_*}."""
    rng = random.Random(seed)
    evotor_token = _uuid(rng)
    evotor_user_id = "01-" + "".join(rng.choice(string.digits) for _ in range(15))
    state.evotor.add_token(evotor_token, evotor_user_id)
    shelves: list[list[tuple[str, str, str]]] = []  # per store: (store_id, group_id, group name)
    for index, (name, address, _share) in enumerate(STORES):
        store_id = state.evotor.add_store(evotor_token, name, address, _uuid(rng), _moment(rng, 0))
        ids: dict[str, str] = {}
        for entry in GROUPS[index].split(";"):
            group_name, _, parent = (part.strip() for part in entry.partition("<"))
            parent_id = ids[parent] if parent else None
            ids[group_name] = state.evotor.add_group(
                evotor_token, store_id, group_name, parent_id, _uuid(rng), _moment(rng, 5)
            )
        shelves.append([(store_id, group_id, group_name) for group_name, group_id in ids.items()])
    _add_products(state, rng, evotor_token, shelves, products)
    vary_stock(state, evotor_token, [shelf[0][0] for shelf in shelves], seed)

    vk_token = "vk1.a." + "".join(rng.choice(string.ascii_letters + string.digits + "_-") for _ in range(80))
    vk_user_id = rng.randrange(1_000_000, 900_000_000)
    state.vk.add_token(vk_token, vk_user_id)
    vk_group_id = state.vk.add_group(
        vk_token,
        STORES[0][0],
        group_id=rng.randrange(200_000_000, 230_000_000),
        screen_name="magazin_na_lenina",
    )
    return {
        "evotor_token": evotor_token,
        "evotor_user_id": evotor_user_id,
        "vk_token": vk_token,
        "vk_group_id": vk_group_id,
        **seed_yandex_market_demo(state, evotor_token, seed),
        **seed_wildberries_demo(state, evotor_token, seed),
        **seed_ozon_demo(state, evotor_token, seed),
    }


def _add_products(
    state: SandboxState, rng: random.Random, token: str, shelves: list[list[tuple[str, str, str]]], count: int
) -> None:
    names: dict[str, set[str]] = {}
    codes: dict[str, int] = {}
    first_store = {name: (store_id, group_id) for store_id, group_id, name in shelves[0]}
    for number in range(count):
        if number < len(SHORT_NAMES):
            # Names shorter than VK's 4-character minimum, so the mirror's handling of them shows.
            name, group_name, price = SHORT_NAMES[number]
            store_id, group_id = first_store[group_name]
        else:
            shelf = rng.choices(shelves, weights=[share for _n, _a, share in STORES])[0]
            store_id, group_id, group_name = rng.choice(shelf)
            name, price = "", Decimal(0)
        seen = names.setdefault(store_id, set())
        fields = _product_fields(rng, group_name, name, price, seen)
        seen.add(fields["name"])
        if rng.random() < 0.6:
            codes[store_id] = codes.get(store_id, 0) + 1
            fields["code"] = str(codes[store_id])
        if rng.random() < 0.05 and fields["type"] != "SERVICE":
            group_id = ""  # some products lie outside any group
        if group_id:
            fields["parent_id"] = group_id
        created_at = _moment(rng, 10, 200)
        fields["created_at"] = created_at
        fields["updated_at"] = created_at + timedelta(seconds=rng.randrange(0, 30 * 86400))
        state.evotor.add_product(token, store_id, product_id=_uuid(rng), **fields)


def _product_fields(
    rng: random.Random, group_name: str, name: str, price: Decimal, seen: set[str]
) -> dict[str, Any]:
    template = CATALOG[group_name]
    size = ""
    for attempt in range(30):
        if name and attempt == 0:
            break
        size = rng.choice(template.sizes)
        brand = rng.choice(template.brands) if rng.random() < 0.8 else ""
        parts = [rng.choice(template.nouns), brand, rng.choice(template.variants), size]
        name = " ".join(part for part in parts if part)
        if name not in seen:
            break
    else:
        name = f"{name} арт. {rng.randrange(1000, 9999)}"
    if not price:
        price = _price(rng, template.low, template.high)
    weighted = size.startswith("весов")
    measure = (
        "кг" if weighted else "л" if size == "разлив" else "уп" if size.endswith(("шт", "сетка")) else "шт"
    )
    quantity = (
        Decimal(0)
        if rng.random() < 0.1
        else (Decimal(str(round(rng.uniform(0.5, 40), 3))) if weighted else Decimal(rng.randrange(1, 250)))
    )
    fields: dict[str, Any] = {
        "name": name,
        "price": price,
        "cost_price": (price * Decimal(str(round(rng.uniform(0.55, 0.8), 2)))).quantize(Decimal("0.01")),
        "quantity": quantity,
        "measure_name": measure,
        "tax": template.tax,
        "type": "SERVICE" if group_name == "Услуги" else "NORMAL",
        "allow_to_sell": rng.random() >= 0.08,
        "barcodes": [_ean13(rng)] if rng.random() < 0.7 and group_name != "Услуги" else [],
        "description": "",
    }
    if rng.random() < 0.3:
        fields["description"] = f"{name}. Срок годности и условия хранения указаны на упаковке."
    if rng.random() < 0.2:
        fields["article_number"] = f"A-{rng.randrange(10000, 99999)}"
    return fields


def _price(rng: random.Random, low: float, high: float) -> Decimal:
    rubles = int(rng.uniform(low, high))
    kopecks = rng.choice((90, 90, 99, rng.randrange(0, 100)))
    return min(max(Decimal(rubles) + Decimal(kopecks) / 100, Decimal("19.90")), Decimal("4999.00"))


def _ean13(rng: random.Random) -> str:
    digits = "460" + "".join(rng.choice(string.digits) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moment(rng: random.Random, min_days: int, max_days: int | None = None) -> datetime:
    days = rng.uniform(min_days, max_days if max_days is not None else min_days + 1)
    return BASE_TIME + timedelta(days=days, milliseconds=rng.randrange(1000))
