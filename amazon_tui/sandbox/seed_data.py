"""Word lists the seed draws from: buyers, addresses, products and carriers per marketplace."""

from __future__ import annotations

# (first name, last name); non-ASCII names on purpose.
BUYER_NAMES = {
    "US": [
        ("Sarah", "Johnson"),
        ("Michael", "Brown"),
        ("Zoë", "Brontë"),
        ("José", "Müller"),
        ("Emily", "Davis"),
        ("李", "小龍"),
        ("Chloé", "Martínez"),
        ("David", "O'Connor"),
        ("Aaliyah", "Washington"),
        ("Nguyễn", "Văn An"),
        ("Brian", "Smith"),
        ("Renée", "Côté"),
        ("Kenji", "Tanaka"),
        ("Olivia", "Wilson"),
        ("Søren", "Kierkegaard"),
        ("Maria", "García"),
    ],
    "GB": [
        ("Oliver", "Smith"),
        ("Amelia", "Jones"),
        ("Siobhán", "O'Brien"),
        ("Harry", "Taylor"),
        ("Ærø", "Hansen"),
        ("Isla", "Williams"),
        ("Zoë", "Brontë"),
        ("Mohammed", "Khan"),
        ("Niamh", "Ó Súilleabháin"),
        ("George", "Evans"),
        ("Łucja", "Kowalska"),
        ("Jack", "Thomas"),
    ],
    "CA": [
        ("Liam", "Tremblay"),
        ("Émilie", "Gagnon"),
        ("Noah", "Roy"),
        ("Zoë", "Brontë"),
        ("François", "Bélanger"),
        ("Ava", "MacDonald"),
        ("李", "小龍"),
        ("Ethan", "Côté"),
        ("Chloé", "Lévesque"),
        ("Lucas", "Wong"),
    ],
    "DE": [
        ("José", "Müller"),
        ("Lena", "Schäfer"),
        ("Jürgen", "Groß"),
        ("Anna", "Weiß"),
        ("Björn", "Köhler"),
        ("Zoë", "Brontë"),
        ("Fatma", "Yılmaz"),
        ("Lukas", "Schmidt"),
    ],
}

# (city, stateOrRegion, postalCode, phone prefix)
PLACES = {
    "US": [
        ("Seattle", "WA", "98101", "+1 206"),
        ("Austin", "TX", "78701", "+1 512"),
        ("Brooklyn", "NY", "11201", "+1 718"),
        ("Denver", "CO", "80202", "+1 303"),
        ("San José", "CA", "95112", "+1 408"),
        ("Miami", "FL", "33130", "+1 305"),
        ("Chicago", "IL", "60601", "+1 312"),
        ("Portland", "OR", "97205", "+1 503"),
    ],
    "GB": [
        ("London", "Greater London", "SW1A 1AA", "+44 20"),
        ("Manchester", "Greater Manchester", "M1 1AE", "+44 161"),
        ("Edinburgh", "Scotland", "EH1 1YZ", "+44 131"),
        ("Cardiff", "Wales", "CF10 1EP", "+44 29"),
        ("Belfast", "Northern Ireland", "BT1 5GS", "+44 28"),
        ("Bristol", "England", "BS1 4DJ", "+44 117"),
    ],
    "CA": [
        ("Toronto", "ON", "M5V 2T6", "+1 416"),
        ("Montréal", "QC", "H2X 1Y4", "+1 514"),
        ("Vancouver", "BC", "V6B 1A1", "+1 604"),
        ("Calgary", "AB", "T2P 1J9", "+1 403"),
        ("Québec", "QC", "G1R 4P5", "+1 418"),
    ],
    "DE": [
        ("Berlin", "Berlin", "10115", "+49 30"),
        ("München", "Bayern", "80331", "+49 89"),
        ("Köln", "Nordrhein-Westfalen", "50667", "+49 221"),
        ("Düsseldorf", "Nordrhein-Westfalen", "40213", "+49 211"),
        ("Hamburg", "Hamburg", "20095", "+49 40"),
    ],
}

STREETS = {
    "US": ["Pine Street", "Oak Avenue", "Main Street", "Elm Court", "Maple Drive", "Cedar Lane"],
    "GB": ["High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"],
    "CA": ["Rue Sainte-Catherine", "King Street West", "Rue Saint-Denis", "Granville Street"],
    "DE": ["Hauptstraße", "Schloßallee", "Bahnhofstraße", "Gartenweg", "Mühlenstraße"],
}

SHIP_FROM = {
    "US": ("Acme Fulfilment West", "1200 Harbor Blvd", "Tacoma", "WA", "98421"),
    "GB": ("Acme UK Warehouse", "Unit 7, Technology Park", "Reading", "England", "RG6 1AZ"),
    "CA": ("Acme Canada Entrepôt", "450 Rue Industrielle", "Laval", "QC", "H7L 4R9"),
    "DE": ("Acme Lager Süd", "Industriestraße 12", "Nürnberg", "Bayern", "90402"),
}

# (asin, title, sku stem, unit price in USD, serialised, transparency)
PRODUCTS = [
    ("B08N5WRWNW", "Echo Dot (4th Gen) Smart speaker with Alexa, Charcoal", "ECHO-DOT-4", 49.99, True, False),
    ("B07PFFMP9P", "Fire TV Stick 4K Max streaming device", "FIRE-TV-4K", 59.99, True, False),
    ("B09B8V1LZ3", "Crème Brûlée Torch – Professional Kitchen Blowtorch", "TORCH-CB", 24.95, False, False),
    ("B0C1H26C46", "Café Olé Espresso Cups, Set of 4 (Porcelain)", "CUPS-OLE", 18.5, False, False),
    ("B07XJ8C8F5", "Björk Mountain Trail Backpack 30 L", "BJORK-30", 89.0, False, True),
    ("B01LYT95XR", "Noise-Cancelling Headphones «Silence Pro»", "NC-SILENCE", 199.99, True, True),
    ("B00FLYWNYQ", "Stainless Steel Water Bottle 750 ml", "BOTTLE-750", 21.99, False, False),
    ("B07D5V2ZXD", "Yoga Mat — Extra Thick, Non-slip", "YOGA-XT", 32.0, False, False),
    ("B08L5TNJHG", "USB-C Charger 65 W GaN", "USBC-65", 39.99, True, True),
    ("B0BSHF7WHW", "Kindle Paperwhite 16 GB", "KINDLE-PW16", 149.99, True, False),
    ("B07FZ8S74R", "Smart Plug, 4-Pack", "PLUG-4", 29.99, False, False),
    ("B09G9FPHY6", "Mechanical Keyboard — Nordic layout (ÆØÅ)", "KB-NORDIC", 119.0, True, False),
    ("B0CHX3QBCH", "Organic Matcha Powder 100 g 抹茶", "MATCHA-100", 27.5, False, False),
    ("B00006IEEV", "Cast Iron Skillet 10 inch", "SKILLET-10", 34.9, False, False),
    ("B0B7BP6CJN", "LEGO® Creator 3-in-1 Set", "LEGO-3IN1", 49.99, False, True),
    ("B0756CYWWD", "Jeux de société « Les Aventuriers du Rail »", "RAIL-FR", 44.99, False, False),
]

CURRENCY_FACTOR = {"USD": 1.0, "GBP": 0.8, "CAD": 1.36, "EUR": 0.92}

# (carrier, shipping service, tracking number pattern); '#' is a digit, 'X' an upper letter.
CARRIERS = {
    "US": [
        ("UPS", "UPS Ground", "1Z###X###########"),
        ("USPS", "USPS Priority Mail", "9400############"),
        ("FedEx", "FedEx Home Delivery", "############"),
    ],
    "GB": [
        ("Royal Mail", "Royal Mail Tracked 48", "XX#########GB"),
        ("DPD", "DPD Next Day", "##############"),
        ("DHL", "DHL Parcel UK", "##########"),
        ("Evri", "Evri Standard", "H##XXX#########"),
    ],
    "CA": [
        ("Canada Post", "Expedited Parcel", "################"),
        ("Purolator", "Purolator Ground", "############"),
        ("UPS", "UPS Standard", "1Z###X###########"),
    ],
    "DE": [
        ("DHL", "DHL Paket", "############"),
        ("Hermes", "Hermes Paket", "H###############"),
        ("DPD", "DPD Classic", "##############"),
    ],
}

BUYER_CANCEL_REASONS = [
    "Ordered by mistake",
    "Found a better price elsewhere",
    "Delivery date is too late — I need it before the weekend",
    "Bestellung versehentlich doppelt aufgegeben",
    "Je n'en ai plus besoin, merci",
    "Wrong size/colour selected",
]

MERCHANT_CANCEL_REASONS = [
    "NoInventory",
    "ShippingAddressUndeliverable",
    "CustomerExchange",
    "BuyerCanceled",
    "GeneralAdjustment",
    "CarrierCreditDecision",
    "RiskAssessmentInformationNotValid",
    "CarrierCoverageFailure",
    "CustomerReturn",
    "MerchandiseNotReceived",
]

GIFT_MESSAGES = ["Happy birthday! 🎂", "Joyeux anniversaire, Zoë !", "Alles Gute zum Geburtstag!"]

USED_CONDITIONS = [
    ("USED", "VERY_GOOD", "Light scuffs on the box, contents as new."),
    ("USED", "GOOD", "Minor wear; fully functional."),
    ("USED", "ACCEPTABLE", "Visible wear, works perfectly."),
    ("REFURBISHED", "REFURBISHED", "Certified refurbished, 90-day warranty."),
]
