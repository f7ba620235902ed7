//! A seeded, grammar-based generator of Turkish complaints with truth labels.
//!
//! No licensed Turkish complaint corpus exists, so the Turkish evaluation
//! runs on text produced here: four sectors (e-commerce, telco, bank, FMCG),
//! 8–11 categories each, slot lexicons (products, brands, amounts, dates,
//! cities, order numbers), Turkish case and possessive suffixes chosen by
//! vowel harmony, registers from formal to angry capitals, typos, text typed
//! without Turkish letters, three forms (title + body as on complaint sites,
//! tweets, call-centre notes), distractor mentions (a word of another
//! category used in passing, negated), and six flags that are present in
//! some texts, mentioned but negated in others and absent in the rest.
//!
//! The same seed always gives the same complaints. [`Phrasing`] splits each
//! category's sentences in two disjoint halves, so a model can be tested on
//! phrasings it never saw.

#![allow(dead_code)]

/// The sectors.
pub const SECTORS: [&str; 4] = ["ecommerce", "telco", "bank", "fmcg"];

/// The flag ids (those of `crmkit::complaint::categorize`).
pub const FLAGS: [&str; 6] = [
    "legal_threat",
    "regulator",
    "fraud",
    "data_leak",
    "cancellation_intent",
    "public_complaint_threat",
];

/// Which of a category's sentences to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrasing {
    /// All of them.
    All,
    /// Sentences at even positions.
    Even,
    /// Sentences at odd positions.
    Odd,
    /// A harder split, training side: sentences at even positions, and
    /// only the even half of the vocabulary (brands, products, cities,
    /// context sentences, titles, openings, closings, note phrases) and of
    /// the registers (formal and neutral).
    HeldOutTrain,
    /// A harder split, test side: the odd halves of sentences and
    /// vocabulary, and the registers training never saw (informal and
    /// angry capitals).
    HeldOutTest,
}

impl Phrasing {
    /// Which half of the vocabulary and registers: `None` for all.
    fn vocabulary_half(self) -> Option<usize> {
        match self {
            Phrasing::HeldOutTrain => Some(0),
            Phrasing::HeldOutTest => Some(1),
            _ => None,
        }
    }
}

/// The shape of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Title and body, as on complaint sites.
    Site,
    /// A short social-media post.
    Tweet,
    /// A call-centre agent's note.
    Note,
}

impl Form {
    /// The channel the form comes from.
    pub fn channel(self) -> &'static str {
        match self {
            Form::Site => "complaint_site",
            Form::Tweet => "social_media",
            Form::Note => "call_center",
        }
    }
}

/// One generated complaint with its truth labels.
#[derive(Debug, Clone)]
pub struct Complaint {
    /// The sector.
    pub sector: &'static str,
    /// The category id (unique within its sector).
    pub category: &'static str,
    /// The form.
    pub form: Form,
    /// The title (complaint sites only).
    pub title: Option<String>,
    /// The full text (title and body joined by a newline for sites).
    pub text: String,
    /// Flags whose intent the text expresses.
    pub flags: Vec<&'static str>,
    /// Flags the text mentions only to deny them (truth: absent).
    pub negated_flags: Vec<&'static str>,
    /// The register (0 formal, 1 neutral, 2 informal, 3 angry capitals).
    pub register: u8,
    /// Typed without Turkish letters.
    pub ascii: bool,
    /// Carries a distractor mention of another category.
    pub distractor: bool,
    /// The amount the complaint is about, in TL.
    pub amount: f64,
}

/// SplitMix64: small, seeded, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One element of a slice.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------- grammar

fn is_vowel(c: char) -> bool {
    "aeıioöuüAEIİOÖUÜ".contains(c)
}

fn last_vowel(word: &str) -> char {
    word.chars()
        .rev()
        .find(|&c| is_vowel(c))
        .map(|c| match c {
            'A' => 'a',
            'E' => 'e',
            'I' => 'ı',
            'İ' => 'i',
            'O' => 'o',
            'Ö' => 'ö',
            'U' => 'u',
            'Ü' => 'ü',
            c => c,
        })
        .unwrap_or('e')
}

/// The two-way vowel (a/e) after a word.
fn harmony2(word: &str) -> char {
    if "aıou".contains(last_vowel(word)) {
        'a'
    } else {
        'e'
    }
}

/// The four-way vowel (ı/i/u/ü) after a word.
fn harmony4(word: &str) -> char {
    match last_vowel(word) {
        'a' | 'ı' => 'ı',
        'o' | 'u' => 'u',
        'ö' | 'ü' => 'ü',
        _ => 'i',
    }
}

fn ends_in_vowel(word: &str) -> bool {
    word.chars().last().is_some_and(is_vowel)
}

fn ends_voiceless(word: &str) -> bool {
    word.chars().last().is_some_and(|c| "fstkçşhp".contains(c))
}

/// Turkish case and possessive suffixes.
#[derive(Debug, Clone, Copy)]
pub enum Case {
    /// -dan/-den/-tan/-ten
    Ablative,
    /// -a/-e/-ya/-ye
    Dative,
    /// -ı/-i/-u/-ü (-yı… after a vowel)
    Accusative,
    /// -da/-de/-ta/-te
    Locative,
    /// -ım/-im/-um/-üm (-m after a vowel): "my …"
    Possessive,
}

/// A noun with a suffix. `soft` is the stem before a vowel-initial suffix
/// (consonant softening: kulaklık → kulaklığ-), `proper` puts an apostrophe
/// before the suffix as Turkish spelling does for names.
pub fn inflect(word: &str, soft: &str, case: Case, proper: bool) -> String {
    let sep = if proper { "'" } else { "" };
    let v2 = harmony2(word);
    let v4 = harmony4(word);
    let vowel_end = ends_in_vowel(word);
    match case {
        Case::Ablative | Case::Locative => {
            let d = if ends_voiceless(word) { 't' } else { 'd' };
            let tail = if matches!(case, Case::Ablative) {
                "n"
            } else {
                ""
            };
            format!("{word}{sep}{d}{v2}{tail}")
        }
        Case::Dative if vowel_end => format!("{word}{sep}y{v2}"),
        Case::Dative => format!("{soft}{sep}{v2}"),
        Case::Accusative if vowel_end => format!("{word}{sep}y{v4}"),
        Case::Accusative => format!("{soft}{sep}{v4}"),
        Case::Possessive if vowel_end => format!("{word}{sep}m"),
        Case::Possessive => format!("{soft}{sep}{v4}m"),
    }
}

/// Turkish-aware upper case (i → İ, ı → I).
pub fn upper_tr(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'i' => "İ".to_owned(),
            'ı' => "I".to_owned(),
            c => c.to_uppercase().collect(),
        })
        .collect()
}

/// Text as typed on a keyboard without Turkish letters.
pub fn deasciify_off(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ı' => 'i',
            'İ' => 'I',
            'ş' => 's',
            'Ş' => 'S',
            'ğ' => 'g',
            'Ğ' => 'G',
            'ü' => 'u',
            'Ü' => 'U',
            'ö' => 'o',
            'Ö' => 'O',
            'ç' => 'c',
            'Ç' => 'C',
            c => c,
        })
        .collect()
}

/// One typo in a word of at least five letters: a swap, a drop or a
/// doubled letter.
fn typo(word: &str, rng: &mut Rng) -> String {
    let mut cs: Vec<char> = word.chars().collect();
    if cs.len() < 5 || !cs.iter().all(|c| c.is_alphabetic()) {
        return word.to_owned();
    }
    let i = 1 + rng.below(cs.len() - 2);
    match rng.below(3) {
        0 => cs.swap(i, i + 1),
        1 => {
            cs.remove(i);
        }
        _ => cs.insert(i, cs[i]),
    }
    cs.into_iter().collect()
}

// --------------------------------------------------------------- lexicons

/// (nominative, stem before a vowel-initial suffix)
type Noun = (&'static str, &'static str);

struct Sector {
    id: &'static str,
    brands: &'static [&'static str],
    products: &'static [Noun],
    categories: &'static [Category],
    /// Context sentences that say nothing about the category.
    context: &'static [&'static str],
    order_prefix: &'static str,
}

struct Category {
    id: &'static str,
    /// Titles, as on complaint sites.
    titles: &'static [&'static str],
    /// Sentences that carry the category.
    sentences: &'static [&'static str],
    /// A negated passing mention, used as a distractor in other categories.
    mention: &'static [&'static str],
    /// Flags the category itself implies.
    implies: &'static [&'static str],
}

const CITIES: &[&str] = &[
    "İstanbul",
    "Ankara",
    "İzmir",
    "Bursa",
    "Antalya",
    "Konya",
    "Adana",
    "Gaziantep",
    "Kayseri",
    "Eskişehir",
    "Trabzon",
    "Diyarbakır",
    "Samsun",
    "Mersin",
];

const MONTHS: &[&str] = &[
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
    "Kasım", "Aralık",
];

const ECOMMERCE: Sector = Sector {
    id: "ecommerce",
    brands: &[
        "Trendyol",
        "Hepsiburada",
        "Amazon",
        "Çiçeksepeti",
        "Pazarama",
        "Morhipo",
        "Boyner",
        "Teknosa",
    ],
    products: &[
        ("telefon", "telefon"),
        ("kulaklık", "kulaklığ"),
        ("ayakkabı", "ayakkabı"),
        ("mont", "mont"),
        ("blender", "blender"),
        ("laptop", "laptop"),
        ("saat", "saat"),
        ("süpürge", "süpürge"),
        ("tablet", "tablet"),
        ("kahve makinesi", "kahve makinesi"),
    ],
    order_prefix: "",
    context: &[
        "{date} tarihinde {brand_abl} {product} siparişi verdim.",
        "{order} numaralı siparişim hakkında yazıyorum.",
        "{amount} ödeyerek {product_acc} satın aldım.",
        "Siparişimi {city} adresime verdim.",
        "Uzun zamandır {brand} müşterisiyim.",
    ],
    categories: &[
        Category {
            id: "late_delivery",
            titles: &[
                "Kargo Gecikmesi",
                "Siparişim Hala Gelmedi",
                "Teslimat Gecikti",
            ],
            sentences: &[
                "{days} gündür siparişim gelmedi.",
                "Kargo {days} gündür dağıtım merkezinde bekliyor.",
                "Teslimat tarihi geçti, ürün hala elime ulaşmadı.",
                "Kargom sürekli ertelendi, bir türlü teslim edilmedi.",
                "{days} iş gününde teslim denmişti ama hala kargoya verilmedi.",
                "Kargo takip numarası {days} gündür aynı yerde, hareket yok.",
            ],
            mention: &[
                "kargo biraz gecikti ama sorun o değil",
                "teslimat zamanında yapıldı",
            ],
            implies: &[],
        },
        Category {
            id: "wrong_item",
            titles: &["Yanlış Ürün Gönderildi", "Farklı Ürün Geldi"],
            sentences: &[
                "Sipariş ettiğim {product} yerine bambaşka bir ürün geldi.",
                "Paketten yanlış ürün çıktı.",
                "Beden ve renk siparişimle uyuşmuyor, farklı model gönderilmiş.",
                "Kutudan benim seçtiğim model çıkmadı.",
                "İstediğim ürünle gelen ürün aynı değil.",
            ],
            mention: &["doğru ürün gelmiş, orada sıkıntı yok"],
            implies: &[],
        },
        Category {
            id: "damaged_item",
            titles: &["Hasarlı Ürün", "Kırık Geldi", "Ürün Arızalı Çıktı"],
            sentences: &[
                "{product_nom} kutusu ezik ve ürün kırık geldi.",
                "Paket açıldığında ürünün hasarlı olduğunu gördüm.",
                "{product_nom} ilk gün arızalandı, hiç çalışmıyor.",
                "Ürünün ekranı çatlak çıktı.",
                "Ürün bozuk geldi, fişe takınca çalışmadı.",
                "Kargoda parçalanmış, kullanılamaz durumda.",
            ],
            mention: &["ürün sağlam geldi"],
            implies: &[],
        },
        Category {
            id: "refund_not_paid",
            titles: &[
                "İade Ücreti Yatmadı",
                "Param İade Edilmedi",
                "Para İadesi Yapılmıyor",
            ],
            sentences: &[
                "Ürünü {days} gün önce iade ettim ama param hala hesabıma yatmadı.",
                "İade onaylandı dediler, {amount} hala kartıma geri ödenmedi.",
                "İade sürecim tamamlandı görünüyor ama para yok.",
                "Geri ödeme {days} gündür bekliyor.",
                "Ücret iadesi için defalarca aradım, paramı alamadım.",
            ],
            mention: &["iade istemiyorum", "para iadesi değil derdim"],
            implies: &[],
        },
        Category {
            id: "return_rejected",
            titles: &["İade Talebim Reddedildi", "İade Kabul Edilmiyor"],
            sentences: &[
                "İade talebim gerekçe gösterilmeden reddedildi.",
                "Satıcı ürünü geri almayı kabul etmiyor.",
                "Cayma hakkımı kullanmak istedim, iade kodu verilmedi.",
                "Ürün kullanılmış denilerek iadem kabul edilmedi.",
                "On dört gün dolmadan başvurdum ama iade alınmıyor.",
            ],
            mention: &["iade etmek istemiyorum"],
            implies: &[],
        },
        Category {
            id: "order_cancellation",
            titles: &[
                "Sipariş İptal Edilmiyor",
                "İptal Ettiğim Sipariş Gönderildi",
            ],
            sentences: &[
                "Siparişimi iptal etmek istiyorum ama sistem izin vermiyor.",
                "İptal ettiğim sipariş yine de kargoya verildi.",
                "Satıcı siparişimi habersizce iptal etti.",
                "Stokta yok diyerek siparişimi tek taraflı iptal ettiler.",
                "İptal butonu çalışmıyor, sipariş iptal olmadı.",
            ],
            mention: &["siparişi iptal etmeyi düşünmüyorum"],
            implies: &[],
        },
        Category {
            id: "double_charge",
            titles: &["Kartımdan İki Kez Çekildi", "Mükerrer Ödeme"],
            sentences: &[
                "Tek sipariş verdim ama kartımdan iki kez {amount} çekildi.",
                "Ödeme mükerrer alınmış.",
                "Aynı sipariş için iki defa provizyon alındı.",
                "Hesap ekstremde aynı tutar iki kere görünüyor.",
                "Ödeme hata verdi ama para çekildi, tekrar ödeyince iki kez tahsil edildi.",
            ],
            mention: &["ödeme tarafında bir sorun yok"],
            implies: &[],
        },
        Category {
            id: "counterfeit",
            titles: &["Orijinal Olmayan Ürün", "Taklit Ürün Gönderildi"],
            sentences: &[
                "Gelen {product_nom} orijinal değil, taklit olduğu belli.",
                "Ürün replika çıktı, faturası da yok.",
                "Seri numarası üretici sitesinde sorgulanamıyor, orijinal olmadığı kesin.",
                "Logosu ve kutusu çakma, bu ürün orijinal olamaz.",
                "Yetkili servis ürünün orijinal olmadığını söyledi.",
            ],
            mention: &["ürün orijinal, ondan şüphem yok"],
            implies: &[],
        },
        Category {
            id: "coupon_campaign",
            titles: &["İndirim Kodu Çalışmıyor", "Kampanya Uygulanmadı"],
            sentences: &[
                "Sepette kampanya indirimi uygulanmadı.",
                "Kupon kodum geçersiz diyor, oysa süresi dolmadı.",
                "Reklamda gösterilen indirimli fiyat ödeme sayfasında uygulanmıyor.",
                "Kazandığım indirim kuponu hesabıma tanımlanmadı.",
                "Sepete ekledikten sonra fiyat {amount} arttı, kampanya yok oldu.",
            ],
            mention: &["kampanya istemiyorum"],
            implies: &[],
        },
        Category {
            id: "customer_service",
            titles: &["Müşteri Hizmetlerine Ulaşılamıyor", "Temsilci İlgisiz"],
            sentences: &[
                "Müşteri hizmetlerine ulaşmak imkansız, kimse telefonu açmıyor.",
                "Canlı destekte temsilci yazışmayı yüzüme kapattı.",
                "Çağrı merkezinde {days} dakika bekletildim.",
                "Temsilci çok kaba davrandı ve sorunumu dinlemedi.",
                "Yazdığım maillere {days} gündür cevap verilmiyor.",
            ],
            mention: &["temsilci kibardı"],
            implies: &[],
        },
    ],
};

const TELCO: Sector = Sector {
    id: "telco",
    brands: &[
        "Turkcell",
        "Vodafone",
        "Türk Telekom",
        "Superonline",
        "TurkNet",
    ],
    products: &[
        ("hat", "hatt"),
        ("fatura", "fatura"),
        ("paket", "paket"),
        ("modem", "modem"),
        ("fiber internet", "fiber internet"),
        ("ev interneti", "ev interneti"),
    ],
    order_prefix: "ABN",
    context: &[
        "{brand} abonesiyim, {order} numaralı abonelik benim üzerime.",
        "{city} ilinde oturuyorum.",
        "{days} yıldır {brand} kullanıyorum.",
        "Faturalı hat kullanıyorum, aylık {amount} ödüyorum.",
    ],
    categories: &[
        Category {
            id: "no_coverage",
            titles: &["Şebeke Sorunu", "Telefon Çekmiyor"],
            sentences: &[
                "Evimde {days} gündür hiç şebeke yok.",
                "Telefon çekmiyor, arama yapamıyorum.",
                "Sinyal sürekli gidip geliyor, konuşmalar kesiliyor.",
                "Baz istasyonu arızalı dediler ama düzelmedi.",
                "Kapsama alanı dışında görünüyor, oysa şehir merkezindeyim.",
            ],
            mention: &["çekim gücü iyi"],
            implies: &[],
        },
        Category {
            id: "slow_internet",
            titles: &["İnternet Çok Yavaş", "Sürekli Kopan İnternet"],
            sentences: &[
                "Taahhüt edilen hızın onda birini bile alamıyorum.",
                "İnternet {days} gündür sürekli kopuyor.",
                "Hız testinde indirme hızı 2 Mbps çıkıyor.",
                "Akşamları internet kullanılamayacak kadar yavaşlıyor.",
                "Bağlantı her saat başı düşüyor, modemi sıfırlamak işe yaramadı.",
            ],
            mention: &["internet hızı yerinde"],
            implies: &[],
        },
        Category {
            id: "billing",
            titles: &["Fahiş Fatura", "Faturama Haksız Ücret Eklendi"],
            sentences: &[
                "Bu ayki faturam {amount} gelmiş, normalde yarısı.",
                "Faturama kullanmadığım hizmetler için ücret yansıtılmış.",
                "Tarifem değişmediği halde fatura tutarı arttı.",
                "Kullanmadığım dakikalar için ekstra ücret kesildi.",
                "Fatura itirazım cevapsız kaldı, tutar haksız.",
            ],
            mention: &["faturayla bir derdim yok"],
            implies: &[],
        },
        Category {
            id: "roaming",
            titles: &["Yurt Dışı Ücreti", "Roaming Faturası"],
            sentences: &[
                "Yurt dışındayken roaming kapalı olmasına rağmen {amount} ücret yansıdı.",
                "Yurtdışı paketi aldım ama paket dışı kullanım ücreti kesildi.",
                "Tatilde telefonumu neredeyse kullanmadım, yurt dışı faturası çok yüksek.",
                "Dolaşım ücretleri hakkında hiçbir bilgilendirme SMS'i gelmedi.",
            ],
            mention: &["yurt dışı kullanımım yok"],
            implies: &[],
        },
        Category {
            id: "number_porting",
            titles: &["Numara Taşıma Yapılmıyor", "Hattımı Taşıyamıyorum"],
            sentences: &[
                "Numara taşıma başvurum {days} gündür sonuçlanmadı.",
                "Hattımı başka operatöre taşımak istiyorum ama işlem engelleniyor.",
                "Numaramı taşıma talebim sebepsiz reddedildi.",
                "Operatör değiştirmek için başvurdum, hattım iki operatörde de çalışmıyor.",
            ],
            mention: &[],
            implies: &["cancellation_intent"],
        },
        Category {
            id: "contract_penalty",
            titles: &["Cayma Bedeli", "Taahhüt İptali"],
            sentences: &[
                "Adresim değişti diye taahhüdüm bitmeden {amount} cayma bedeli çıkardılar.",
                "Taahhüt süresi dolduğu halde cayma bedeli istiyorlar.",
                "Cayma bedeli haksız yere yüksek hesaplanmış.",
                "Sözleşmede olmayan bir taahhüt cezası kesildi.",
            ],
            mention: &["taahhüt konusunda sorun yok"],
            implies: &[],
        },
        Category {
            id: "package_change",
            titles: &["Tarifem Habersiz Değişti", "Paket Değişikliği Yapılmadı"],
            sentences: &[
                "Tarifem bana sorulmadan daha pahalı bir pakete geçirilmiş.",
                "Paket değişikliği talebim {days} gündür yapılmadı.",
                "Kampanyalı paket tanımlanmadı, eski tarifeden ücret alınıyor.",
                "Ek paket aldım, gigabaytlar hesabıma eklenmedi.",
            ],
            mention: &["paketim doğru tanımlanmış"],
            implies: &[],
        },
        Category {
            id: "technician",
            titles: &["Teknisyen Gelmedi", "Kurulum Yapılmadı"],
            sentences: &[
                "Kurulum için randevu verildi, teknisyen gelmedi.",
                "Arıza kaydı açtırdım, teknik ekip {days} gündür gelmiyor.",
                "Teknik servis randevusu üç kez iptal edildi.",
                "Fiber altyapı kurulumu {days} haftadır bekliyor.",
            ],
            mention: &["teknisyen geldi, kurulum tamam"],
            implies: &[],
        },
        Category {
            id: "vas_subscription",
            titles: &["İstemediğim Servis Ücreti", "Katma Değerli Servis"],
            sentences: &[
                "Haberim olmadan katma değerli servise abone yapılmışım.",
                "Her ay faturama dijital içerik aboneliği ücreti ekleniyor, ben onaylamadım.",
                "Oyun servisi aboneliği benden izin alınmadan başlatılmış.",
                "İstemediğim bir müzik servisi için her hafta ücret kesiliyor.",
            ],
            mention: &["ek servis kullanmıyorum"],
            implies: &[],
        },
    ],
};

const BANK: Sector = Sector {
    id: "bank",
    brands: &[
        "Ziraat Bankası",
        "Garanti BBVA",
        "Akbank",
        "Yapı Kredi",
        "İş Bankası",
        "QNB",
        "Enpara",
        "DenizBank",
    ],
    products: &[
        ("kredi kartı", "kredi kartı"),
        ("banka kartı", "banka kartı"),
        ("vadesiz hesap", "vadesiz hesab"),
        ("ihtiyaç kredisi", "ihtiyaç kredisi"),
        ("mobil uygulama", "mobil uygulama"),
    ],
    order_prefix: "MNO",
    context: &[
        "{days} yıldır {brand} müşterisiyim.",
        "{order} müşteri numaralı hesabım hakkında yazıyorum.",
        "{city} şubesinde hesabım var.",
        "Maaşımı {brand} üzerinden alıyorum.",
    ],
    categories: &[
        Category {
            id: "unauthorized_transaction",
            titles: &["Bilgim Dışında Harcama", "İzinsiz Çekim"],
            sentences: &[
                "Kartımdan bilgim dışında {amount} harcama yapılmış.",
                "Hiç kullanmadığım bir sitede kartımla alışveriş yapılmış.",
                "Ekstremde tanımadığım bir yurt dışı işlemi var.",
                "Benim yapmadığım bir işlem için kartımdan çekim yapıldı.",
                "Kartım yanımdayken başka şehirde harcama görünüyor.",
            ],
            mention: &[],
            implies: &["fraud"],
        },
        Category {
            id: "card_fee",
            titles: &["Kart Aidatı İadesi", "Yıllık Ücret Alındı"],
            sentences: &[
                "Kartımdan {amount} yıllık kart aidatı kesildi.",
                "Kart ücreti iade edilmiyor.",
                "Aidatsız kart diye verdiler, şimdi yıllık ücret çıktı.",
                "Hesap işletim ücreti adı altında para kesiliyor.",
            ],
            mention: &["aidat konusunda itirazım yok"],
            implies: &[],
        },
        Category {
            id: "loan",
            titles: &["Kredi Başvurum Sonuçlanmadı", "Kredi Faizi"],
            sentences: &[
                "Kredi başvurum {days} gündür değerlendirmede bekliyor.",
                "Onaylanan kredinin faiz oranı sözleşmede farklı çıktı.",
                "Krediyi erken kapatmak istedim, fahiş erken ödeme ücreti istendi.",
                "Kredi dosya masrafı adı altında {amount} kesildi.",
                "İhtiyaç kredisi başvurum gerekçesiz reddedildi.",
            ],
            mention: &["kredi çekmeyi düşünmüyorum"],
            implies: &[],
        },
        Category {
            id: "atm",
            titles: &["ATM Para Vermedi", "ATM Kartımı Yuttu"],
            sentences: &[
                "ATM'den {amount} çekmek istedim, para çıkmadı ama hesabımdan düştü.",
                "Bankamatik kartımı yuttu.",
                "ATM işlemi yarıda kesildi, para verilmedi.",
                "Para yatırma işleminde ATM parayı aldı ama hesabıma geçmedi.",
            ],
            mention: &["ATM'de sorun yaşamadım"],
            implies: &[],
        },
        Category {
            id: "transfer",
            titles: &["EFT Ulaşmadı", "Havale Gecikti"],
            sentences: &[
                "Gönderdiğim EFT {days} gündür karşı hesaba ulaşmadı.",
                "Havale işlemi beklemede görünüyor.",
                "FAST ile gönderdiğim para geri döndü ama ücret kesildi.",
                "Yurt dışından gelen swift transferi hesabıma yansımadı.",
            ],
            mention: &["transferlerim sorunsuz"],
            implies: &[],
        },
        Category {
            id: "mobile_banking",
            titles: &[
                "Mobil Uygulama Açılmıyor",
                "İnternet Şubesine Giriş Yapamıyorum",
            ],
            sentences: &[
                "Mobil uygulamaya {days} gündür giriş yapamıyorum.",
                "Uygulama güncellemeden sonra sürekli hata veriyor.",
                "Şifre yenileme SMS'i gelmiyor, internet şubesine giremiyorum.",
                "Uygulamada işlem yaparken ekran donuyor.",
            ],
            mention: &["uygulama düzgün çalışıyor"],
            implies: &[],
        },
        Category {
            id: "card_limit",
            titles: &["Kart Limitim Düşürüldü", "Limit Artışı Yapılmadı"],
            sentences: &[
                "Kredi kartı limitim bana sorulmadan düşürüldü.",
                "Limit artırım talebim {days} kez reddedildi.",
                "Limitim yetersiz diye işlemim onaylanmadı, oysa borcum yok.",
                "Kart limitim habersiz yarıya indirildi.",
            ],
            mention: &["limitim yeterli"],
            implies: &[],
        },
        Category {
            id: "account_blocked",
            titles: &["Hesabıma Bloke Konuldu", "Hesabım Donduruldu"],
            sentences: &[
                "Hesabıma sebepsiz yere bloke konuldu.",
                "Hesabım donduruldu, maaşımı çekemiyorum.",
                "Hesaptaki paraya erişimim engellendi.",
                "Blokenin neden konulduğunu kimse açıklamıyor.",
            ],
            mention: &["hesabımda bloke yok"],
            implies: &[],
        },
        Category {
            id: "branch_service",
            titles: &["Şubede Kötü Hizmet", "Şubede Uzun Bekleme"],
            sentences: &[
                "Şubede {days} dakika sıra bekledim.",
                "Şube çalışanı işlemimi yapmadan beni geri gönderdi.",
                "Gişe görevlisi ilgisiz ve kabaydı.",
                "Şubede randevu sistemi çalışmıyor, işlemim yapılamadı.",
            ],
            mention: &["şube çalışanları ilgiliydi"],
            implies: &[],
        },
    ],
};

const FMCG: Sector = Sector {
    id: "fmcg",
    brands: &[
        "Sütaş", "Ülker", "Eti", "Pınar", "Torku", "Tat", "Dimes", "Abc",
    ],
    products: &[
        ("süt", "süt"),
        ("yoğurt", "yoğurd"),
        ("bisküvi", "bisküvi"),
        ("çikolata", "çikolata"),
        ("deterjan", "deterjan"),
        ("makarna", "makarna"),
        ("meyve suyu", "meyve suyu"),
        ("peynir", "peynir"),
    ],
    order_prefix: "LOT",
    context: &[
        "{date} tarihinde {city} bir marketten {brand} {product} aldım.",
        "Ürünün parti numarası {order}.",
        "Yıllardır {brand} ürünlerini tercih ediyorum.",
        "{amount} ödediğim ürün hakkında yazıyorum.",
    ],
    categories: &[
        Category {
            id: "foreign_object",
            titles: &["Üründen Yabancı Madde Çıktı", "İçinden Böcek Çıktı"],
            sentences: &[
                "{product_nom} içinden yabancı madde çıktı.",
                "Paketi açtığımda içinde böcek gördüm.",
                "Ürünün içinde plastik parçası vardı.",
                "Yerken ağzıma kıl geldi, midem bulandı.",
                "Ambalajın içinden metal parça çıktı.",
            ],
            mention: &["içinden bir şey çıkmadı"],
            implies: &[],
        },
        Category {
            id: "expired",
            titles: &["Son Kullanma Tarihi Geçmiş Ürün", "Bozuk Ürün Satıldı"],
            sentences: &[
                "Rafta son kullanma tarihi geçmiş ürün satılıyor.",
                "{product_nom} tarihi geçmemesine rağmen bozulmuş.",
                "Açar açmaz ekşimiş olduğunu fark ettim.",
                "Ürün küflenmiş, tarihi daha yeni geçmiş.",
                "Miadı dolmuş ürün bana satıldı.",
            ],
            mention: &["tarihi geçmemişti"],
            implies: &[],
        },
        Category {
            id: "taste_changed",
            titles: &["Ürünün Tadı Değişti", "Kötü Koku"],
            sentences: &[
                "{product_nom} tadı eskisi gibi değil, çok değişmiş.",
                "Üründen garip bir koku geliyor.",
                "Tadı acımsı, kıvamı da çok sulu.",
                "Yeni formül hiç güzel değil, eski lezzeti yok.",
            ],
            mention: &["tadında sorun yok"],
            implies: &[],
        },
        Category {
            id: "packaging",
            titles: &["Ambalaj Patlak", "Kutu Akıtıyor"],
            sentences: &[
                "Ambalaj patlak geldi, ürün her yere aktı.",
                "Kapak tam kapanmıyor, şişe sızdırıyor.",
                "Koli içindeki paketlerin yarısı yırtık.",
                "Vakum ambalaj şişmiş, açmaya korktum.",
            ],
            mention: &["ambalaj sağlamdı"],
            implies: &[],
        },
        Category {
            id: "short_weight",
            titles: &["Gramaj Eksik", "Paket Yarı Boş"],
            sentences: &[
                "Paketin üzerinde 500 gram yazıyor, tarttım 430 gram çıktı.",
                "Paketin yarısı hava, içerik çok az.",
                "Gramaj eksik, üstünde yazan miktar yok.",
                "Aynı fiyata ürün miktarı gizlice azaltılmış.",
            ],
            mention: &["gramajı tamdı"],
            implies: &[],
        },
        Category {
            id: "allergen_label",
            titles: &["Etikette Alerjen Yazmıyor", "Yanlış İçerik Bilgisi"],
            sentences: &[
                "Etikette fındık yazmıyor ama çocuğum alerji oldu.",
                "İçindekiler listesinde gluten belirtilmemiş.",
                "Ürün etiketi yanlış, içerik bilgisi eksik.",
                "Laktozsuz yazan üründe laktoz çıktı.",
            ],
            mention: &["etiket bilgisi doğru"],
            implies: &[],
        },
        Category {
            id: "price",
            titles: &["Raf Fiyatı Farklı", "Fahiş Fiyat"],
            sentences: &[
                "Rafta {amount} yazıyordu, kasada daha pahalı okuttular.",
                "Etiket fiyatı ile kasa fiyatı farklı.",
                "Aynı ürünün fiyatı bir haftada iki katına çıktı.",
                "Kampanyalı fiyat kasada uygulanmadı.",
            ],
            mention: &["fiyatı uygun"],
            implies: &[],
        },
        Category {
            id: "availability",
            titles: &["Ürün Bulunamıyor", "Stoklarda Yok"],
            sentences: &[
                "{product_nom} aylardır hiçbir markette bulunmuyor.",
                "{city} ilinde bu ürünü bulamıyorum, stoklar hep boş.",
                "Ürün üretimden mi kalktı, raflarda göremiyorum.",
                "Market zincirlerinde ürün tükendi, bir daha gelmedi.",
            ],
            mention: &["ürünü bulmak zor değil"],
            implies: &[],
        },
        Category {
            id: "health_issue",
            titles: &["Üründen Zehirlendim", "Hastanelik Oldum"],
            sentences: &[
                "Ürünü yedikten sonra zehirlendim, hastaneye kaldırıldım.",
                "Çocuğum içtikten sonra kustu, acile gittik.",
                "Yedikten sonra ishal oldum, doktor gıda zehirlenmesi dedi.",
                "Tüm ailece mide rahatsızlığı yaşadık.",
            ],
            mention: &["kimse hastalanmadı"],
            implies: &[],
        },
    ],
};

const SECTOR_DATA: [&Sector; 4] = [&ECOMMERCE, &TELCO, &BANK, &FMCG];

/// (flag, sentences expressing it, sentences that mention it negated)
const FLAG_SENTENCES: &[(&str, &[&str], &[&str])] = &[
    (
        "legal_threat",
        &[
            "Avukatıma danışacağım.",
            "Tüketici Hakem Heyeti'ne başvuracağım.",
            "Konuyu yasal yollara taşıyacağım.",
            "Dava açmaktan başka yol bırakmadınız.",
            "Mahkemeye vereceğim.",
        ],
        &[
            "Avukatla mahkemeyle uğraşmak istemiyorum.",
            "Dava açmak gibi bir niyetim yok, sadece çözüm istiyorum.",
            "Avukata gitmeye gerek kalmadan çözülsün lütfen.",
        ],
    ),
    (
        "regulator",
        &[
            "BTK'ya şikayet edeceğim.",
            "BDDK'ya bildireceğim.",
            "Ticaret Bakanlığı'na başvuru yapacağım.",
            "CİMER'e yazacağım.",
        ],
        &[
            "Resmi kurumlara gitmek istemiyorum.",
            "BTK'ya şikayet etmeden önce size yazıyorum.",
        ],
    ),
    (
        "fraud",
        &[
            "Resmen dolandırıldım.",
            "Bu yaptığınız dolandırıcılık.",
            "Kartımdan habersiz çekim yapılmış.",
        ],
        &[
            "Dolandırıldığımı düşünmüyorum, sadece hata var.",
            "Dolandırıcılık demiyorum ama bu bir hata.",
        ],
    ),
    (
        "data_leak",
        &[
            "Kişisel verilerim izinsiz paylaşılmış, bu bir KVKK ihlali.",
            "Bilgilerim sızdırılmış, başka firmalar beni arıyor.",
            "Verilerim üçüncü kişilerle paylaşılmış.",
        ],
        &[
            "Kişisel verilerimle ilgili bir endişem yok.",
            "Verilerim güvende, sorun o değil.",
        ],
    ),
    (
        "cancellation_intent",
        &[
            "Aboneliğimi iptal edeceğim.",
            "Bir daha sizden alışveriş yapmayacağım.",
            "Hesabımı kapatacağım.",
            "Üyeliğimi iptal ettirmek istiyorum.",
        ],
        &[
            "Hesabımı kapatmak istemiyorum, sadece düzeltin.",
            "Aboneliğimi iptal etmeyi düşünmüyorum.",
            "Hesabımı kapatmadan önce bir şans daha veriyorum.",
        ],
    ),
    (
        "public_complaint_threat",
        &[
            "Bunu Şikayetvar'da ve sosyal medyada paylaşacağım.",
            "Herkese duyuracağım.",
            "Ekşi Sözlük'e yazacağım.",
        ],
        &[
            "Sosyal medyada paylaşmak istemedim, önce size yazıyorum.",
            "Şikayetvar'a yazmadan önce size ulaşmak istedim.",
        ],
    ),
];

const OPENINGS: [&[&str]; 4] = [
    &[
        "Sayın yetkili,",
        "Sayın ilgili,",
        "Merhaba, bilgilerinize sunarım:",
    ],
    &["Merhaba,", "İyi günler,", ""],
    &["Ya arkadaşlar", "Yahu", "Selam,"],
    &["REZALET!", "YETER ARTIK!", "BU NE REZALET"],
];

const CLOSINGS: [&[&str]; 4] = [
    &[
        "Mağduriyetimin giderilmesini talep ediyorum.",
        "Gereğinin yapılmasını arz ederim.",
        "Konunun incelenmesini rica ederim.",
    ],
    &["Çözüm bekliyorum.", "Yardımcı olursanız sevinirim.", ""],
    &["Bi el atın artık.", "Napcaz böyle?", "Saçmalık."],
    &["HEMEN ÇÖZÜN!!!", "YAZIKLAR OLSUN!!", "BIKTIM ARTIK!!!"],
];

// -------------------------------------------------------------- generator

struct Slots {
    brand: &'static str,
    product: Noun,
    amount: f64,
    days: usize,
    date: String,
    city: &'static str,
    order: String,
}

fn money(amount: f64) -> String {
    let lira = amount.trunc() as u64;
    let kurus = ((amount - amount.trunc()) * 100.0).round() as u64;
    let s = lira.to_string();
    let mut grouped = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{grouped},{kurus:02} TL")
}

fn fill(template: &str, s: &Slots) -> String {
    let (p, soft) = s.product;
    let brand_abl = inflect(s.brand, s.brand, Case::Ablative, true);
    template
        .replace("{brand_abl}", &brand_abl)
        .replace("{brand}", s.brand)
        .replace("{product_acc}", &inflect(p, soft, Case::Accusative, false))
        .replace("{product_nom}", &capitalize_first(p))
        .replace("{product}", p)
        .replace("{amount}", &money(s.amount))
        .replace("{days}", &s.days.to_string())
        .replace("{date}", &s.date)
        .replace("{city}", s.city)
        .replace("{order}", &s.order)
}

fn capitalize_first(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => upper_tr(&c.to_string()) + cs.as_str(),
        None => String::new(),
    }
}

fn sentence_pool<'a>(xs: &'a [&'a str], phrasing: Phrasing) -> Vec<&'a str> {
    xs.iter()
        .enumerate()
        .filter(|(i, _)| match phrasing {
            Phrasing::All => true,
            Phrasing::Even | Phrasing::HeldOutTrain => i % 2 == 0,
            Phrasing::Odd | Phrasing::HeldOutTest => i % 2 == 1,
        })
        .map(|(_, s)| *s)
        .collect()
}

/// One element of a slice, or of its even or odd half (a slice of one
/// element is its own half).
fn pick_half<T: Copy>(rng: &mut Rng, xs: &[T], half: Option<usize>) -> T {
    match half {
        Some(h) if xs.len() > 1 => {
            let pool: Vec<T> = xs
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == h)
                .map(|(_, x)| *x)
                .collect();
            rng.pick(&pool)
        }
        _ => rng.pick(xs),
    }
}

/// The category ids of a sector, in taxonomy order.
pub fn categories(sector: &str) -> Vec<&'static str> {
    SECTOR_DATA
        .iter()
        .find(|s| s.id == sector)
        .map(|s| s.categories.iter().map(|c| c.id).collect())
        .unwrap_or_default()
}

/// `per_category` complaints of every category of every sector, from a seed.
pub fn generate(seed: u64, per_category: usize, phrasing: Phrasing) -> Vec<Complaint> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for sector in SECTOR_DATA {
        for (ci, cat) in sector.categories.iter().enumerate() {
            for _ in 0..per_category {
                out.push(one(&mut rng, sector, ci, cat, phrasing));
            }
        }
    }
    out
}

fn one(rng: &mut Rng, sector: &Sector, ci: usize, cat: &Category, phrasing: Phrasing) -> Complaint {
    let half = phrasing.vocabulary_half();
    let amount = (rng.below(500_000) as f64 + 1_000.0) / 100.0 * (1 + rng.below(20)) as f64;
    let slots = Slots {
        brand: pick_half(rng, sector.brands, half),
        product: pick_half(rng, sector.products, half),
        amount: (amount * 100.0).round() / 100.0,
        days: 2 + rng.below(20),
        date: format!("{} {}", 1 + rng.below(28), rng.pick(MONTHS)),
        city: pick_half(rng, CITIES, half),
        order: format!(
            "{}{}",
            sector.order_prefix,
            10_000_000 + rng.below(89_999_999)
        ),
    };
    let form = match rng.below(10) {
        0..=4 => Form::Site,
        5..=7 => Form::Tweet,
        _ => Form::Note,
    };
    let register = match rng.below(10) {
        0..=2 => 0,
        3..=5 => 1,
        6..=7 => 2,
        _ => 3,
    } as u8;
    let register = match half {
        Some(h) => 2 * h as u8 + register % 2,
        None => register,
    };
    let pool = sentence_pool(cat.sentences, phrasing);
    let pool = if pool.is_empty() {
        sentence_pool(cat.sentences, Phrasing::All)
    } else {
        pool
    };
    let mut core: Vec<String> = Vec::new();
    let n_core = if form == Form::Tweet {
        1
    } else {
        1 + rng.below(2)
    };
    let first = rng.below(pool.len());
    for k in 0..n_core.min(pool.len()) {
        core.push(fill(pool[(first + k) % pool.len()], &slots));
    }
    let mut sentences: Vec<String> = Vec::new();
    if form != Form::Tweet && rng.chance(0.8) {
        sentences.push(fill(pick_half(rng, sector.context, half), &slots));
    }
    sentences.extend(core);
    // a distractor: another category's word used in passing, negated
    let mut distractor = false;
    if rng.chance(0.3) {
        let others: Vec<&Category> = sector
            .categories
            .iter()
            .enumerate()
            .filter(|(i, c)| *i != ci && !c.mention.is_empty())
            .map(|(_, c)| c)
            .collect();
        if !others.is_empty() {
            let other = rng.pick(&others);
            let m = rng.pick(other.mention);
            sentences.push(capitalize_first(&format!("{m}.")));
            distractor = true;
        }
    }
    // flags: expressed, negated or absent
    let mut flags: Vec<&'static str> = cat.implies.to_vec();
    let mut negated_flags = Vec::new();
    for &(flag, yes, no) in FLAG_SENTENCES {
        if flags.contains(&flag) {
            continue;
        }
        let r = rng.below(100);
        if r < 8 {
            sentences.push(rng.pick(yes).to_string());
            flags.push(flag);
        } else if r < 12 {
            sentences.push(rng.pick(no).to_string());
            negated_flags.push(flag);
        }
    }
    flags.sort();
    // register, form and noise
    let opening = rng.pick(OPENINGS[register as usize]);
    let closing = rng.pick(CLOSINGS[register as usize]);
    let title = (form == Form::Site).then(|| {
        format!(
            "{} {}",
            slots.brand,
            fill(pick_half(rng, cat.titles, half), &slots)
        )
    });
    let body = match form {
        Form::Site => {
            let mut parts = vec![opening.to_owned()];
            parts.extend(sentences);
            parts.push(closing.to_owned());
            parts.retain(|p| !p.is_empty());
            parts.join(" ")
        }
        Form::Tweet => {
            let handle = slots.brand.to_lowercase().replace(' ', "");
            let mut t = format!("@{} {}", deasciify_off(&handle), sentences.join(" "));
            if rng.chance(0.5) {
                t.push_str(&format!(" #{}", deasciify_off(&handle)));
            }
            t
        }
        Form::Note => {
            let lead = pick_half(
                rng,
                &[
                    "Müşteri aradı.",
                    "Mşt arandı.",
                    "Gelen çağrı:",
                    "Müşteri beyanı:",
                ],
                half,
            );
            let tail = pick_half(
                rng,
                &[
                    "Kayıt açıldı.",
                    "İlgili birime aktarıldı.",
                    "Geri dönüş sözü verildi.",
                ],
                half,
            );
            format!("{lead} {} {tail}", sentences.join(" "))
        }
    };
    let mut text = match &title {
        Some(t) => format!("{t}\n{body}"),
        None => body,
    };
    if register == 3 {
        text = upper_tr(&text);
    }
    if rng.chance(0.25) {
        text = text
            .split(' ')
            .map(|w| {
                if rng.chance(0.08) {
                    typo(w, rng)
                } else {
                    w.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    let ascii = rng.chance(0.3) || (form == Form::Tweet && rng.chance(0.3));
    if ascii {
        text = deasciify_off(&text);
    }
    Complaint {
        sector: sector.id,
        category: cat.id,
        form,
        title: title.map(|t| if ascii { deasciify_off(&t) } else { t }),
        text,
        flags,
        negated_flags,
        register,
        ascii,
        distractor,
        amount: slots.amount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_out_split_shares_no_register_or_brand() {
        // the words of a text, lowercased ("Eti'den" has the word "eti";
        // Turkish capitals folded first, so "ETİKET" stays one word)
        let words = |t: &str| -> Vec<String> {
            t.replace(['İ', 'I', 'ı'], "i")
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let train = generate(1, 4, Phrasing::HeldOutTrain);
        let test = generate(2, 4, Phrasing::HeldOutTest);
        assert!(train.iter().all(|c| c.register < 2));
        assert!(test.iter().all(|c| c.register >= 2));
        for sector in SECTOR_DATA {
            for (i, brand) in sector.brands.iter().enumerate() {
                let other = if i % 2 == 0 { &test } else { &train };
                let b = words(brand);
                assert!(
                    other
                        .iter()
                        .filter(|c| c.sector == sector.id)
                        .all(|c| !words(&c.text).windows(b.len()).any(|w| w == b)),
                    "{brand}"
                );
            }
        }
    }

    #[test]
    fn vowel_harmony() {
        assert_eq!(
            inflect("Trendyol", "Trendyol", Case::Ablative, true),
            "Trendyol'dan"
        );
        assert_eq!(
            inflect("Turkcell", "Turkcell", Case::Ablative, true),
            "Turkcell'den"
        );
        assert_eq!(
            inflect("Hepsiburada", "Hepsiburada", Case::Dative, true),
            "Hepsiburada'ya"
        );
        assert_eq!(
            inflect("Akbank", "Akbank", Case::Locative, true),
            "Akbank'ta"
        );
        assert_eq!(
            inflect("kulaklık", "kulaklığ", Case::Possessive, false),
            "kulaklığım"
        );
        assert_eq!(
            inflect("telefon", "telefon", Case::Accusative, false),
            "telefonu"
        );
        assert_eq!(inflect("süt", "süt", Case::Accusative, false), "sütü");
        assert_eq!(
            inflect("bisküvi", "bisküvi", Case::Accusative, false),
            "bisküviyi"
        );
        assert_eq!(
            inflect("fatura", "fatura", Case::Possessive, false),
            "faturam"
        );
    }

    #[test]
    fn deterministic_and_labelled() {
        let a = generate(7, 3, Phrasing::All);
        let b = generate(7, 3, Phrasing::All);
        assert_eq!(a.len(), b.len());
        assert!(a.iter().zip(&b).all(|(x, y)| x.text == y.text));
        assert_ne!(
            generate(8, 3, Phrasing::All)[0].text,
            a[0].text,
            "another seed gives other text"
        );
        for s in SECTORS {
            let n = categories(s).len();
            assert!((8..=12).contains(&n), "{s}: {n} categories");
        }
    }
}
