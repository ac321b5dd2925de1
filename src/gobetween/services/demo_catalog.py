"""The demo marketplace's cast: sellers and their products, buyers' names and addresses per country.

Plain data. Names and places are common ones of each country; every e-mail domain is under the
reserved `.example` top-level domain (RFC 2606), so no demo message can reach a real mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Market:
    """One marketplace: the country it serves, its language, currency and order-id prefixes."""

    code: str
    country: str
    language: str
    currency: str
    order_prefixes: tuple[int, ...]


MARKETS: tuple[Market, ...] = (
    Market("US", "US", "en", "USD", (111, 112, 113, 114)),
    Market("UK", "GB", "en", "GBP", (202, 203, 204, 205)),
    Market("DE", "DE", "de", "EUR", (302, 303, 304, 305)),
    Market("FR", "FR", "fr", "EUR", (402, 403, 404)),
    Market("ES", "ES", "es", "EUR", (405, 406)),
    Market("IT", "IT", "it", "EUR", (407, 408)),
    Market("JP", "JP", "ja", "JPY", (249, 250, 503)),
)

# Rough exchange rates from the catalogue's EUR prices, rounded the way shops price.
EUR_RATES = {"EUR": 1.0, "USD": 1.1, "GBP": 0.86, "JPY": 160.0}


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue entry; `price_eur` is converted to each marketplace's currency."""

    sku: str
    title: str
    price_eur: float


@dataclass(frozen=True, slots=True)
class DemoSeller:
    """A demo seller, what it sells, and how much of it the marketplace fulfils."""

    id: str
    display_name: str
    business_name: str
    domain: str
    category: str
    products: tuple[Product, ...]
    marketplace_fulfilled_share: float
    # Set for the seller that also buys on the marketplace (system.md).
    buyer_id: str | None = None


SELLERS: tuple[DemoSeller, ...] = (
    DemoSeller(
        id="nordlicht",
        display_name="Nordlicht Küche",
        business_name="Nordlicht Haushaltswaren GmbH",
        domain="nordlicht-haushalt.example",
        category="home_kitchen",
        products=(
            Product("NL-PAN-28", "Cast-iron frying pan, 28 cm", 49.90),
            Product("NL-KNF-SET", "Chef's knife set, 5 pieces, beech block", 89.00),
            Product("NL-KTL-17", "Stainless steel kettle, 1.7 l", 34.95),
            Product("NL-SPC-12", "Spice jars with bamboo lids, set of 12", 24.99),
            Product("NL-BRD-OAK", "Oak cutting board, 40 x 25 cm", 29.50),
        ),
        marketplace_fulfilled_share=0.6,
    ),
    DemoSeller(
        id="atelier-gravure",
        display_name="Atelier Gravure",
        business_name="Atelier Gravure SARL",
        domain="atelier-gravure.example",
        category="personalized_jewelry",
        products=(
            Product("AG-PND-HRT", "Engraved heart pendant, sterling silver", 59.00),
            Product("AG-BRC-NAM", "Name bracelet, gold-plated", 45.00),
            Product("AG-RNG-DAT", "Ring with engraved date, titanium", 79.00),
            Product("AG-CUF-INI", "Cufflinks with initials", 65.00),
        ),
        marketplace_fulfilled_share=0.1,
    ),
    DemoSeller(
        id="casa-mueble",
        display_name="Casa Mueble",
        business_name="Casa Mueble S.L.",
        domain="casamueble.example",
        category="furniture",
        products=(
            Product("CM-SOFA-3", "Three-seat sofa, grey linen", 749.00),
            Product("CM-WARD-2D", "Two-door wardrobe, solid pine", 429.00),
            Product("CM-TBL-EXT", "Extendable dining table, walnut", 589.00),
            Product("CM-BED-160", "Bed frame 160 x 200 cm, oak", 499.00),
        ),
        marketplace_fulfilled_share=0.2,
    ),
    DemoSeller(
        id="bottega-verde",
        display_name="Bottega Verde Pelletteria",
        business_name="Bottega Verde S.r.l.",
        domain="bottegaverde.example",
        category="leather_goods",
        products=(
            Product("BV-WAL-BRN", "Leather wallet, brown, RFID blocking", 69.00),
            Product("BV-BAG-TOT", "Leather tote bag, cognac", 189.00),
            Product("BV-BLT-BLK", "Full-grain leather belt, black", 55.00),
            Product("BV-KEY-HLD", "Leather key holder", 25.00),
        ),
        marketplace_fulfilled_share=0.5,
    ),
    DemoSeller(
        id="sakura-bunguten",
        display_name="Sakura Bunguten",
        business_name="株式会社さくら文具店",
        domain="sakura-bunguten.example",
        category="stationery",
        products=(
            Product("SB-PEN-FNT", "Fountain pen, fine nib, sakura pattern", 42.00),
            Product("SB-NB-A5", "A5 dot-grid notebook, 3-pack", 18.50),
            Product("SB-INK-SET", "Bottled ink set, 5 colours", 27.00),
            Product("SB-WASHI", "Washi tape collection, 20 rolls", 15.90),
        ),
        marketplace_fulfilled_share=0.7,
    ),
    DemoSeller(
        id="pixelpeak",
        display_name="PixelPeak Electronics",
        business_name="PixelPeak Electronics LLC",
        domain="pixelpeak.example",
        category="electronics",
        products=(
            Product("PP-EARBUDS", "Wireless earbuds with charging case", 59.99),
            Product("PP-CHG-65W", "65 W USB-C charger, 3 ports", 39.99),
            Product("PP-HUB-7", "7-in-1 USB-C hub", 34.99),
            Product("PP-SSD-1TB", "Portable SSD, 1 TB", 99.99),
            Product("PP-CAM-2K", "2K webcam with microphone", 49.99),
        ),
        marketplace_fulfilled_share=0.8,
        buyer_id="pixelpeak-purchasing",
    ),
    DemoSeller(
        id="keyforge",
        display_name="KeyForge Software",
        business_name="KeyForge Software Inc.",
        domain="keyforge.example",
        category="software",
        products=(
            Product("KF-PHOTO-1Y", "PhotoForge Pro, 1-year licence", 79.00),
            Product("KF-SEC-3PC", "ShieldKey security suite, 3 devices", 39.95),
            Product("KF-OFFICE", "WriteForge office suite, lifetime licence", 129.00),
        ),
        marketplace_fulfilled_share=0.0,
    ),
)

# The business that PixelPeak buys as (system.md: a seller who buys shows its seller name).
SELLER_BUYER_NAME = "PixelPeak Purchasing"
SELLER_BUYER_EMAIL = "purchasing@pixelpeak.example"


@dataclass(frozen=True, slots=True)
class Place:
    """A street address; `line1` gets a house number where the country writes one."""

    line1: str
    city: str
    region: str | None
    postal_code: str


@dataclass(frozen=True, slots=True)
class People:
    """Common given and family names of one country, and places its buyers live."""

    given: tuple[str, ...]
    family: tuple[str, ...]
    places: tuple[Place, ...]
    # How a full name is written: Japanese puts the family name first.
    family_first: bool = False
    # Latin spellings for e-mail addresses, when the names are not in Latin script.
    romaji: dict[str, str] | None = None


PEOPLE: dict[str, People] = {
    "US": People(
        given=("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Emily"),
        family=("Johnson", "Williams", "Brown", "Miller", "Davis", "Wilson", "Anderson", "Taylor"),
        places=(
            Place("{n} Maple Street", "Portland", "OR", "97205"),
            Place("{n} Oak Avenue", "Austin", "TX", "78701"),
            Place("{n} Elm Drive", "Columbus", "OH", "43215"),
            Place("{n} Pine Road", "Denver", "CO", "80202"),
            Place("{n} Cedar Lane", "Raleigh", "NC", "27601"),
        ),
    ),
    "GB": People(
        given=("Oliver", "Amelia", "Harry", "Isla", "George", "Olivia", "Jack", "Emily"),
        family=("Smith", "Jones", "Taylor", "Evans", "Thomas", "Roberts", "Walker", "Wright"),
        places=(
            Place("{n} High Street", "Leeds", None, "LS1 4AP"),
            Place("{n} Station Road", "Bristol", None, "BS1 6QF"),
            Place("{n} Church Lane", "Manchester", None, "M1 3BN"),
            Place("{n} Victoria Road", "Edinburgh", None, "EH1 2NG"),
        ),
    ),
    "DE": People(
        given=("Lukas", "Anna", "Felix", "Lea", "Jonas", "Marie", "Paul", "Sophie", "Hannah"),
        family=("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"),
        places=(
            Place("Hauptstraße {n}", "Berlin", None, "10115"),
            Place("Lindenallee {n}", "Köln", None, "50667"),
            Place("Schillerstraße {n}", "München", None, "80331"),
            Place("Goethestraße {n}", "Hamburg", None, "20095"),
            Place("Bahnhofstraße {n}", "Stuttgart", None, "70173"),
        ),
    ),
    "FR": People(
        given=("Camille", "Louis", "Léa", "Hugo", "Chloé", "Jules", "Manon", "Arthur", "Inès"),
        family=("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"),
        places=(
            Place("{n} rue de la République", "Lyon", None, "69002"),
            Place("{n} boulevard Voltaire", "Paris", None, "75011"),
            Place("{n} cours de l'Intendance", "Bordeaux", None, "33000"),
            Place("{n} rue d'Alsace-Lorraine", "Toulouse", None, "31000"),
            Place("{n} quai de la Fosse", "Nantes", None, "44000"),
        ),
    ),
    "ES": People(
        given=("Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Pablo", "Paula", "Javier"),
        family=("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez"),
        places=(
            Place("Calle Mayor {n}", "Madrid", "Madrid", "28013"),
            Place("Carrer de Balmes {n}", "Barcelona", "Barcelona", "08007"),
            Place("Calle Sierpes {n}", "Sevilla", "Sevilla", "41004"),
            Place("Calle de Colón {n}", "Valencia", "Valencia", "46004"),
        ),
    ),
    "IT": People(
        given=("Giulia", "Francesco", "Sofia", "Alessandro", "Aurora", "Lorenzo", "Chiara"),
        family=("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"),
        places=(
            Place("Via Roma {n}", "Milano", "MI", "20121"),
            Place("Via del Corso {n}", "Roma", "RM", "00186"),
            Place("Via Garibaldi {n}", "Torino", "TO", "10122"),
            Place("Via de' Tornabuoni {n}", "Firenze", "FI", "50123"),
        ),
    ),
    "JP": People(
        given=("陽菜", "蓮", "結衣", "湊", "美咲", "大翔", "さくら", "悠真"),
        family=("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"),
        places=(
            Place("渋谷区神宮前{n}-2-5", "東京都", None, "150-0001"),
            Place("北区梅田{n}-4-1", "大阪府", None, "530-0001"),
            Place("中京区三条通{n}", "京都府", None, "604-8001"),
            Place("中央区北一条西{n}", "札幌市", None, "060-0001"),
        ),
        family_first=True,
        romaji={
            "陽菜": "hina",
            "蓮": "ren",
            "結衣": "yui",
            "湊": "minato",
            "美咲": "misaki",
            "大翔": "hiroto",
            "さくら": "sakura",
            "悠真": "yuma",
            "佐藤": "sato",
            "鈴木": "suzuki",
            "高橋": "takahashi",
            "田中": "tanaka",
            "伊藤": "ito",
            "渡辺": "watanabe",
            "山本": "yamamoto",
            "中村": "nakamura",
        },
    ),
}

MAIL_DOMAINS = ("mail.example", "post.example", "inbox.example", "webmail.example")
