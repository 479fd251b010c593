"""Demo catalog: a category tree and 56 products with pictures drawn at seed time (no
binary files in the repository). Idempotent: categories and products are looked up by slug
and only missing ones are created, through the catalog services."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from project.organizations.models import Organization
from shop.currency import currency_convert, shop_currency
from shop.models import Category, Product
from shop.services.catalog import category_save, product_create

CLUB_SLUG = "saigon-sports-club"

# slug: (name, parent slug, position)
CATEGORIES = {
    "keyboards": ("Keyboards", None, 0),
    "keyboard-kits": ("Kits", "keyboards", 0),
    "switches": ("Switches", "keyboards", 1),
    "keycaps": ("Keycaps", "keyboards", 2),
    "keyboard-accessories": ("Accessories", "keyboards", 3),
    "sports": ("Sports", None, 1),
    "running": ("Running", "sports", 0),
    "football": ("Football", "sports", 1),
    "esports-gear": ("Esports gear", "sports", 2),
    "merch": ("Merch", None, 2),
}

# Background colour per top-level branch.
PALETTE = {
    "keyboards": [(79, 70, 229), (14, 116, 144), (30, 64, 175), (91, 33, 182)],
    "sports": [(5, 150, 105), (220, 38, 38), (234, 88, 12), (21, 128, 61)],
    "merch": [(219, 39, 119), (202, 138, 4), (71, 85, 105)],
}

# category slug: [(name, "price VND", stock, description)]; seeded in SHOP_CURRENCY.
# fmt: off
PRODUCTS = {
    "keyboard-kits": [
        ("Tofu65 Aluminium Kit", "2890000 VND", 12,
         "A 65% gasket-mount aluminium case with a hot-swap PCB and brass weight."),
        ("Bakeneko60 Kit", "1950000 VND", 4,
         "A simple, sturdy 60% tray-mount case in frosted polycarbonate."),
        ("Mode Sonnet TKL", "9890000 VND", 2,
         "Tenkeyless, top-mount, with a machined weight and a PVD finish."),
        ("KBD67 Lite R4", "2150000 VND", 0,
         "Plastic 65% with a gasket-mounted plate and a south-facing PCB."),
        ("NK87 Aluminium Kit", "3250000 VND", 7,
         "Tenkeyless aluminium case, hot-swap, with a foam kit included."),
        ("Zoom75 Essential", "3590000 VND", 15,
         "75% with a knob, tri-mode wireless and a screen-free top case."),
        ("Alice Layout Kit", "2690000 VND", 3,
         "An ergonomic Alice-style layout for people who type all day."),
    ],
    "switches": [
        ("Gateron Yellow (70 pack)", "290000 VND", 60,
         "Smooth linear switches, 50 g, the budget favourite."),
        ("Gateron Oil King (35 pack)", "420000 VND", 25,
         "Factory-lubed linear switches with a deep, thocky sound."),
        ("Holy Panda X (35 pack)", "520000 VND", 5,
         "A sharp tactile bump with a rounded return."),
        ("Kailh Box Jade (35 pack)", "390000 VND", 0,
         "Clicky box switches with a crisp, loud click bar."),
        ("Cherry MX Black Hyperglide (35)", "460000 VND", 18,
         "Heavy linear switches, the classic feel."),
        ("Akko CS Lavender Purple (45)", "250000 VND", 40,
         "Light tactile switches with a clear bump."),
        ("Zealios V2 67g (35 pack)", "815000 VND", 9,
         "Premium tactile switches with a pronounced bump."),
        ("Switch Opener", "95000 VND", 3,
         "Opens two switches at once for lubing."),
    ],
    "keycaps": [
        ("GMK Botanical", "3190000 VND", 6,
         "Doubleshot ABS keycaps in sage greens, Cherry profile."),
        ("PBT Olivia Clone", "890000 VND", 22,
         "Pink and cream dye-sub PBT, Cherry profile."),
        ("SA Vilebloom", "2890000 VND", 1,
         "Tall sculpted SA profile in deep plum."),
        ("XDA Blank Keycaps", "450000 VND", 35,
         "Uniform-profile blank PBT caps for clean setups."),
        ("Artisan Koi Escape Key", "650000 VND", 0,
         "Hand-cast resin escape key with a koi fish inside."),
        ("KAT Milkshake", "1690000 VND", 11,
         "Pastel dye-sub PBT in the KAT profile."),
        ("Vietnamese Sublegends Set", "1250000 VND", 14,
         "Keycaps with Telex sublegends for typing Vietnamese."),
    ],
    "keyboard-accessories": [
        ("Coiled Aviator Cable", "390000 VND", 28,
         "USB-C coiled cable with a GX16 aviator connector."),
        ("Wrist Rest (Walnut)", "590000 VND", 8,
         "Solid walnut wrist rest sized for 65% boards."),
        ("Krytox 205g0 Lube (5 ml)", "220000 VND", 4,
         "The standard lube for linear switches."),
        ("Desk Mat Saigon Nights", "450000 VND", 19,
         "900 × 400 mm desk mat with stitched edges."),
        ("Stabiliser Set (Durock V2)", "330000 VND", 0,
         "Screw-in stabilisers, clear, with wires pre-lubed."),
        ("Switch Puller and Keycap Puller", "80000 VND", 50,
         "Steel pullers that will not scratch your caps."),
        ("Carrying Case 65%", "745000 VND", 10,
         "Padded hard case for travelling with a 65% board."),
    ],
    "running": [
        ("Trail Running Shoes", "2490000 VND", 16,
         "Grippy lugs and a rock plate for mountain trails."),
        ("Road Racing Flats", "2990000 VND", 3,
         "Light racing shoes for 10K and half-marathon days."),
        ("Hydration Vest 5 L", "1290000 VND", 9,
         "A snug vest with two soft flasks for long runs."),
        ("Reflective Running Cap", "290000 VND", 0,
         "Breathable cap with reflective trim for night runs."),
        ("Saigon Night Run Tee", "350000 VND", 40,
         "The official tee of the Saigon Sports Club night run."),
        ("Compression Socks", "190000 VND", 33,
         "Graduated compression for recovery."),
        ("GPS Running Watch", "3290000 VND", 5,
         "Tracks pace, distance and heart rate."),
    ],
    "football": [
        ("Match Football Size 5", "690000 VND", 24,
         "FIFA-quality match ball used in the club league."),
        ("Training Cones (20 pack)", "150000 VND", 2,
         "Flexible cones for drills."),
        ("Club Home Jersey", "590000 VND", 18,
         "Saigon Sports Club home jersey, breathable mesh."),
        ("Goalkeeper Gloves", "490000 VND", 0,
         "Latex palms with finger protection."),
        ("Shin Guards", "220000 VND", 30,
         "Light shin guards with ankle straps."),
        ("Futsal Shoes", "1390000 VND", 7,
         "Gum rubber soles for indoor courts."),
        ("Captain's Armband", "60000 VND", 4,
         "Elastic armband in club colours."),
    ],
    "esports-gear": [
        ("Esports Jersey 2026", "650000 VND", 20,
         "Team jersey worn at the club's esports nights."),
        ("Gaming Mouse 58 g", "1590000 VND", 10,
         "Ultralight wireless mouse with a 26K sensor."),
        ("XL Mouse Pad Speed", "420000 VND", 1,
         "A low-friction cloth pad for fast flicks."),
        ("Closed-Back Headset", "1490000 VND", 0,
         "Clear positional audio with a detachable mic."),
        ("Mouse Skates (PTFE)", "120000 VND", 45,
         "Replacement skates for smoother glides."),
        ("Arm Sleeve", "150000 VND", 12,
         "Keeps your arm gliding over the desk."),
    ],
    "merch": [
        ("Tessera Tote Bag", "190000 VND", 50,
         "Canvas tote with the Tessera mosaic."),
        ("Tessera Enamel Pin", "90000 VND", 5,
         "Hard enamel pin, gold plating."),
        ("Tessera Hoodie", "690000 VND", 3,
         "Heavyweight cotton hoodie, embroidered logo."),
        ("Tessera Sticker Pack", "60000 VND", 120,
         "Ten vinyl stickers, waterproof."),
        ("Tessera Mug", "225000 VND", 0,
         "A ceramic mug for the morning coffee."),
        ("Tessera Cap", "355000 VND", 14,
         "A six-panel cap with an embroidered mosaic."),
        ("Gift Card 500k", "500000 VND", 100,
         "A gift card for anything in the shop."),
    ],
}
# fmt: on

# Sold by the demo organization rather than the house store.
CLUB_PRODUCTS = {
    "Saigon Night Run Tee",
    "Match Football Size 5",
    "Training Cones (20 pack)",
    "Club Home Jersey",
    "Captain's Armband",
    "Esports Jersey 2026",
}


def _products():
    for category_slug, items in PRODUCTS.items():
        for name, price, stock, description in items:
            yield category_slug, name, price, stock, description


def _branch(slug: str) -> str:
    parent = CATEGORIES[slug][1]
    return _branch(parent) if parent else slug


def product_picture(*, name: str, branch: str) -> ContentFile:
    """An 800×800 PNG: a colour from the branch's palette, the initial, and the name."""
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    colors = PALETTE.get(branch, [(71, 85, 105)])
    background = colors[digest % len(colors)]
    image = Image.new("RGB", (800, 800), background)
    draw = ImageDraw.Draw(image)
    # A few soft tiles, so pictures differ beyond the letter.
    for i in range(4):
        x = (digest >> (i * 8)) % 600
        y = (digest >> (i * 8 + 4)) % 600
        tint = tuple(min(255, c + 40) for c in background)
        draw.rounded_rectangle((x, y, x + 200, y + 200), radius=32, fill=tint)
    big = ImageFont.load_default(size=420)
    small = ImageFont.load_default(size=44)
    draw.text((400, 360), name[0].upper(), font=big, fill="white", anchor="mm")
    label = name if len(name) <= 28 else name[:27] + "…"
    draw.text((400, 690), label, font=small, fill="white", anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=f"{slugify(name)}.png")


def seed(*, out) -> None:
    categories: dict[str, Category] = {}
    for slug, (name, parent_slug, position) in CATEGORIES.items():
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            category = category_save(
                name=name, slug=slug, parent=categories.get(parent_slug), position=position
            )
        categories[slug] = category

    club = Organization.objects.filter(slug=CLUB_SLUG).first()
    existing = set(Product.objects.values_list("slug", flat=True))
    created = 0
    for category_slug, name, price, stock, description in _products():
        slug = slugify(name)
        if slug in existing:
            continue
        product_create(
            category=categories[category_slug],
            organization=club if name in CLUB_PRODUCTS else None,
            name=name,
            slug=slug,
            description=description,
            price=currency_convert(Decimal(price.split()[0]), price.split()[1], shop_currency()),
            currency=shop_currency(),
            stock=stock,
            low_stock_threshold=5,
            is_physical="Gift Card" not in name,
            image=product_picture(name=name, branch=_branch(category_slug)),
        )
        created += 1
    out.write(
        f"shop catalog: {len(categories)} categories, {sum(map(len, PRODUCTS.values()))} "
        f"products ({created} new)"
    )
