#!/usr/bin/env python3
"""Seeded generator of synthetic CRM customer records with known identities.

The output has the shape of ``/work/shared/data/identity/synth_100k.csv`` and is
meant for scale benchmarks of identity resolution (deduplication): every record
carries the id of the true person (``cluster_id``), so pairwise and cluster
precision/recall can be measured exactly.

Usage
-----
    python bench/identity_synth.py --records 1000000 --seed 7 --out bench/out/data/synth_1m.csv
    python bench/identity_synth.py --records 100000 --seed 7 --out /tmp/synth_100k.csv

Faker is the only dependency outside the standard library (run it with the
venv that has it, e.g. ``/work/.peers-venv/bin/python``).  The script writes the
CSV and ``<out without .csv>_meta.json`` with the keys of ``synth_100k_meta.json``:
file, seed, records, entities, entities_with_dups, duplicate_records,
dup_record_share, true_pairs, cluster_size_hist, seconds.

Columns: record_id, cluster_id, source, first_name, last_name, email, phone,
date_of_birth, address, city, postcode, country.  ``record_id`` is ``R`` plus a
zero-padded row number (7 digits, 8 from 10 million records on), ``cluster_id``
is ``C`` plus the entity number.  Rows are shuffled, so the records of one
person are not adjacent.  The file has exactly ``--records`` rows; the last
entity's cluster is cut short if needed.

Model
-----
Entities (people)
    65% Turkish (country TR), 35% US.  Names come from Faker tr_TR / en_US
    (drawn into pools, so Faker's frequency weights survive; en_US is heavily
    weighted towards Smith, Johnson, Michael, Jennifer, ...).  Turkish names mix
    Faker's lists (1,500 given names, 61 surnames) with 12% of very common real
    given names and surnames (Mehmet, Ayşe, Fatma, Yılmaz, Kaya, Demir, ...,
    weights 1/(rank+1)); 12% of Turks carry two given names ("Basriye Damlanur").
    Birth dates are uniform over 1940-2006.  Turkish phones are mobile numbers
    (operator prefixes 50x/53x/54x/55x/561), US phones are 10-digit NANP numbers.
    Turkish addresses are "<X> Mahallesi <Y> Sokak|Caddesi|Bulvarı No:n [D:m]"
    in one of the 81 provinces (weighted by population; the postcode starts
    with the plate code); US addresses are Faker street names with a building
    number and an optional "Apt."/"Suite", the city field is "City, ST".
    Emails are built from the name: first.last, firstlast, first_last, flast,
    first74, first.last74, last.first, ... at free providers (TR: gmail,
    hotmail, outlook, yandex, yahoo, icloud, mynet, windowslive; US: gmail,
    yahoo, outlook, hotmail, icloud, aol, comcast, msn).

Namesakes
    Names are sampled with replacement from small weighted pools, so common
    first+last combinations (Mehmet Yılmaz, Michael Johnson) recur across many
    different entities, and because emails are derived from names with a
    handful of patterns, different people with the same name sometimes get
    the very same email string (mehmet.yilmaz@gmail.com).

Households
    5.5% of entities are created as a member of an earlier entity's household
    (spouse 55%, child 30%, parent 15%; same country).  A member shares the
    last name, the address, city and postcode, shares the home phone in 30%
    (TR) / 45% (US) of cases and the family email in 8%, but has its own first
    name, gender-appropriate relation and a different birth date.  Since heads
    can get several members, about 10% of all entities live in a shared
    household.  These are the hard negatives: same surname and address,
    different person.

Duplicates
    19.2% of entities get 1-5 extra records (weights 40/25/15/10/10%), which
    gives ~1.43 records per entity and ~30% duplicate records, with the cluster
    size histogram of the reference file.  Each record has a source (web 25%,
    mobile_app 20%, store_pos 20%, ecommerce 15%, crm_import 10%,
    call_center 10%) that decides its formatting:
      * date of birth: ISO 1969-07-16 (web, mobile_app, ecommerce), 19690716
        (crm_import), 16.07.1969 for TR / 07/16/1969 for US (store_pos,
        call_center); 5% of records use a random one of these formats;
      * case: store_pos and call_center write each of first name, last name and
        address in UPPER case with probability 0.6 (Turkish-aware İ/I, or a
        naive upper case in 15% of TR records); other sources write a field in
        lower case with probability ~0.09;
      * phone: every record picks one of the formats of the number, TR:
        05309419565, 0530 941 95 65, 0530 941 9565, +90 530 941 95 65,
        +905309419565, 905309419565, 5309419565, (530) 941-9565, 530.941.9565;
        US: (404) 980-4051, 404-980-4051, 404.980.4051, +1 404 980 4051,
        14049804051, 4049804051.
    The first record of an entity gets light noise and every further record
    heavier noise (probabilities per record, first / further):
      * first-name typo 1.2% / 9%, last-name typo 1% / 7% (swap, drop, insert,
        keyboard-neighbour or random replacement, doubled letter);
      * Turkish letters folded (ş→s, ı→i, İ→I, ğ→g, ü→u, ö→o, ç→c) per TR field
        4% / 10%, a wrong Turkish letter added 0.5% / 2%;
      * first and last name swapped 0.5% / 4%; only one of two given names used
        - / 30%; US nickname (William→Bill) - / 8%;
      * missing email 10% / 18%, phone 8% / 16.5%, birth date 15% / 22.5%,
        address 8% / 16.5%, city and postcode 3% each;
      * email with a +tag 0.5% / 4%, dots added or removed 0.5% / 2.5%, case
        changed 1% / 3.5% (Rehime78@Gmail.com), domain typo 0.2% / 1%;
      * phone digit typo 0.2% / 1.2%; birth-date typo (one digit, or day and
        month swapped) 0.3% / 3%;
      * address abbreviated (Mahallesi→Mah., Sokak→Sk., Caddesi→Cad.,
        Bulvarı→Blv.; Street→St, Avenue→Ave, Suite→Ste, ...) 15% / 25%, house
        number restyled ("No:112 D:1"→"No 112 Daire 1", "No:112/1", ...)
        10% / 18%, flat number dropped 1% / 5%, address typo 1% / 3.5%.
    Life events are drawn once per duplicated entity and then show up in about
    half of its further records: a new email (10% of entities), a new phone
    (8%), a move to a new address (8%; half of them within the same city) and,
    for adult women, a changed (married) last name (10%; for Turkish women
    often the double form "Maiden Married").

Determinism
    All randomness comes from ``random.Random(seed)`` and from Faker instances
    seeded with the same seed, so a given seed reproduces the same file with the
    same Faker and Python versions.  Faker is only used to fill the pools
    (given names, surnames, street names, cities, company domains) once; the
    records are sampled from the pools, so one million records take about
    30 seconds on one core (~450 MB peak memory).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import time
from bisect import bisect
from itertools import accumulate

COLUMNS = (
    "record_id", "cluster_id", "source", "first_name", "last_name", "email",
    "phone", "date_of_birth", "address", "city", "postcode", "country",
)

TR_SHARE = 0.65
DUP_ENTITY_SHARE = 0.1922
EXTRA_RECORD_WEIGHTS = {1: 0.400, 2: 0.249, 3: 0.150, 4: 0.097, 5: 0.104}
HOUSEHOLD_MEMBER_SHARE = 0.055
HOUSEHOLD_RELATIONS = {"spouse": 0.55, "child": 0.30, "parent": 0.15}
HOUSEHOLD_SHARED_PHONE = {"TR": 0.30, "US": 0.45}
HOUSEHOLD_SHARED_EMAIL = 0.08
HOUSEHOLD_POOL_SIZE = 50_000

TR_COMMON_NAME_SHARE = 0.12
TR_COMPOUND_FIRST_NAME_SHARE = 0.12
BIRTH_RANGE = (dt.date(1940, 1, 1).toordinal(), dt.date(2006, 12, 31).toordinal())

MARRIED_NAME_SHARE = 0.10
MOVED_SHARE = 0.08
NEW_EMAIL_SHARE = 0.10
NEW_PHONE_SHARE = 0.08
ALT_VALUE_USE = 0.5
MARRIED_NAME_USE = 0.6

SOURCES = {
    "web": 0.25, "mobile_app": 0.20, "store_pos": 0.20,
    "ecommerce": 0.15, "crm_import": 0.10, "call_center": 0.10,
}
UPPER_CASE_SOURCES = frozenset({"store_pos", "call_center"})
DOB_FORMAT_BY_SOURCE = {
    "web": "iso", "mobile_app": "iso", "ecommerce": "iso",
    "crm_import": "compact", "store_pos": "local", "call_center": "local",
}
DOB_FORMAT_NOISE = 0.05


class Noise:
    """Per-record corruption probabilities."""

    def __init__(self, **rates: float) -> None:
        self.__dict__.update(rates)


FIRST_RECORD = Noise(
    first_typo=0.012, last_typo=0.010, fold=0.04, add_turkish=0.005,
    swap=0.005, single_given_name=0.0, nickname=0.0,
    email_missing=0.10, email_tag=0.005, email_dots=0.005, email_case=0.01,
    email_domain_typo=0.002,
    phone_missing=0.08, phone_typo=0.002,
    dob_missing=0.15, dob_typo=0.003,
    address_missing=0.08, address_abbrev=0.15, address_number_style=0.10,
    address_drop_unit=0.01, address_typo=0.01,
    city_missing=0.03, postcode_missing=0.03, city_fold=0.02,
)
FURTHER_RECORD = Noise(
    first_typo=0.09, last_typo=0.07, fold=0.10, add_turkish=0.02,
    swap=0.04, single_given_name=0.30, nickname=0.08,
    email_missing=0.18, email_tag=0.04, email_dots=0.025, email_case=0.035,
    email_domain_typo=0.01,
    phone_missing=0.165, phone_typo=0.012,
    dob_missing=0.225, dob_typo=0.03,
    address_missing=0.165, address_abbrev=0.25, address_number_style=0.18,
    address_drop_unit=0.05, address_typo=0.035,
    city_missing=0.03, postcode_missing=0.03, city_fold=0.05,
)

UPPER_SOURCE_FIELD_UPPER = 0.60
UPPER_SOURCE_ADDRESS_UPPER = 0.55
OTHER_SOURCE_ALL_UPPER = 0.012
OTHER_SOURCE_ALL_LOWER = 0.010
OTHER_SOURCE_FIELD_LOWER = 0.09
OTHER_SOURCE_ADDRESS_LOWER = 0.07
NAIVE_UPPER_SHARE = 0.15

# Province, plate code, population in thousands.
TR_PROVINCES = """
Adana 1 2270|Adıyaman 2 610|Afyonkarahisar 3 750|Ağrı 4 510|Amasya 5 340
Ankara 6 5800|Antalya 7 2700|Artvin 8 170|Aydın 9 1160|Balıkesir 10 1270
Bilecik 11 230|Bingöl 12 280|Bitlis 13 360|Bolu 14 320|Burdur 15 275
Bursa 16 3200|Çanakkale 17 560|Çankırı 18 200|Çorum 19 525|Denizli 20 1060
Diyarbakır 21 1820|Edirne 22 415|Elazığ 23 590|Erzincan 24 240|Erzurum 25 750
Eskişehir 26 920|Gaziantep 27 2170|Giresun 28 450|Gümüşhane 29 145|Hakkari 30 275
Hatay 31 1540|Isparta 32 445|Mersin 33 1920|İstanbul 34 15650|İzmir 35 4480
Kars 36 275|Kastamonu 37 380|Kayseri 38 1440|Kırklareli 39 370|Kırşehir 40 245
Kocaeli 41 2100|Konya 42 2300|Kütahya 43 580|Malatya 44 740|Manisa 45 1470
Kahramanmaraş 46 1120|Mardin 47 870|Muğla 48 1050|Muş 49 400|Nevşehir 50 310
Niğde 51 365|Ordu 52 760|Rize 53 345|Sakarya 54 1100|Samsun 55 1370
Siirt 56 330|Sinop 57 220|Sivas 58 640|Tekirdağ 59 1140|Tokat 60 600
Trabzon 61 820|Tunceli 62 85|Şanlıurfa 63 2170|Uşak 64 375|Van 65 1130
Yozgat 66 420|Zonguldak 67 590|Aksaray 68 435|Bayburt 69 85|Karaman 70 260
Kırıkkale 71 280|Batman 72 630|Şırnak 73 560|Bartın 74 200|Ardahan 75 95
Iğdır 76 205|Yalova 77 300|Karabük 78 250|Kilis 79 145|Osmaniye 80 560
Düzce 81 400
"""

TR_COMMON_MALE = (
    "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat "
    "Ömer Ramazan Halil Süleyman Abdullah Mahmut Recep Salih Fatih Kadir Emre "
    "Hakan Burak"
).split()
TR_COMMON_FEMALE = (
    "Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve "
    "Havva Zeliha Esra Fadime Özlem Hacer Yasemin Hülya Cemile Sevgi Gülsüm Leyla"
).split()
TR_COMMON_LAST = (
    "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan "
    "Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özer Korkmaz Çakır "
    "Erdoğan"
).split()
TR_COMMON_NEIGHBOURHOODS = (
    "Cumhuriyet", "Atatürk", "Fatih", "Yeni", "Merkez", "Gazi", "İnönü",
    "Hürriyet", "Bahçelievler", "Esentepe", "Yıldız", "Zafer", "Kültür",
    "Barbaros", "Mimar Sinan", "Güzelyalı", "Çamlık", "Yavuz Selim", "Mevlana",
    "İstiklal",
)
TR_STREET_TYPES = {"Sokak": 0.55, "Caddesi": 0.35, "Bulvarı": 0.10}

US_NICKNAMES = {
    "William": ("Bill", "Will"), "Robert": ("Bob", "Rob"), "Michael": ("Mike",),
    "James": ("Jim", "Jimmy"), "Richard": ("Rick",), "Elizabeth": ("Liz", "Beth"),
    "Jennifer": ("Jen", "Jenny"), "Christopher": ("Chris",), "Joseph": ("Joe",),
    "Thomas": ("Tom",), "Daniel": ("Dan", "Danny"), "Matthew": ("Matt",),
    "Anthony": ("Tony",), "Katherine": ("Kate", "Kathy"), "Margaret": ("Maggie", "Peggy"),
    "Patricia": ("Pat", "Trish"), "Jessica": ("Jess",), "Nicholas": ("Nick",),
    "Andrew": ("Andy", "Drew"), "Steven": ("Steve",), "Stephen": ("Steve",),
    "Timothy": ("Tim",), "Kimberly": ("Kim",), "Rebecca": ("Becky",),
    "Samantha": ("Sam",), "Benjamin": ("Ben",), "Jonathan": ("Jon",),
    "Alexander": ("Alex",), "Edward": ("Ed", "Eddie"), "Kenneth": ("Ken",),
    "Ronald": ("Ron",), "Donald": ("Don",), "Gregory": ("Greg",),
    "Jeffrey": ("Jeff",), "Joshua": ("Josh",), "Zachary": ("Zach",),
    "Susan": ("Sue",), "Deborah": ("Debbie", "Deb"), "Cynthia": ("Cindy",),
    "Victoria": ("Vicky", "Tori"), "Abigail": ("Abby",), "Charles": ("Charlie", "Chuck"),
    "David": ("Dave",), "John": ("Jack", "Johnny"), "Christina": ("Tina",),
    "Melissa": ("Missy",), "Jacqueline": ("Jackie",), "Theresa": ("Terri",),
}
US_ADDRESS_ABBREVIATIONS = {
    "Street": "St", "Avenue": "Ave", "Road": "Rd", "Drive": "Dr", "Lane": "Ln",
    "Court": "Ct", "Boulevard": "Blvd", "Place": "Pl", "Square": "Sq",
    "Terrace": "Ter", "Parkway": "Pkwy", "Highway": "Hwy", "Mountain": "Mtn",
    "Heights": "Hts", "Circle": "Cir", "Crossing": "Xing", "Expressway": "Expy",
    "Junction": "Jct", "Point": "Pt", "Fort": "Ft", "Mount": "Mt",
    "Suite": "Ste", "Apt.": "Apt",
}
TR_ADDRESS_ABBREVIATIONS = (
    (" Mahallesi ", " Mah. "), (" Sokak ", " Sk. "), (" Caddesi ", " Cad. "),
    (" Bulvarı ", " Blv. "),
)

TR_EMAIL_DOMAINS = {
    "gmail.com": 0.50, "hotmail.com": 0.175, "outlook.com": 0.07,
    "yandex.com": 0.07, "yahoo.com": 0.06, "icloud.com": 0.048,
    "mynet.com": 0.042, "windowslive.com": 0.03,
}
US_EMAIL_DOMAINS = {
    "gmail.com": 0.45, "yahoo.com": 0.15, "outlook.com": 0.10,
    "hotmail.com": 0.10, "icloud.com": 0.08, "aol.com": 0.05,
    "comcast.net": 0.04, "msn.com": 0.03,
}
EMAIL_PATTERNS = {
    "{f}.{l}": 0.22, "{f}{l}": 0.12, "{f}_{l}": 0.10, "{i}{l}": 0.08,
    "{f}{yy}": 0.10, "{f}.{l}{yy}": 0.12, "{f}{l}{yy}": 0.08, "{l}.{f}": 0.05,
    "{i}.{l}": 0.03, "{f}{j}": 0.03, "{f}.{l}{n}": 0.05, "{l}{f}": 0.02,
}
EMAIL_TAGS = ("promo", "shop", "news", "tr", "2020", "2021", "2022", "2023", "kampanya", "web")
US_EMAIL_TAGS = ("promo", "shop", "news", "us", "2020", "2021", "2022", "2023", "deals", "web")
WORK_EMAIL_SHARE = 0.25

TR_MOBILE_PREFIXES = (
    "501", "505", "506", "507", "530", "531", "532", "533", "534", "535", "536",
    "537", "538", "539", "540", "541", "542", "543", "544", "545", "546", "547",
    "548", "549", "551", "552", "553", "554", "555", "559", "561",
)
US_AREA_CODES = tuple(
    f"{a}{b}{c}" for a in range(2, 10) for b in range(0, 9) for c in range(10)
    if not (b == 1 and c == 1)
)

TR_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
US_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
KEYBOARD_NEIGHBOURS = {
    "q": "wa", "w": "qase", "e": "wsdr", "r": "edft", "t": "rfgy", "y": "tghu",
    "u": "yhji", "i": "ujko", "o": "iklp", "p": "ol", "a": "qwsz", "s": "awedxz",
    "d": "serfcx", "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb", "j": "huikmn",
    "k": "jiolm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb",
    "b": "vghn", "n": "bhjm", "m": "njk",
}
TURKISH_LOOKALIKES = {"s": "ş", "c": "ç", "g": "ğ", "u": "ü", "o": "ö", "i": "ı",
                      "S": "Ş", "C": "Ç", "G": "Ğ", "U": "Ü", "O": "Ö", "I": "İ"}

FOLD = str.maketrans("şŞıİğĞüÜöÖçÇâÂîÎûÛ", "sSiIgGuUoOcCaAiIuU")
TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
NOT_ASCII_LETTER = re.compile(r"[^a-z]")
NAME_OK = re.compile(r"[^\W\d_]+")
TR_HOUSE_NUMBER = re.compile(r" No:(\d+)(?: D:(\d+))?$")


def tr_upper(s: str) -> str:
    return s.translate(TR_UPPER).upper()


def tr_lower(s: str) -> str:
    return s.translate(TR_LOWER).lower()


def fold(s: str) -> str:
    return s.translate(FOLD)


def slug(s: str) -> str:
    return NOT_ASCII_LETTER.sub("", fold(tr_lower(s)))


def csv_field(s: str) -> str:
    if "," in s or '"' in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def cumulative(weights: dict) -> tuple[tuple, list[float]]:
    keys = tuple(weights)
    return keys, list(accumulate(weights[k] for k in keys))


def zipf_weights(items: list[str]) -> dict:
    return {item: 1.0 / (rank + 2) for rank, item in enumerate(items)}


class Pools:
    """Value pools drawn once from Faker; records are sampled from these."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        tr = Faker("tr_TR")
        tr.seed_instance(seed)
        us = Faker("en_US")
        us.seed_instance(seed + 1)

        def draw(fn, n):
            out = []
            for _ in range(n):
                value = fn().strip(". ")
                if NAME_OK.fullmatch(value):
                    out.append(value)
            return out

        self.first = {
            ("TR", False): draw(tr.first_name_male, 2500),
            ("TR", True): draw(tr.first_name_female, 2500),
            ("US", False): draw(us.first_name_male, 2500),
            ("US", True): draw(us.first_name_female, 2500),
        }
        self.last = {"TR": draw(tr.last_name, 3000), "US": draw(us.last_name, 3000)}
        self.tr_common_first = {
            False: cumulative(zipf_weights(TR_COMMON_MALE)),
            True: cumulative(zipf_weights(TR_COMMON_FEMALE)),
        }
        self.tr_common_last = cumulative(zipf_weights(TR_COMMON_LAST))

        words = draw(tr.first_name, 6000) + draw(tr.last_name, 2000)
        street_types, street_cum = cumulative(TR_STREET_TYPES)
        rng = random.Random(seed)
        self.tr_streets = []
        for _ in range(20_000):
            if rng.random() < 0.15:
                mahalle = rng.choice(TR_COMMON_NEIGHBOURHOODS)
            else:
                mahalle = rng.choice(words)
            if rng.random() < 0.08:
                street = f"{rng.randint(1, 3999)}."
            elif rng.random() < 0.10:
                street = rng.choice(TR_COMMON_NEIGHBOURHOODS)
            else:
                street = rng.choice(words)
            kind = rng.choices(street_types, cum_weights=street_cum)[0]
            self.tr_streets.append(f"{mahalle} Mahallesi {street} {kind}")

        self.tr_provinces = []
        population = {}
        for item in TR_PROVINCES.replace("\n", "|").split("|"):
            if item.strip():
                name, plate, people = item.split()
                self.tr_provinces.append((name, int(plate)))
                population[len(self.tr_provinces) - 1] = float(people)
        self.tr_province_cum = cumulative(population)[1]

        self.us_streets = [us.street_name() for _ in range(20_000)]
        self.us_cities = [
            (f"{us.city()}, {us.state_abbr(include_territories=False)}", rng.randrange(1000, 99_000))
            for _ in range(8_000)
        ]
        self.work_domains = {
            "TR": [tr.domain_name() for _ in range(400)],
            "US": [us.domain_name() for _ in range(400)],
        }


class Entity:
    """One true person and the life events that its further records may show."""

    __slots__ = ("cid", "country", "female", "first", "last", "email", "phone",
                 "dob", "place", "alt_last", "alt_email", "alt_phone", "alt_place")

    def __init__(self) -> None:
        self.alt_last = self.alt_email = self.alt_phone = self.alt_place = None


class Generator:
    def __init__(self, seed: int, pools: Pools) -> None:
        self.rng = random.Random(seed)
        self.pools = pools
        self.cid_width = 7
        self.sources, self.source_cum = cumulative(SOURCES)
        self.extras, self.extras_cum = cumulative(EXTRA_RECORD_WEIGHTS)
        self.relations, self.relation_cum = cumulative(HOUSEHOLD_RELATIONS)
        self.email_patterns, self.email_pattern_cum = cumulative(EMAIL_PATTERNS)
        self.email_domains = {"TR": cumulative(TR_EMAIL_DOMAINS), "US": cumulative(US_EMAIL_DOMAINS)}
        self.household_pool = {"TR": [], "US": []}
        self.entities_seen = {"TR": 0, "US": 0}

    # ----------------------------------------------------------------- values

    def first_name(self, country: str, female: bool) -> str:
        rng = self.rng
        pool = self.pools.first[(country, female)]
        if country == "US":
            return rng.choice(pool)
        if rng.random() < TR_COMMON_NAME_SHARE:
            names, cum = self.pools.tr_common_first[female]
            name = rng.choices(names, cum_weights=cum)[0]
        else:
            name = rng.choice(pool)
        if rng.random() < TR_COMPOUND_FIRST_NAME_SHARE:
            second = rng.choice(pool)
            if second != name:
                name = f"{name} {second}"
        return name

    def last_name(self, country: str) -> str:
        rng = self.rng
        if country == "TR" and rng.random() < TR_COMMON_NAME_SHARE:
            names, cum = self.pools.tr_common_last
            return rng.choices(names, cum_weights=cum)[0]
        return rng.choice(self.pools.last[country])

    def phone(self, country: str) -> str:
        rng = self.rng
        if country == "TR":
            return rng.choice(TR_MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
        exchange = rng.randrange(200, 1000)
        while exchange % 100 == 11:
            exchange = rng.randrange(200, 1000)
        return f"{rng.choice(US_AREA_CODES)}{exchange}{rng.randrange(10_000):04d}"

    def email(self, first: str, last: str, year: int, country: str, work: bool = False) -> str:
        rng = self.rng
        given = first.split(" ")
        f = slug(given[0] if len(given) == 1 or rng.random() < 0.8 else "".join(given))
        l = slug(last.split(" ")[-1])
        pattern = rng.choices(self.email_patterns, cum_weights=self.email_pattern_cum)[0]
        yy = f"{year % 100:02d}" if rng.random() < 0.7 else f"{rng.randrange(100):02d}"
        local = pattern.format(f=f, l=l, i=f[:1], j=l[:1], yy=yy, n=rng.randint(1, 999))
        if work:
            return f"{local}@{rng.choice(self.pools.work_domains[country])}"
        domains, cum = self.email_domains[country]
        return f"{local}@{rng.choices(domains, cum_weights=cum)[0]}"

    def place(self, country: str, near: tuple | None = None) -> tuple:
        """(address, city, postcode, city key); ``near`` keeps the city."""
        rng = self.rng
        pools = self.pools
        if country == "TR":
            if near is not None:
                key = near[3]
            else:
                key = bisect(pools.tr_province_cum, rng.random() * pools.tr_province_cum[-1])
            city, plate = pools.tr_provinces[key]
            number = rng.randint(1, 60) if rng.random() < 0.6 else rng.randint(1, 250)
            address = f"{rng.choice(pools.tr_streets)} No:{number}"
            if rng.random() < 0.7:
                address += f" D:{rng.randint(1, 40)}"
            return address, city, f"{plate:02d}{rng.randrange(1000):03d}", key
        key = near[3] if near is not None else rng.randrange(len(pools.us_cities))
        city, zip_base = pools.us_cities[key]
        digits = rng.choices((3, 4, 5), cum_weights=(0.4, 0.8, 1.0))[0]
        address = f"{rng.randrange(10 ** (digits - 1), 10 ** digits)} {rng.choice(pools.us_streets)}"
        if rng.random() < 0.35:
            address += f" {'Apt.' if rng.random() < 0.5 else 'Suite'} {rng.randrange(1, 1000):03d}"
        return address, city, f"{zip_base + rng.randrange(40):05d}", key

    @staticmethod
    def date_parts(ordinal: int) -> tuple[int, int, int]:
        d = dt.date.fromordinal(ordinal)
        return d.year, d.month, d.day

    # --------------------------------------------------------------- entities

    def new_entity(self, cid: int, country: str) -> Entity:
        rng = self.rng
        e = Entity()
        e.cid = f"C{cid:0{self.cid_width}d}"
        e.country = country
        e.female = rng.random() < 0.5
        e.first = self.first_name(country, e.female)
        e.last = self.last_name(country)
        e.dob = self.date_parts(rng.randint(*BIRTH_RANGE))
        e.email = self.email(e.first, e.last, e.dob[0], country)
        e.phone = self.phone(country)
        e.place = self.place(country)
        return e

    def household_member(self, cid: int, head: Entity) -> Entity:
        rng = self.rng
        country = head.country
        relation = rng.choices(self.relations, cum_weights=self.relation_cum)[0]
        year = head.dob[0]
        if relation == "child" and year + 20 > 2006:
            relation = "parent" if year - 20 >= 1925 else "spouse"
        if relation == "parent" and year - 20 < 1925:
            relation = "spouse"
        if relation == "spouse":
            year += int(round(rng.gauss(0, 4)))
        elif relation == "child":
            year += rng.randint(20, min(40, 2006 - year))
        else:
            year -= rng.randint(20, min(40, year - 1925))
        year = min(max(year, 1925), 2006)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        if (year, month, day) == head.dob:
            day = day % 28 + 1

        e = Entity()
        e.cid = f"C{cid:0{self.cid_width}d}"
        e.country = country
        e.female = (not head.female) if relation == "spouse" else rng.random() < 0.5
        e.first = self.first_name(country, e.female)
        while e.first == head.first:
            e.first = self.first_name(country, e.female)
        e.last = head.last
        e.dob = (year, month, day)
        if rng.random() < HOUSEHOLD_SHARED_EMAIL:
            e.email = head.email
        else:
            e.email = self.email(e.first, e.last, year, country)
        e.phone = head.phone if rng.random() < HOUSEHOLD_SHARED_PHONE[country] else self.phone(country)
        e.place = head.place
        return e

    def remember_for_households(self, e: Entity) -> None:
        """Keep a uniform sample of earlier entities as household heads."""
        pool = self.household_pool[e.country]
        self.entities_seen[e.country] += 1
        if len(pool) < HOUSEHOLD_POOL_SIZE:
            pool.append(e)
        else:
            slot = self.rng.randrange(self.entities_seen[e.country])
            if slot < HOUSEHOLD_POOL_SIZE:
                pool[slot] = e

    def add_life_events(self, e: Entity) -> None:
        rng = self.rng
        country = e.country
        if e.female and e.dob[0] <= 2004 and rng.random() < MARRIED_NAME_SHARE:
            new_last = self.last_name(country)
            while new_last == e.last:
                new_last = self.last_name(country)
            if country == "TR" and rng.random() < 0.4:
                new_last = f"{e.last} {new_last}"
            e.alt_last = new_last
        if rng.random() < MOVED_SHARE:
            e.alt_place = self.place(country, e.place if rng.random() < 0.5 else None)
        if rng.random() < NEW_EMAIL_SHARE:
            last = e.alt_last.split(" ")[-1] if e.alt_last else e.last
            e.alt_email = self.email(e.first, last, e.dob[0], country,
                                     work=rng.random() < WORK_EMAIL_SHARE)
        if rng.random() < NEW_PHONE_SHARE:
            e.alt_phone = self.phone(country)

    # ------------------------------------------------------------ corruptions

    def typo(self, s: str, alphabet: str) -> str:
        rng = self.rng
        n = len(s)
        if n < 3:
            return s
        i = rng.randrange(1, n)
        op = rng.random()
        if op < 0.25:
            i = min(i, n - 2)
            return s[:i] + s[i + 1] + s[i] + s[i + 2:]
        if op < 0.45:
            return s[:i] + s[i + 1:]
        if op < 0.65:
            return s[:i] + rng.choice(alphabet) + s[i:]
        if op < 0.92:
            c = s[i].lower()
            if c in KEYBOARD_NEIGHBOURS and rng.random() < 0.6:
                new = rng.choice(KEYBOARD_NEIGHBOURS[c])
            else:
                new = rng.choice(alphabet)
            if s[i].isupper():
                new = new.upper()
            return s[:i] + new + s[i + 1:]
        return s[:i] + s[i] + s[i:]

    def add_turkish_letter(self, s: str) -> str:
        spots = [i for i, c in enumerate(s) if c in TURKISH_LOOKALIKES]
        if not spots:
            return s
        i = self.rng.choice(spots)
        return s[:i] + TURKISH_LOOKALIKES[s[i]] + s[i + 1:]

    def email_variant(self, email: str, noise: Noise, tr: bool) -> str:
        rng = self.rng
        local, _, domain = email.partition("@")
        if rng.random() < noise.email_tag:
            local += "+" + rng.choice(EMAIL_TAGS if tr else US_EMAIL_TAGS)
        if rng.random() < noise.email_dots:
            if "." in local:
                local = local.replace(".", "" if rng.random() < 0.7 else "_")
            elif len(local) > 3:
                i = rng.randrange(1, len(local) - 1)
                local = local[:i] + "." + local[i:]
        if rng.random() < noise.email_domain_typo:
            name, _, tld = domain.rpartition(".")
            op = rng.random()
            if op < 0.4 and len(name) > 3:
                i = rng.randrange(1, len(name) - 1)
                name = name[:i] + name[i + 1] + name[i] + name[i + 2:]
            elif op < 0.7 and len(name) > 3:
                i = rng.randrange(1, len(name))
                name = name[:i] + name[i + 1:]
            else:
                tld = rng.choice(("co", "con", "cm", "om"))
            domain = f"{name}.{tld}"
        if rng.random() < noise.email_case:
            op = rng.random()
            if op < 0.5:
                local, domain = local.capitalize(), domain.capitalize()
            elif op < 0.8:
                local = local.capitalize()
            else:
                local, domain = local.upper(), domain.upper()
        return f"{local}@{domain}"

    def phone_text(self, digits: str, tr: bool, noise: Noise) -> str:
        rng = self.rng
        d = digits
        if rng.random() < noise.phone_typo:
            i = rng.randrange(3, 10)
            d = d[:i] + str(rng.randrange(10)) + d[i + 1:]
        if tr:
            k = rng.randrange(9)
            if k == 0:
                return "0" + d
            if k == 1:
                return f"0{d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"
            if k == 2:
                return f"0{d[:3]} {d[3:6]} {d[6:]}"
            if k == 3:
                return f"+90 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"
            if k == 4:
                return "+90" + d
            if k == 5:
                return "90" + d
            if k == 6:
                return d
            if k == 7:
                return f"({d[:3]}) {d[3:6]}-{d[6:]}"
            return f"{d[:3]}.{d[3:6]}.{d[6:]}"
        k = rng.randrange(6)
        if k == 0:
            return f"({d[:3]}) {d[3:6]}-{d[6:]}"
        if k == 1:
            return f"{d[:3]}-{d[3:6]}-{d[6:]}"
        if k == 2:
            return f"{d[:3]}.{d[3:6]}.{d[6:]}"
        if k == 3:
            return f"+1 {d[:3]} {d[3:6]} {d[6:]}"
        if k == 4:
            return "1" + d
        return d

    def dob_typo(self, y: int, m: int, d: int) -> tuple[int, int, int]:
        rng = self.rng
        if d <= 12 and d != m and rng.random() < 0.2:
            return y, d, m
        text = f"{y:04d}{m:02d}{d:02d}"
        for _ in range(6):
            i = rng.choice((2, 3, 5, 6, 7))
            c = str(rng.randrange(10))
            if c == text[i]:
                continue
            new = text[:i] + c + text[i + 1:]
            try:
                dt.date(int(new[:4]), int(new[4:6]), int(new[6:]))
            except ValueError:
                continue
            return int(new[:4]), int(new[4:6]), int(new[6:])
        return y, m, d

    def tr_address(self, address: str, noise: Noise) -> str:
        rng = self.rng
        if rng.random() < noise.address_abbrev:
            for long, short in TR_ADDRESS_ABBREVIATIONS:
                address = address.replace(long, short)
        if rng.random() < noise.address_drop_unit:
            address = TR_HOUSE_NUMBER.sub(lambda m: f" No:{m.group(1)}", address)
        if rng.random() < noise.address_number_style:
            style = rng.randrange(4)

            def restyle(m: re.Match) -> str:
                no, unit = m.group(1), m.group(2)
                if unit is None:
                    return (f" No {no}", f" No.{no}", f" No: {no}", f" {no}")[style]
                return (f" No {no} Daire {unit}", f" No:{no}/{unit}",
                        f" No.{no} D.{unit}", f" No:{no} Daire:{unit}")[style]

            address = TR_HOUSE_NUMBER.sub(restyle, address)
        return address

    def us_address(self, address: str, noise: Noise) -> str:
        rng = self.rng
        if rng.random() < noise.address_abbrev:
            words = address.split(" ")
            address = " ".join(US_ADDRESS_ABBREVIATIONS.get(w, w) for w in words)
        if rng.random() < noise.address_drop_unit:
            for marker in (" Apt.", " Suite", " Apt", " Ste"):
                cut = address.find(marker)
                if cut > 0:
                    address = address[:cut]
                    break
        if rng.random() < noise.address_number_style:
            address = address.replace(" Apt. ", " #").replace(" Suite ", " #")
        return address

    # ---------------------------------------------------------------- records

    def record(self, e: Entity, further: bool) -> str:
        rng = self.rng
        rnd = rng.random
        noise = FURTHER_RECORD if further else FIRST_RECORD
        tr = e.country == "TR"
        alphabet = TR_ALPHABET if tr else US_ALPHABET
        source = self.sources[bisect(self.source_cum, rnd() * self.source_cum[-1])]

        first, last, email, phone, place = e.first, e.last, e.email, e.phone, e.place
        if further:
            if e.alt_last is not None and rnd() < MARRIED_NAME_USE:
                last = e.alt_last
            if e.alt_email is not None and rnd() < ALT_VALUE_USE:
                email = e.alt_email
            if e.alt_phone is not None and rnd() < ALT_VALUE_USE:
                phone = e.alt_phone
            if e.alt_place is not None and rnd() < ALT_VALUE_USE:
                place = e.alt_place
            if " " in first and rnd() < noise.single_given_name:
                parts = first.split(" ")
                first = parts[0] if rnd() < 0.8 else parts[-1]
            elif not tr and first in US_NICKNAMES and rnd() < noise.nickname:
                first = rng.choice(US_NICKNAMES[first])

        if rnd() < noise.first_typo:
            first = self.typo(first, alphabet)
        if rnd() < noise.last_typo:
            last = self.typo(last, alphabet)
        if tr:
            if rnd() < noise.fold:
                first = fold(first)
            if rnd() < noise.fold:
                last = fold(last)
            if rnd() < noise.add_turkish:
                first = self.add_turkish_letter(first)
            if rnd() < noise.add_turkish:
                last = self.add_turkish_letter(last)
        if rnd() < noise.swap:
            first, last = last, first

        address, city, postcode = place[0], place[1], place[2]
        if rnd() < noise.address_missing:
            address = ""
        else:
            address = self.tr_address(address, noise) if tr else self.us_address(address, noise)
            if rnd() < noise.address_typo:
                address = self.typo(address, alphabet)
            if tr and rnd() < noise.fold:
                address = fold(address)

        if tr:
            naive = rnd() < NAIVE_UPPER_SHARE
            upper = str.upper if naive else tr_upper
            lower = tr_lower
        else:
            upper, lower = str.upper, str.lower
        if source in UPPER_CASE_SOURCES:
            if rnd() < UPPER_SOURCE_FIELD_UPPER:
                first = upper(first)
            if rnd() < UPPER_SOURCE_FIELD_UPPER:
                last = upper(last)
            if address and rnd() < UPPER_SOURCE_ADDRESS_UPPER:
                address = upper(address)
        else:
            x = rnd()
            if x < OTHER_SOURCE_ALL_UPPER:
                first, last, address = upper(first), upper(last), upper(address)
            elif x < OTHER_SOURCE_ALL_UPPER + OTHER_SOURCE_ALL_LOWER:
                first, last, address = lower(first), lower(last), lower(address)
            else:
                if rnd() < OTHER_SOURCE_FIELD_LOWER:
                    first = lower(first)
                if rnd() < OTHER_SOURCE_FIELD_LOWER:
                    last = lower(last)
                if rnd() < OTHER_SOURCE_ADDRESS_LOWER:
                    address = lower(address)

        email = "" if rnd() < noise.email_missing else self.email_variant(email, noise, tr)
        phone = "" if rnd() < noise.phone_missing else self.phone_text(phone, tr, noise)

        if rnd() < noise.dob_missing:
            dob = ""
        else:
            y, m, d = e.dob
            if rnd() < noise.dob_typo:
                y, m, d = self.dob_typo(y, m, d)
            style = DOB_FORMAT_BY_SOURCE[source]
            if rnd() < DOB_FORMAT_NOISE:
                style = rng.choice(("iso", "compact", "local"))
            if style == "iso":
                dob = f"{y:04d}-{m:02d}-{d:02d}"
            elif style == "compact":
                dob = f"{y:04d}{m:02d}{d:02d}"
            elif tr:
                dob = f"{d:02d}.{m:02d}.{y:04d}"
            else:
                dob = f"{m:02d}/{d:02d}/{y:04d}"

        if rnd() < noise.city_missing:
            city = ""
        elif tr and rnd() < noise.city_fold:
            city = fold(city)
        if rnd() < noise.postcode_missing:
            postcode = ""

        return ",".join((
            e.cid, source, csv_field(first), csv_field(last), csv_field(email), phone,
            dob, csv_field(address), csv_field(city), postcode, e.country,
        ))

    # --------------------------------------------------------------- dataset

    def generate(self, n_records: int) -> tuple[list[str], list[int]]:
        """Record lines without record_id, and the size of every cluster."""
        rng = self.rng
        self.cid_width = 8 if n_records >= 10_000_000 else 7
        lines: list[str] = []
        sizes: list[int] = []
        cid = 0
        while len(lines) < n_records:
            country = "TR" if rng.random() < TR_SHARE else "US"
            heads = self.household_pool[country]
            if heads and rng.random() < HOUSEHOLD_MEMBER_SHARE:
                e = self.household_member(cid, rng.choice(heads))
            else:
                e = self.new_entity(cid, country)
            size = 1
            if rng.random() < DUP_ENTITY_SHARE:
                size += rng.choices(self.extras, cum_weights=self.extras_cum)[0]
                self.add_life_events(e)
            size = min(size, n_records - len(lines))
            for k in range(size):
                lines.append(self.record(e, further=k > 0))
            sizes.append(size)
            self.remember_for_households(e)
            cid += 1
        rng.shuffle(lines)
        return lines, sizes


def write_csv(path: str, lines: list[str], id_width: int) -> None:
    chunk = 100_000
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        for start in range(0, len(lines), chunk):
            out.write("".join(
                f"R{i:0{id_width}d},{lines[i]}\n"
                for i in range(start, min(start + chunk, len(lines)))
            ))


def meta_path(csv_path: str) -> str:
    stem, ext = os.path.splitext(csv_path)
    return (stem if ext.lower() == ".csv" else csv_path) + "_meta.json"


def build_meta(path: str, seed: int, sizes: list[int], seconds: float) -> dict:
    records = sum(sizes)
    entities = len(sizes)
    hist: dict[int, int] = {}
    for s in sizes:
        hist[s] = hist.get(s, 0) + 1
    return {
        "file": os.path.basename(path),
        "seed": seed,
        "records": records,
        "entities": entities,
        "entities_with_dups": sum(1 for s in sizes if s > 1),
        "duplicate_records": records - entities,
        "dup_record_share": round((records - entities) / records, 4) if records else 0.0,
        "true_pairs": sum(s * (s - 1) // 2 for s in sizes),
        "cluster_size_hist": {str(k): hist[k] for k in sorted(hist)},
        "seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate synthetic TR/US CRM customer records with true identity clusters.")
    parser.add_argument("--records", type=int, default=100_000, help="number of rows (default 100000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", required=True, help="output CSV path; metadata goes to <out>_meta.json")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be positive")

    start = time.perf_counter()
    directory = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(directory, exist_ok=True)

    generator = Generator(args.seed, Pools(args.seed))
    lines, sizes = generator.generate(args.records)
    write_csv(args.out, lines, 8 if args.records >= 10_000_000 else 7)
    seconds = time.perf_counter() - start

    meta = build_meta(args.out, args.seed, sizes, seconds)
    with open(meta_path(args.out), "w", encoding="utf-8") as out:
        json.dump(meta, out, indent=1, ensure_ascii=False)
    print(f"{args.out}: {meta['records']} records, {meta['entities']} entities, "
          f"{meta['true_pairs']} true pairs, {meta['seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
