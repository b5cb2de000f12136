"""Deterministic seed data: a small Ukrainian online store with orders, deals and bindings."""

from __future__ import annotations

# Order statuses (type O) and delivery statuses (type D) as a fresh portal has them.
STATUSES: list[dict[str, object]] = [
    {"id": "N", "type": "O", "sort": 10, "notify": "Y", "color": "#BEEDF1", "xmlId": None},
    {"id": "P", "type": "O", "sort": 20, "notify": "Y", "color": "#C2EFBA", "xmlId": None},
    {"id": "S", "type": "O", "sort": 30, "notify": "Y", "color": "#FFE8A5", "xmlId": None},
    {"id": "D", "type": "O", "sort": 40, "notify": "Y", "color": "#F7C6C6", "xmlId": None},
    {"id": "F", "type": "O", "sort": 200, "notify": "Y", "color": "#DFF0D8", "xmlId": None},
    {"id": "DN", "type": "D", "sort": 10, "notify": "Y", "color": "#BEEDF1", "xmlId": None},
    {"id": "DD", "type": "D", "sort": 20, "notify": "Y", "color": "#F7C6C6", "xmlId": None},
    {"id": "DF", "type": "D", "sort": 30, "notify": "Y", "color": "#DFF0D8", "xmlId": None},
]
# System statuses whose type the platform refuses to change.
SYSTEM_STATUS_TYPES = {"N": "O", "F": "O", "DN": "D", "DF": "D"}

STATUS_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "N": {
        "en": ("Accepted, payment pending", "Order accepted, waiting for payment"),
        "ua": ("Прийнято, очікується оплата", "Замовлення прийнято, очікується оплата"),
    },
    "P": {
        "en": ("Paid, preparing for shipment", "Order paid"),
        "ua": ("Оплачено, готується до відправлення", "Замовлення оплачено"),
    },
    "S": {"en": ("Shipped", "Order shipped"), "ua": ("Відправлено", "Замовлення відправлено")},
    "D": {"en": ("Cancelled", "Order cancelled"), "ua": ("Скасовано", "Замовлення скасовано")},
    "F": {"en": ("Completed", "Order completed"), "ua": ("Виконано", "Замовлення виконано")},
    "DN": {"en": ("Awaiting processing", ""), "ua": ("Очікує обробки", "")},
    "DD": {"en": ("Cancelled", ""), "ua": ("Скасовано", "")},
    "DF": {"en": ("Shipped", ""), "ua": ("Відвантажено", "")},
}

LANGS: list[dict[str, str]] = [
    {"lid": "en", "name": "English", "active": "Y"},
    {"lid": "ua", "name": "Українська", "active": "Y"},
    {"lid": "de", "name": "Deutsch", "active": "Y"},
]

# The delivery status a shipment has while its order is in a given status.
SHIPMENT_STATUS_FOR = {"N": "DN", "P": "DN", "S": "DF", "D": "DD", "F": "DF"}
ORDER_STATUS_WEIGHTS = {"N": 30, "P": 20, "S": 20, "D": 10, "F": 40}

FIRST_NAMES = [
    ("Олена", "olena"), ("Андрій", "andrii"), ("Ірина", "iryna"), ("Олександр", "oleksandr"),
    ("Марія", "mariia"), ("Дмитро", "dmytro"), ("Наталія", "nataliia"), ("Сергій", "serhii"),
    ("Юлія", "yuliia"), ("Віктор", "viktor"), ("Оксана", "oksana"), ("Тарас", "taras"),
    ("Катерина", "kateryna"), ("Богдан", "bohdan"), ("Софія", "sofiia"), ("Максим", "maksym"),
]  # fmt: skip
LAST_NAMES = [
    ("Коваленко", "kovalenko"), ("Шевченко", "shevchenko"), ("Бондаренко", "bondarenko"),
    ("Ткаченко", "tkachenko"), ("Кравченко", "kravchenko"), ("Мельник", "melnyk"),
    ("Олійник", "oliinyk"), ("Поліщук", "polishchuk"), ("Лисенко", "lysenko"),
    ("Гончаренко", "honcharenko"), ("Савченко", "savchenko"), ("Руденко", "rudenko"),
]  # fmt: skip
CITIES = [
    "Київ", "Львів", "Одеса", "Харків", "Дніпро", "Вінниця", "Полтава", "Чернігів",
    "Івано-Франківськ", "Тернопіль", "Луцьк", "Ужгород", "Житомир", "Черкаси", "Рівне",
]  # fmt: skip
STREETS = [
    "вул. Хрещатик", "вул. Шевченка", "просп. Свободи", "вул. Грушевського", "вул. Соборна",
    "вул. Лесі Українки", "вул. Франка", "бульв. Дружби Народів", "вул. Садова",
]  # fmt: skip
PRODUCTS = [
    ("Навушники JBL Tune 510BT, чорні", "JBLT510BTBLK", 1799.0),
    ("Чайник електричний Tefal KO693110", "KO693110", 2299.0),
    ("Смартфон Samsung Galaxy A35 8/256GB", "SM-A356BLBG", 14999.0),
    ("Павербанк Xiaomi Redmi 20000 mAh", "VXN4304GL", 999.0),
    ("Кавоварка Delonghi Dedica EC685.M", "EC685M", 9499.0),
    ('Рюкзак міський Vinga 15.6"', "VBP615BK", 1199.0),
    ("Пилосос-робот Roborock Q7 Max", "Q7M52-00", 11999.0),
    ("Фен Philips BHD350/10", "BHD35010", 1349.0),
    ("Мультиварка Redmond RMC-M90", "RMC-M90", 2899.0),
    ("Клавіатура Logitech K380, сіра", "920-009580", 1499.0),
    ("Миша Logitech M185 Wireless", "910-002238", 499.0),
    ("Батут Atleto 140 см з сіткою, синій", "ATL-140-BL", 3299.0),
    ("Набір каструль Tefal Duetto 10 предметів", "G719SA74", 4599.0),
    ("Ваги кухонні Gorenje KT10LBW", "KT10LBW", 399.0),
    ("Зубна щітка Oral-B Vitality Pro", "D103.413.3", 899.0),
    ("Настільна лампа Xiaomi Mi LED Desk Lamp 1S", "MJTD01SYL", 1599.0),
]
DELIVERIES = [
    (2, "Нова Пошта (відділення)"), (3, "Нова Пошта (кур'єр)"), (4, "Укрпошта"),
    (5, "Самовивіз з магазину"), (6, "Meest Express"),
]  # fmt: skip
DELIVERY_NAMES = dict(DELIVERIES)
PAY_SYSTEMS = [(2, "Оплата карткою онлайн"), (3, "Накладений платіж"), (4, "Безготівковий рахунок")]
# Order properties: (orderPropsId, code, name, orderPropsXmlId).
ORDER_PROPS = [
    (1, "FIO", "Ім'я та прізвище", "bx_fio"),
    (2, "EMAIL", "E-mail", "bx_email"),
    (3, "PHONE", "Телефон", "bx_phone"),
    (7, "ADDRESS", "Адреса доставки", "bx_address"),
]
DEAL_STAGES = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON"]
# Stages of the smart invoices (entityTypeId 31, default category).
INVOICE_STAGES = ["DT31_1:N", "DT31_1:S", "DT31_1:P", "DT31_1:D"]
# crm.status.list: the stages' names, by ENTITY_ID (a deal's default pipeline, the smart
# invoices' default category), in a portal set to Ukrainian.
CRM_STAGE_NAMES = {
    "DEAL_STAGE": [
        ("NEW", "Нова"), ("PREPARATION", "Підготовка документів"),
        ("PREPAYMENT_INVOICE", "Рахунок на передоплату"), ("EXECUTING", "У роботі"),
        ("FINAL_INVOICE", "Фінальний рахунок"), ("WON", "Угоду укладено"),
        ("LOSE", "Угоду провалено"),
    ],
    "SMART_INVOICE_STAGE_1": [
        ("DT31_1:N", "Новий"), ("DT31_1:S", "Надіслано клієнту"), ("DT31_1:P", "Оплачено"),
        ("DT31_1:D", "Не оплачено"),
    ],
}  # fmt: skip
# The contacts deals and invoices name (CONTACT_ID 1..CONTACT_COUNT).
CONTACT_COUNT = 120
