"""A deterministic generator of customer records for the Arrow and Dask
tests: people with one to three records each (case changes, typos, phone
and date formats, missing fields) and families sharing a last name, an
address and a phone."""

import random
import unicodedata

FIRST = ["Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice", "Ali", "Zeynep", "Hüseyin",
         "Elif", "İbrahim", "Kübra", "Murat", "Özge", "John", "Mary", "Robert", "Linda", "Michael",
         "Şule", "Gökhan", "Çağla", "Serkan", "Ebru", "Tolga", "Derya"]
LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
        "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Smith", "Johnson", "Brown", "İhsanoğlu",
        "Karagöz", "Ekinci", "Güneş", "Polat", "Erdoğan", "Koç", "Kurt"]
CITY = ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya"]
COLUMNS = ["id", "first_name", "last_name", "email", "phone", "date_of_birth", "address", "city", "country"]


def _ascii(s):
    s = s.replace("ı", "i").replace("İ", "I")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def _typo(s, k):
    c = list(s)
    if len(c) > 3:
        i = 1 + k % (len(c) - 2)
        c[i], c[i + 1] = c[i + 1], c[i]
    return "".join(c)


def customers(people, seed=7):
    """A list of dicts (all values text or None), ids ``R000000``... in
    row order, so that input order is also id order."""
    rnd = random.Random(seed)
    rows, family = [], None
    for _ in range(people):
        first = rnd.choice(FIRST)
        if family is not None and rnd.random() < 0.25:
            last, address, phone = family
        else:
            last = rnd.choice(LAST)
            address = f"{rnd.choice(LAST)} Sokak No:{rnd.randint(1, 200)} D:{rnd.randint(1, 20)}"
            phone = f"05{rnd.randint(30, 59)}{rnd.randint(0, 99_999_999):08d}"
        family = (last, address, phone)
        y, m, d = rnd.randint(1940, 1999), rnd.randint(1, 12), rnd.randint(1, 28)
        email = f"{_ascii(first)}.{_ascii(last)}{rnd.randint(0, 99)}@{rnd.choice(['gmail.com', 'hotmail.com', 'firma.com.tr'])}"
        city = rnd.choice(CITY)
        for v in range(rnd.randint(1, 3)):
            k = rnd.randint(0, 999)
            f = first.upper() if k % 5 == 0 else (_typo(first, k) if k % 5 == 1 and v > 0 else first)
            ph = [phone, f"+90 ({phone[1:4]}) {phone[4:7]}-{phone[7:]}", f"{phone[:4]} {phone[4:7]} {phone[7:9]} {phone[9:]}"][k % 3]
            dob = f"{y:04d}-{m:02d}-{d:02d}" if k % 2 == 0 else f"{d:02d}.{m:02d}.{y:04d}"
            rows.append({
                "first_name": f,
                "last_name": last.lower() if k % 7 == 3 else last,
                "email": None if k % 4 == 1 else email,
                "phone": None if k % 6 == 2 else ph,
                "date_of_birth": None if k % 9 == 4 else dob,
                "address": address,
                "city": city,
                "country": "TR",
            })
    rnd.shuffle(rows)
    return [{"id": f"R{i:06d}", **r} for i, r in enumerate(rows)]
