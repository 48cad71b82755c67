"""Everything the bot says, in Russian (its people are Russian sellers); formatting of money and times."""

from __future__ import annotations

from datetime import datetime

from marketsync.notifications.messages import rubles
from marketsync.notifications.onboarding import KeyOutcome, KeyVerdict, Switches
from marketsync.orders.digest import OrdersDigest, StockLine

# The notification types as the settings name them (notifications.models.TYPES), as the settings menu names them.
TYPE_TITLES = {"new_orders": "Новые заказы", "order_buyouts": "Выкупы", "order_cancellations": "Отмены",
               "order_returns": "Возвраты", "negative_reviews": "Негативные отзывы",
               "critical_stocks": "Критические остатки"}
ALL_TITLE = "Все уведомления"

MENU_NOTIFICATIONS, MENU_ORDERS, MENU_STOCKS = "🔔 Уведомления", "📦 Заказы", "📉 Остатки"
MENU_CABINET, MENU_HELP = "🏠 Кабинет", "❓ Помощь"

COMMANDS = {"start": "Начать: войти по API-ключу Wildberries", "menu": "Главное меню",
            "settings": "Настройки уведомлений", "help": "Помощь"}

WELCOME = ("Здравствуйте{name}! Я присылаю уведомления о заказах, выкупах, отменах, возвратах, негативных отзывах и "
           "критических остатках на Wildberries.\n\n"
           "Пришлите API-ключ Wildberries (личный кабинет продавца → Настройки → Доступ к API), с доступом к "
           "статистике, отзывам и контенту. Ключ проверю у Wildberries; без рабочего ключа меню не откроется.")
ASK_KEY = "Сначала пришлите API-ключ Wildberries: без рабочего ключа меню не откроется."
CHECKING = "Проверяю ключ у Wildberries…"
SYNC_STARTED = ("Ключ принят{joined}. Идёт первая синхронизация: загружаю заказы, продажи, остатки и отзывы за "
                "последние дни. Уведомлений за это время не будет; меню откроется, когда синхронизация закончится.")
JOINED = ": этот кабинет уже подключён, вы добавлены к нему"
SYNC_DONE = "Синхронизация завершена. Теперь я пришлю уведомление о каждом новом событии. Главное меню ниже."
SYNC_FAILED = ("Первая синхронизация не удалась: {error}\nКлюч сохранён. Нажмите /start, чтобы попробовать снова; "
               "меню откроется после удачной синхронизации.")
WRONG_KEY = ("❌ Ключ не подошёл: Wildberries его не принял. Проверьте, что скопировали ключ целиком, что он не "
             "отозван и не просрочен, и пришлите его ещё раз.")
WAIT_KEY = "⏳ Wildberries просит подождать{seconds}. Пришлите ключ ещё раз чуть позже."
UNREACHABLE = "⚠️ Wildberries сейчас не отвечает, ключ проверить не удалось. Пришлите его ещё раз через минуту."
MENU = "Главное меню. Выберите раздел кнопкой внизу."
HELP = ("Я сообщаю о событиях вашего кабинета Wildberries: новые заказы, выкупы, отмены, возвраты, негативные отзывы "
        "и критические остатки.\n\n"
        "/menu — главное меню\n/settings — какие уведомления присылать\n/start — войти заново по API-ключу\n"
        "/help — эта справка\n\nВремя везде московское.")
CABINET = ("Веб-кабинет MarketSync: {url}\nТам история уведомлений, заказы и настройки. Ссылка входит без пароля, "
           "один раз и в течение 15 минут; новая — по кнопке «🏠 Кабинет».")
NO_STOCKS = "Критических остатков нет: у всех размеров больше порога."
UNKNOWN_TYPE = "Такого переключателя нет."
FAILED = "Что-то пошло не так, и я не смог ответить. Попробуйте ещё раз через минуту."


def welcome(name: str | None) -> str:
    """Greet a person and ask for the key."""
    return WELCOME.format(name=f", {name}" if name else "")


def key_refused(outcome: KeyOutcome) -> str:
    """Say why a key did not let the person in."""
    if outcome.verdict is KeyVerdict.WAIT:
        return WAIT_KEY.format(seconds=f" {outcome.retry_after} с" if outcome.retry_after else "")
    if outcome.verdict is KeyVerdict.UNREACHABLE:
        return UNREACHABLE
    return WRONG_KEY


def sync_started(outcome: KeyOutcome) -> str:
    """Say the key is taken and the first sync runs."""
    return SYNC_STARTED.format(joined=JOINED if outcome.verdict is KeyVerdict.JOINED else "")


def mark(on: bool) -> str:
    """Return the sign of a switch."""
    return "✅" if on else "❌"


def switches_text(switches: Switches) -> str:
    """Describe the switches (the settings message, edited after each press)."""
    lines = [f"🔔 Уведомления: {'включены' if switches.enabled else 'выключены все'}", ""]
    lines += [f"{mark(on and switches.enabled)} {TYPE_TITLES[kind]}" for kind, on in switches.types.items()]
    lines += ["", "Нажмите на кнопку, чтобы включить или выключить."]
    return "\n".join(lines)


def toggled(kind: str, switches: Switches) -> str:
    """Confirm a press (the callback answer)."""
    on = switches.enabled if kind == "all" else switches.types[kind]
    title = ALL_TITLE if kind == "all" else TYPE_TITLES[kind]
    return f"{title}: {'включено' if on else 'выключено'}"


def _when(moment: datetime) -> str:
    return moment.strftime("%d.%m %H:%M")


def orders_text(digest: OrdersDigest) -> str:
    """Describe today's orders and the latest ones (times in Moscow)."""
    lines = [f"📦 Заказы сегодня (МСК): {digest.today} на {rubles(digest.today_sum)}"
             + (f", отменено: {digest.today_cancelled}" if digest.today_cancelled else "")]
    if not digest.recent:
        lines += ["", "Заказов пока нет."]
        return "\n".join(lines)
    lines += ["", "Последние заказы:"]
    for line in digest.recent:
        where = " → ".join(part for part in (line.warehouse, line.region) if part)
        size = f" ({line.size})" if line.size and line.size != "0" else ""
        cancelled = " · отменён" if line.cancelled else ""
        lines.append(f"{_when(line.ordered_at_msk)} · {line.article}{size} · {rubles(line.price)}"
                     + (f" · {where}" if where else "") + cancelled)
    return "\n".join(lines)


def stocks_text(lines: list[StockLine], threshold: int) -> str:
    """List the critical sizes."""
    if not lines:
        return NO_STOCKS
    body = [f"📉 Критические остатки (не больше {threshold} шт. на всех складах):"]
    for line in lines:
        size = f", размер {line.size}" if line.size and line.size != "0" else ""
        body.append(f"• {line.article}{size}: {line.total} шт.")
    return "\n".join(body)
