"""Regenerates survey_sample.csv, the embedded sample of `crmkit demo`.

Omni-channel survey answers of a fictional Turkish retailer: NPS (0-10),
CSAT (1-5) and CES (1-7) with channel, touchpoint, journey stage, month,
topics and a comment. Effects are built in so that the report has
something to show: the app scores best and the call centre worst, late
delivery and refund delays cost NPS, and NPS improves month by month.
Deterministic: `python3 make_survey_sample.py > survey_sample.csv`.
"""

import csv
import random
import sys

random.seed(20261122)

CHANNELS = {"app": 1.2, "web": 0.4, "branch": 0.2, "email": -0.2, "social": -0.6, "call_center": -1.0}
TOUCHPOINTS = {"purchase": 0.6, "delivery": -0.4, "support": -0.3, "billing": -0.2, "return": -0.5}
STAGES = {"onboarding": 0.3, "usage": 0.0, "renewal": -0.3}
MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
TOPICS = {
    "late_delivery": (-2.5, "delivery", "Kargo {d} gün gecikti, kimse bilgi vermedi."),
    "refund_delay": (-2.2, "return", "İade ettiğim ürünün parası hâlâ yatmadı."),
    "rude_agent": (-2.0, "support", "Çağrı merkezindeki temsilci çok kabaydı."),
    "wrong_invoice": (-1.5, "billing", "Faturada iki kez ücret alınmış."),
    "long_wait": (-1.2, "support", "Hatta {d}0 dakika bekledim."),
    "fast_delivery": (1.0, "delivery", "Siparişim ertesi gün geldi, teşekkürler!"),
    "easy_app": (0.8, "purchase", "Uygulama çok kolay, hızlıca aldım."),
    "friendly_staff": (1.0, "purchase", "Mağazadaki arkadaşlar çok ilgiliydi."),
}
NEUTRAL = ["", "", "Fena değil.", "Her şey yolundaydı.", "Fiyatlar biraz yüksek."]


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["answer_id", "channel", "touchpoint", "journey_stage", "period", "nps", "csat", "ces", "topics", "comment"])
    for i in range(1, 1201):
        channel = random.choices(list(CHANNELS), weights=[30, 25, 12, 8, 10, 15])[0]
        touchpoint = random.choice(list(TOUCHPOINTS))
        stage = random.choices(list(STAGES), weights=[2, 5, 2])[0]
        month_index = random.randrange(len(MONTHS))
        latent = 7.0 + CHANNELS[channel] + TOUCHPOINTS[touchpoint] + STAGES[stage] + 0.25 * month_index
        topics = []
        for name, (effect, home, _) in TOPICS.items():
            chance = 0.18 if home == touchpoint else 0.03
            if random.random() < chance:
                topics.append(name)
                latent += effect
        latent += random.gauss(0, 1.6)
        nps = "" if random.random() < 0.04 else str(int(round(clamp(latent, 0, 10))))
        csat = "" if random.random() < 0.10 else str(int(round(clamp(1 + (latent - 1) * 0.45, 1, 5))))
        ces = "" if random.random() < 0.15 else str(int(round(clamp(1 + (latent - 1) * 0.65 + random.gauss(0, 0.7), 1, 7))))
        if topics:
            comment = TOPICS[topics[0]][2].format(d=random.randint(2, 9))
        else:
            comment = random.choice(NEUTRAL)
        out.writerow([f"A{i:05d}", channel, touchpoint, stage, MONTHS[month_index], nps, csat, ces, ";".join(topics), comment])


if __name__ == "__main__":
    main()
