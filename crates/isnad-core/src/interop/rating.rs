//! Fact-checkers' ratings in other vocabularies, mapped to isnad's.
//!
//! Published ratings come two ways: a number between a worst and a best
//! value (`ratingValue`, `worstRating`, `bestRating`), or words
//! (`alternateName`, Google's `textualRating`) in the fact-checker's own
//! language. Numbers map onto isnad's five-step scale by position
//! ([`from_value`]); words through [`WORDS`], a table of the verdict words
//! fact-checkers use in English, Arabic, Spanish, Portuguese, French,
//! German and Hindi ([`from_words`]). Words are compared after
//! [`normalize`]: case, accents that do not change the word in these
//! languages (Arabic short vowels, Devanagari nukta), punctuation and
//! spacing do not matter. A rating in a sentence ("False. The photo is
//! from 2019") is read from the phrase before its first punctuation mark.
//! `docs/INTEROP.md` prints the table; a test keeps the two equal.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::record::Rating;

/// A family of verdict words.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Category {
    /// The claim is false.
    False,
    /// True facts arranged to mislead, missing context, mostly false.
    Misleading,
    /// Partly true, partly false.
    PartlyTrue,
    /// True with small caveats.
    MostlyTrue,
    /// The claim is true.
    True,
    /// Not enough evidence either way.
    Unproven,
    /// Satire or parody taken as fact.
    Satire,
    /// An altered, doctored or fabricated image, video or document.
    Altered,
    /// Real words, wrong speaker.
    Misattributed,
}

impl Category {
    /// Every category, in table order.
    pub const ALL: [Category; 9] = [
        Category::False,
        Category::Misleading,
        Category::PartlyTrue,
        Category::MostlyTrue,
        Category::True,
        Category::Unproven,
        Category::Satire,
        Category::Altered,
        Category::Misattributed,
    ];

    /// The isnad rating a verdict in this category becomes. Satire and
    /// altered media rate the claim as false: taken as a statement of fact
    /// (which is how it spread), it is not true.
    pub fn rating(self) -> Rating {
        match self {
            Category::False | Category::Satire | Category::Altered => Rating::False,
            Category::Misleading => Rating::MostlyFalse,
            Category::PartlyTrue => Rating::Mixed,
            Category::MostlyTrue => Rating::MostlyTrue,
            Category::True => Rating::True,
            Category::Unproven => Rating::Unverifiable,
            Category::Misattributed => Rating::Misattributed,
        }
    }

    /// The category's name in docs/INTEROP.md.
    pub fn name(self) -> &'static str {
        match self {
            Category::False => "false",
            Category::Misleading => "misleading",
            Category::PartlyTrue => "partly true",
            Category::MostlyTrue => "mostly true",
            Category::True => "true",
            Category::Unproven => "unproven",
            Category::Satire => "satire",
            Category::Altered => "altered",
            Category::Misattributed => "misattributed",
        }
    }
}

/// One row of the table: a category, a language (BCP-47) and its words.
pub type Row = (Category, &'static str, &'static [&'static str]);

/// The verdict words, by category and language.
pub const WORDS: &[Row] = &[
    (
        Category::False,
        "en",
        &[
            "false",
            "fake",
            "incorrect",
            "wrong",
            "untrue",
            "not true",
            "pants on fire",
            "fabricated",
            "hoax",
            "four pinocchios",
            "really false",
            "scam",
            "this is false",
        ],
    ),
    (
        Category::False,
        "ar",
        &[
            "خطأ",
            "خاطئ",
            "زائف",
            "كاذب",
            "كاذبة",
            "غير صحيح",
            "مزيف",
            "خبر كاذب",
            "إشاعة",
            "اشاعة",
            "مش حقيقي",
            "غير حقيقي",
        ],
    ),
    (
        Category::False,
        "es",
        &[
            "falso",
            "falsa",
            "bulo",
            "mentira",
            "no es cierto",
            "incorrecto",
        ],
    ),
    (
        Category::False,
        "pt",
        &["falso", "falsa", "mentira", "não é verdade", "incorreto"],
    ),
    (
        Category::False,
        "fr",
        &["faux", "fausse", "infox", "pas vrai", "inexact"],
    ),
    (
        Category::False,
        "de",
        &["falsch", "unwahr", "frei erfunden", "stimmt nicht"],
    ),
    (
        Category::False,
        "hi",
        &["झूठ", "झूठा", "ग़लत", "फ़र्ज़ी", "असत्य", "फेक"],
    ),
    (
        Category::Misleading,
        "en",
        &[
            "misleading",
            "mostly false",
            "missing context",
            "needs context",
            "out of context",
            "lacks context",
            "false context",
            "exaggerates",
            "exaggerated",
            "exaggeration",
            "not quite",
            "distorts the facts",
            "spins the facts",
            "cherry picks",
            "miscaptioned",
            "outdated",
            "sensational",
            "excitement",
            "three pinocchios",
        ],
    ),
    (
        Category::Misleading,
        "ar",
        &[
            "مضلل",
            "مضللة",
            "خارج السياق",
            "مجتزأ",
            "سياق مجتزأ",
            "محتوى ناقص",
            "تضليل",
            "إثارة",
            "مبالغ فيه",
            "توضيح",
            "الفيديو قديم",
            "فيديو قديم",
            "الصورة قديمة",
        ],
    ),
    (
        Category::Misleading,
        "es",
        &[
            "engañoso",
            "engañosa",
            "mayormente falso",
            "sacado de contexto",
            "fuera de contexto",
            "falta contexto",
        ],
    ),
    (
        Category::Misleading,
        "pt",
        &[
            "enganoso",
            "enganosa",
            "fora de contexto",
            "sem contexto",
            "distorcido",
        ],
    ),
    (
        Category::Misleading,
        "fr",
        &[
            "trompeur",
            "trompeuse",
            "plutôt faux",
            "hors contexte",
            "sorti de son contexte",
            "manque de contexte",
        ],
    ),
    (
        Category::Misleading,
        "de",
        &[
            "irreführend",
            "größtenteils falsch",
            "fehlender kontext",
            "aus dem zusammenhang gerissen",
        ],
    ),
    (Category::Misleading, "hi", &["भ्रामक", "गुमराह करने वाला"]),
    (
        Category::PartlyTrue,
        "en",
        &[
            "partly true",
            "partially true",
            "half true",
            "partly false",
            "partially false",
            "mixed",
            "mixture",
            "two pinocchios",
        ],
    ),
    (
        Category::PartlyTrue,
        "ar",
        &[
            "صحيح جزئياً",
            "نصف صحيح",
            "جزئياً صحيح",
            "زائف جزئيا",
            "غير صحيح جزئيا",
            "خطأ جزئيا",
            "نص حقيقي",
            "نصف حقيقي",
        ],
    ),
    (
        Category::PartlyTrue,
        "es",
        &[
            "parcialmente verdadero",
            "parcialmente cierto",
            "parcialmente falso",
            "verdad a medias",
            "mixto",
        ],
    ),
    (
        Category::PartlyTrue,
        "pt",
        &[
            "parcialmente verdadeiro",
            "parcialmente verdadeira",
            "parcialmente falso",
            "meia verdade",
        ],
    ),
    (
        Category::PartlyTrue,
        "fr",
        &[
            "partiellement vrai",
            "à moitié vrai",
            "en partie vrai",
            "partiellement faux",
            "mitigé",
        ],
    ),
    (
        Category::PartlyTrue,
        "de",
        &[
            "teilweise richtig",
            "teilweise wahr",
            "teilweise falsch",
            "halb wahr",
            "halbwahr",
        ],
    ),
    (
        Category::PartlyTrue,
        "hi",
        &["आंशिक रूप से सच", "आंशिक सच", "आधा सच"],
    ),
    (
        Category::MostlyTrue,
        "en",
        &[
            "mostly true",
            "mostly correct",
            "largely accurate",
            "one pinocchio",
        ],
    ),
    (Category::MostlyTrue, "ar", &["صحيح في الغالب"]),
    (
        Category::MostlyTrue,
        "es",
        &["mayormente verdadero", "mayormente cierto"],
    ),
    (Category::MostlyTrue, "pt", &["majoritariamente verdadeiro"]),
    (Category::MostlyTrue, "fr", &["plutôt vrai"]),
    (
        Category::MostlyTrue,
        "de",
        &["größtenteils richtig", "weitgehend richtig"],
    ),
    (Category::MostlyTrue, "hi", &["अधिकतर सच"]),
    (
        Category::True,
        "en",
        &["true", "correct", "accurate", "correct attribution"],
    ),
    (Category::True, "ar", &["صحيح", "حقيقي", "صح"]),
    (
        Category::True,
        "es",
        &[
            "verdadero",
            "verdadera",
            "cierto",
            "cierta",
            "verdad",
            "correcto",
        ],
    ),
    (
        Category::True,
        "pt",
        &["verdadeiro", "verdadeira", "verdade", "correto"],
    ),
    (Category::True, "fr", &["vrai", "vraie", "exact", "correct"]),
    (
        Category::True,
        "de",
        &["wahr", "richtig", "stimmt", "korrekt"],
    ),
    (Category::True, "hi", &["सच", "सत्य", "सही"]),
    (
        Category::Unproven,
        "en",
        &[
            "unproven",
            "unverified",
            "unverifiable",
            "unsupported",
            "unsubstantiated",
            "no evidence",
            "cannot be verified",
            "lacks evidence",
            "insufficient evidence",
        ],
    ),
    (
        Category::Unproven,
        "ar",
        &["غير مثبت", "لم يثبت", "غير مؤكد", "لا دليل", "بلا دليل"],
    ),
    (
        Category::Unproven,
        "es",
        &[
            "no verificable",
            "inverificable",
            "sin pruebas",
            "sin evidencia",
            "no comprobado",
        ],
    ),
    (
        Category::Unproven,
        "pt",
        &[
            "não comprovado",
            "sem provas",
            "sem evidências",
            "insustentável",
            "inconclusivo",
        ],
    ),
    (
        Category::Unproven,
        "fr",
        &[
            "non prouvé",
            "invérifiable",
            "non vérifié",
            "infondé",
            "sans preuve",
        ],
    ),
    (
        Category::Unproven,
        "de",
        &[
            "unbelegt",
            "nicht belegt",
            "unbewiesen",
            "nicht nachweisbar",
        ],
    ),
    (
        Category::Unproven,
        "hi",
        &["अप्रमाणित", "असत्यापित", "पुष्टि नहीं"],
    ),
    (
        Category::Satire,
        "en",
        &[
            "satire",
            "satirical",
            "labeled satire",
            "parody",
            "sarcastic",
            "originated as satire",
        ],
    ),
    (Category::Satire, "ar", &["ساخر", "ساخرة", "سخرية"]),
    (
        Category::Satire,
        "es",
        &["sátira", "satírico", "satírica", "parodia"],
    ),
    (
        Category::Satire,
        "pt",
        &["sátira", "satírico", "satírica", "paródia"],
    ),
    (Category::Satire, "fr", &["satire", "satirique", "parodie"]),
    (Category::Satire, "de", &["satire", "satirisch", "parodie"]),
    (Category::Satire, "hi", &["व्यंग्य", "व्यंग्यात्मक"]),
    (
        Category::Altered,
        "en",
        &[
            "altered",
            "manipulated",
            "doctored",
            "edited",
            "altered image",
            "altered video",
            "altered photo",
            "digitally altered",
            "deepfake",
            "ai generated",
            "ai-generated",
            "fake image",
            "fake video",
        ],
    ),
    (
        Category::Altered,
        "ar",
        &[
            "معدل",
            "معدلة",
            "مفبرك",
            "مفبركة",
            "محرف",
            "محرفة",
            "وليدة ذكاء اصطناعي",
            "مولد بالذكاء الاصطناعي",
            "مولدة بالذكاء الاصطناعي",
        ],
    ),
    (
        Category::Altered,
        "es",
        &[
            "alterado",
            "alterada",
            "manipulado",
            "manipulada",
            "trucado",
            "editado",
        ],
    ),
    (
        Category::Altered,
        "pt",
        &[
            "alterado",
            "alterada",
            "manipulado",
            "manipulada",
            "adulterado",
            "editado",
            "montagem",
        ],
    ),
    (
        Category::Altered,
        "fr",
        &["altéré", "manipulé", "truqué", "retouché", "montage"],
    ),
    (
        Category::Altered,
        "de",
        &["manipuliert", "verändert", "bearbeitet", "gefälscht"],
    ),
    (
        Category::Altered,
        "hi",
        &["छेड़छाड़", "छेड़छाड़ की गई", "संपादित", "एडिटेड"],
    ),
    (
        Category::Misattributed,
        "en",
        &[
            "misattributed",
            "wrongly attributed",
            "false attribution",
            "fake quote",
        ],
    ),
    (Category::Misattributed, "ar", &["منسوب خطأ", "نسب خاطئ"]),
    (
        Category::Misattributed,
        "es",
        &["atribución falsa", "cita falsa", "falsamente atribuido"],
    ),
    (
        Category::Misattributed,
        "pt",
        &["atribuição falsa", "falsamente atribuído", "citação falsa"],
    ),
    (
        Category::Misattributed,
        "fr",
        &[
            "fausse citation",
            "citation inventée",
            "attribution erronée",
        ],
    ),
    (
        Category::Misattributed,
        "de",
        &["falsch zugeordnet", "falsches zitat"],
    ),
    (Category::Misattributed, "hi", &["गलत तरीके से जोड़ा गया"]),
    // Turkish (Teyit, Doğruluk Payı).
    (Category::False, "tr", &["yanlış", "asılsız", "sahte"]),
    (
        Category::Misleading,
        "tr",
        &["yanıltıcı", "bağlamından koparılmış", "çoğunlukla yanlış"],
    ),
    (
        Category::PartlyTrue,
        "tr",
        &["kısmen doğru", "kısmen yanlış", "yarı doğru"],
    ),
    (
        Category::MostlyTrue,
        "tr",
        &["çoğunlukla doğru", "büyük ölçüde doğru"],
    ),
    (Category::True, "tr", &["doğru"]),
    (
        Category::Unproven,
        "tr",
        &["kanıtlanamadı", "doğrulanamadı", "belirsiz", "kanıtsız"],
    ),
    (Category::Satire, "tr", &["hiciv", "satir", "mizah"]),
    (
        Category::Altered,
        "tr",
        &["manipüle", "değiştirilmiş", "montaj", "düzenlenmiş"],
    ),
    (
        Category::Misattributed,
        "tr",
        &["yanlış atıf", "uydurma alıntı"],
    ),
    // Greek (Ellinika Hoaxes, AFP Greek).
    (
        Category::False,
        "el",
        &["ψευδές", "ψευδής", "ψέμα", "λάθος", "ανακριβές"],
    ),
    (
        Category::Misleading,
        "el",
        &["παραπλανητικό", "παραπλανητική", "εκτός πλαισίου"],
    ),
    (
        Category::PartlyTrue,
        "el",
        &["εν μέρει αληθές", "μερικώς αληθές", "μισή αλήθεια"],
    ),
    (Category::MostlyTrue, "el", &["κυρίως αληθές"]),
    (
        Category::True,
        "el",
        &["αληθές", "αληθής", "αλήθεια", "σωστό"],
    ),
    (
        Category::Unproven,
        "el",
        &["αναπόδεικτο", "ανεπιβεβαίωτο", "αβάσιμο"],
    ),
    (Category::Satire, "el", &["σάτιρα", "σατιρικό"]),
    (
        Category::Altered,
        "el",
        &["αλλοιωμένο", "αλλοιωμένη", "επεξεργασμένο", "πειραγμένο"],
    ),
    (
        Category::Misattributed,
        "el",
        &["ψευδής απόδοση", "ψευδές απόσπασμα"],
    ),
    // Croatian and Bosnian (Faktograf, Raskrinkavanje), Serbian in Latin
    // and Cyrillic letters (Istinomer, Raskrikavanje).
    (
        Category::False,
        "hr",
        &["netočno", "lažno", "neistina", "netačno", "izmišljeno"],
    ),
    (
        Category::Misleading,
        "hr",
        &[
            "obmanjujuće",
            "manipulativno",
            "izvan konteksta",
            "pristrasno",
            "spin",
        ],
    ),
    (
        Category::PartlyTrue,
        "hr",
        &[
            "djelomično točno",
            "djelomično netočno",
            "djelimično tačno",
            "poluistina",
        ],
    ),
    (
        Category::MostlyTrue,
        "hr",
        &["uglavnom točno", "uglavnom tačno"],
    ),
    (Category::True, "hr", &["točno", "istina", "tačno"]),
    (
        Category::Unproven,
        "hr",
        &[
            "neprovjereno",
            "nedokazano",
            "neutemeljeno",
            "neprovjerljivo",
        ],
    ),
    (Category::Satire, "hr", &["satira"]),
    (
        Category::Altered,
        "hr",
        &["manipulirano", "izmijenjeno", "fotomontaža"],
    ),
    (
        Category::Misattributed,
        "hr",
        &["lažni citat", "pogrešno pripisano"],
    ),
    (
        Category::False,
        "sr",
        &["нетачно", "лажно", "неистина", "lažna vest", "lažne vesti"],
    ),
    (
        Category::Misleading,
        "sr",
        &[
            "обмањујуће",
            "манипулативно",
            "ван контекста",
            "obmanjujuće naslov",
        ],
    ),
    (
        Category::PartlyTrue,
        "sr",
        &["делимично тачно", "delimično tačno", "полуистина"],
    ),
    (
        Category::MostlyTrue,
        "sr",
        &["углавном тачно", "uglavnom istinito"],
    ),
    (Category::True, "sr", &["тачно", "истина", "istinito"]),
    (
        Category::Unproven,
        "sr",
        &[
            "непроверено",
            "недоказано",
            "neproverljivo",
            "nedokazano tvrđenje",
        ],
    ),
    (Category::Satire, "sr", &["сатира"]),
    (
        Category::Altered,
        "sr",
        &["манипулисано", "фотомонтажа", "montirano"],
    ),
    (
        Category::Misattributed,
        "sr",
        &["лажни цитат", "pogrešno pripisan citat"],
    ),
    // Chinese, simplified and traditional (Taiwan FactCheck Center,
    // MyGoPen, AFP Chinese).
    (
        Category::False,
        "zh",
        &[
            "错误",
            "錯誤",
            "虚假",
            "虛假",
            "假",
            "谣言",
            "謠言",
            "假消息",
        ],
    ),
    (
        Category::Misleading,
        "zh",
        &[
            "误导",
            "誤導",
            "断章取义",
            "斷章取義",
            "缺乏背景",
            "易生誤解",
            "容易误解",
        ],
    ),
    (
        Category::PartlyTrue,
        "zh",
        &["部分错误", "部分錯誤", "部分正确", "部分正確", "半真半假"],
    ),
    (
        Category::MostlyTrue,
        "zh",
        &["大致正确", "大致正確", "基本属实", "基本屬實"],
    ),
    (
        Category::True,
        "zh",
        &["正确", "正確", "真实", "真實", "属实", "屬實"],
    ),
    (
        Category::Unproven,
        "zh",
        &[
            "未经证实",
            "未經證實",
            "无法证实",
            "無法證實",
            "证据不足",
            "證據不足",
        ],
    ),
    (Category::Satire, "zh", &["讽刺", "諷刺", "恶搞", "惡搞"]),
    (
        Category::Altered,
        "zh",
        &[
            "篡改",
            "竄改",
            "变造",
            "變造",
            "合成",
            "经过修改",
            "經過修改",
        ],
    ),
    (
        Category::Misattributed,
        "zh",
        &["张冠李戴", "張冠李戴", "移花接木"],
    ),
    // Indonesian (Tempo Cek Fakta, Mafindo, Kompas).
    (
        Category::False,
        "id",
        &["salah", "keliru", "hoaks", "hoax palsu", "tidak benar"],
    ),
    (
        Category::Misleading,
        "id",
        &[
            "menyesatkan",
            "konteks keliru",
            "konteks yang salah",
            "sebagian besar keliru",
        ],
    ),
    (
        Category::PartlyTrue,
        "id",
        &["sebagian benar", "sebagian salah", "setengah benar"],
    ),
    (Category::MostlyTrue, "id", &["sebagian besar benar"]),
    (Category::True, "id", &["benar", "fakta"]),
    (
        Category::Unproven,
        "id",
        &[
            "tidak terbukti",
            "belum terbukti",
            "tidak dapat diverifikasi",
        ],
    ),
    (
        Category::Satire,
        "id",
        &["satir", "parodi", "satire atau parodi"],
    ),
    (
        Category::Altered,
        "id",
        &[
            "konten yang dimanipulasi",
            "dimanipulasi",
            "rekayasa",
            "suntingan",
        ],
    ),
    (
        Category::Misattributed,
        "id",
        &["konten tiruan", "kutipan palsu"],
    ),
    // Russian and Ukrainian (StopFake, VoxCheck, Provereno).
    (
        Category::False,
        "ru",
        &["ложь", "неправда", "фейк", "ложно", "неверно"],
    ),
    (
        Category::Misleading,
        "ru",
        &[
            "манипуляция",
            "вводит в заблуждение",
            "вырвано из контекста",
            "скорее неправда",
        ],
    ),
    (
        Category::PartlyTrue,
        "ru",
        &["полуправда", "частично правда", "частично верно"],
    ),
    (
        Category::MostlyTrue,
        "ru",
        &["скорее правда", "в основном правда"],
    ),
    (Category::True, "ru", &["правда", "верно"]),
    (
        Category::Unproven,
        "ru",
        &[
            "не доказано",
            "недостаточно доказательств",
            "нельзя проверить",
        ],
    ),
    (Category::Satire, "ru", &["сатира", "пародия"]),
    (
        Category::Altered,
        "ru",
        &["фотомонтаж", "смонтировано", "отредактировано"],
    ),
    (
        Category::Misattributed,
        "ru",
        &["фейковая цитата", "ложная цитата"],
    ),
    (
        Category::False,
        "uk",
        &["брехня", "фейк", "неправдиво", "неправда"],
    ),
    (
        Category::Misleading,
        "uk",
        &["маніпуляція", "вводить в оману", "поза контекстом"],
    ),
    (
        Category::PartlyTrue,
        "uk",
        &["напівправда", "частково правда"],
    ),
    (Category::MostlyTrue, "uk", &["переважно правда"]),
    (Category::True, "uk", &["правда", "правдиво"]),
    (
        Category::Unproven,
        "uk",
        &["не доведено", "недостатньо доказів", "неможливо перевірити"],
    ),
    (Category::Satire, "uk", &["сатира", "пародія"]),
    (
        Category::Altered,
        "uk",
        &["змонтовано", "фотомонтаж", "відредаговано"],
    ),
    (
        Category::Misattributed,
        "uk",
        &["фейкова цитата", "неправдива цитата"],
    ),
    // Italian (Pagella Politica, Facta, Open).
    (
        Category::False,
        "it",
        &[
            "falso",
            "falsa",
            "bufala",
            "notizia falsa",
            "pinocchio andante",
        ],
    ),
    (
        Category::Misleading,
        "it",
        &[
            "fuorviante",
            "decontestualizzato",
            "senza contesto",
            "contesto mancante",
        ],
    ),
    (
        Category::PartlyTrue,
        "it",
        &[
            "parzialmente vero",
            "parzialmente falso",
            "mezza verità",
            "nì",
        ],
    ),
    (Category::MostlyTrue, "it", &["c'eri quasi", "quasi vero"]),
    (Category::True, "it", &["vero", "vera"]),
    (
        Category::Unproven,
        "it",
        &[
            "non dimostrato",
            "non verificabile",
            "senza prove",
            "infondato",
        ],
    ),
    (Category::Satire, "it", &["satira", "satirico", "parodia"]),
    (
        Category::Altered,
        "it",
        &[
            "manipolato",
            "manipolata",
            "alterato",
            "alterata",
            "fotomontaggio",
        ],
    ),
    (
        Category::Misattributed,
        "it",
        &[
            "citazione falsa",
            "attribuzione errata",
            "falsamente attribuito",
        ],
    ),
    // Polish (Demagog, Konkret24).
    (Category::False, "pl", &["fałsz", "nieprawda", "fake news"]),
    (
        Category::Misleading,
        "pl",
        &["manipulacja", "wprowadza w błąd", "bez kontekstu"],
    ),
    (
        Category::PartlyTrue,
        "pl",
        &[
            "częściowa prawda",
            "częściowo prawda",
            "częściowo prawdziwe",
        ],
    ),
    (Category::MostlyTrue, "pl", &["w większości prawda"]),
    (Category::True, "pl", &["prawda", "prawdziwe"]),
    (
        Category::Unproven,
        "pl",
        &[
            "nieweryfikowalne",
            "niepotwierdzone",
            "nie do zweryfikowania",
        ],
    ),
    (Category::Satire, "pl", &["satyra", "parodia satyryczna"]),
    (
        Category::Altered,
        "pl",
        &["zmanipulowane", "przerobione", "fotomontaż"],
    ),
    (
        Category::Misattributed,
        "pl",
        &["fałszywy cytat", "błędnie przypisane"],
    ),
    // Danish (TjekDet, Mediemøllen).
    (Category::False, "da", &["falsk", "forkert", "usandt"]),
    (
        Category::Misleading,
        "da",
        &["vildledende", "misvisende", "manglende kontekst"],
    ),
    (
        Category::PartlyTrue,
        "da",
        &["delvist sandt", "delvis sandt", "delvist forkert"],
    ),
    (Category::True, "da", &["sandt", "korrekt"]),
    (Category::Unproven, "da", &["udokumenteret", "ubekræftet"]),
    (Category::Altered, "da", &["manipuleret", "redigeret"]),
];

/// The form words are compared in: [`crate::fold::words`] (case, Arabic
/// marks and letter forms, the Devanagari nukta, punctuation and spacing
/// do not matter), with the Turkish dotless ı read as i (case folding
/// makes YANLIŞ `yanliş`, so the table's `yanlış` must meet it there).
pub fn normalize(text: &str) -> String {
    let folded = crate::fold::words(text);
    if folded.contains('ı') {
        folded.replace('ı', "i")
    } else {
        folded
    }
}

fn index() -> &'static HashMap<String, Category> {
    static INDEX: OnceLock<HashMap<String, Category>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::new();
        for (category, _, words) in WORDS {
            for w in *words {
                // A word in two categories would be a defect of the table;
                // the test `no_word_is_in_two_categories` keeps it out.
                m.entry(normalize(w)).or_insert(*category);
            }
        }
        m
    })
}

/// Marks that end a rating's leading phrase (`False. The photo …`).
const PHRASE_ENDS: [char; 21] = [
    '.', ':', ';', '!', '?', '(', '[', ',', '–', '—', '|', '؛', '،', '।', '。', '，', '：', '；',
    '！', '？', '\n',
];

/// Openings that introduce a verdict ("This is false", "The claim is
/// False", "User's claim is false"), dropped before the table is asked.
const LEAD_INS: [&str; 12] = [
    "this is",
    "this claim is",
    "the claim is",
    "claim is",
    "user's claim is",
    "users claim is",
    "the post is",
    "it is",
    "rating",
    "our rating",
    "verdict",
    "we rate this claim",
];

/// Words after which a sentence states its verdict: "… found that it is
/// misleading", "… اتضح أنه زائف".
const CUES: [&str; 14] = [
    "is",
    "was",
    "are",
    "as",
    "انه",
    "انها",
    "بانه",
    "بانها",
    "الادعاء",
    "الخبر",
    "ist",
    "est",
    "es",
    "é",
];

/// Phrases that say a quote was never said by whom it is put on: a
/// sentence-style rating with one of them is `misattributed`.
const NEVER_SAID: [&str; 16] = [
    "never said",
    "did not say",
    "didn't say",
    "didnt say",
    "never wrote",
    "did not write",
    "never made this statement",
    "not said by",
    "nunca dijo",
    "nunca disse",
    "jamais dit",
    "n'a jamais dit",
    "nie gesagt",
    "لم يقل",
    "لم تقل",
    "never tweeted",
];

/// The category of a textual rating, tried in this order:
/// 1. the whole text;
/// 2. the phrase before its first punctuation mark (`False. The photo …`,
///    `Misleading: …`, `خبر كاذب - …`);
/// 3. that phrase without an opening that introduces a verdict ("This is
///    false", "The claim is False");
/// 4. a sentence saying a quote was never said ("She never said this. …")
///    is misattributed;
/// 5. the first table phrase (of one to three words) right after a word
///    that introduces a verdict ("… found that it is misleading", "اتضح
///    أنه زائف");
/// 6. a short rating that starts with "not" ("Not NHS Sign") is false.
///
/// `None` when none of these finds a category.
pub fn from_words(text: &str) -> Option<Category> {
    let index = index();
    let whole = normalize(text);
    if let Some(c) = index.get(&whole) {
        return Some(*c);
    }
    let head = text.replace(" - ", "|");
    let head = normalize(head.split(PHRASE_ENDS).next().unwrap_or_default());
    if let Some(c) = index.get(&head) {
        return Some(*c);
    }
    for lead in LEAD_INS {
        let lead = normalize(lead);
        if let Some(rest) = head.strip_prefix(&lead).and_then(|r| r.strip_prefix(' ')) {
            if let Some(c) = index.get(rest) {
                return Some(*c);
            }
        }
    }
    let spaced = format!(" {whole} ");
    if NEVER_SAID
        .iter()
        .any(|p| spaced.contains(&format!(" {} ", normalize(p))))
    {
        return Some(Category::Misattributed);
    }
    let words: Vec<&str> = whole.split(' ').collect();
    for (i, w) in words.iter().enumerate() {
        if !CUES.contains(w) {
            continue;
        }
        for len in (1..=3).rev() {
            if let Some(phrase) = words.get(i + 1..i + 1 + len) {
                if let Some(c) = index.get(&phrase.join(" ")) {
                    return Some(*c);
                }
            }
        }
    }
    if words.len() <= 4 && words.first() == Some(&"not") {
        return Some(Category::False);
    }
    None
}

/// A numeric rating's place on isnad's five-step scale (false,
/// mostly-false, mixed, mostly-true, true), by its position between
/// `worst` and `best` (which may run either way). `None` when the value is
/// not between them or they are equal.
pub fn from_value(value: f64, worst: f64, best: f64) -> Option<Rating> {
    let x = (value - worst) / (best - worst);
    if !x.is_finite() || !(0.0..=1.0).contains(&x) {
        return None;
    }
    // x is in [0, 1], so the step is 0-4.
    let step = (x * 4.0).round() as u8;
    Some(match step {
        0 => Rating::False,
        1 => Rating::MostlyFalse,
        2 => Rating::Mixed,
        3 => Rating::MostlyTrue,
        _ => Rating::True,
    })
}

/// How an isnad rating is published in a ClaimReview: its `ratingValue`
/// on the 1-5 scale (none for ratings that are not a degree of truth) and
/// its `alternateName`. Every `alternateName` maps back to the same
/// rating through [`from_words`].
pub fn to_claimreview(rating: Rating) -> (Option<u8>, &'static str) {
    match rating {
        Rating::False => (Some(1), "False"),
        Rating::MostlyFalse => (Some(2), "Mostly false"),
        Rating::Mixed => (Some(3), "Mixed"),
        Rating::MostlyTrue => (Some(4), "Mostly true"),
        Rating::True => (Some(5), "True"),
        Rating::Unverifiable => (None, "Unverifiable"),
        Rating::Misattributed => (None, "Misattributed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_word_is_in_two_categories() {
        let mut seen: HashMap<String, (Category, &str)> = HashMap::new();
        for (category, lang, words) in WORDS {
            for w in *words {
                if let Some((other, other_lang)) = seen.insert(normalize(w), (*category, lang)) {
                    assert_eq!(
                        other, *category,
                        "`{w}` ({lang}) is also {other:?} ({other_lang})"
                    );
                }
            }
        }
    }

    #[test]
    fn every_required_language_has_every_required_category() {
        let required = [
            Category::False,
            Category::Misleading,
            Category::PartlyTrue,
            Category::True,
            Category::Unproven,
            Category::Satire,
            Category::Altered,
        ];
        for lang in [
            "en", "ar", "es", "pt", "fr", "de", "hi", "tr", "el", "hr", "sr", "zh", "id", "ru",
            "uk", "it", "pl",
        ] {
            for c in required {
                assert!(
                    WORDS
                        .iter()
                        .any(|(cc, l, w)| *cc == c && *l == lang && !w.is_empty()),
                    "no {lang} words for {c:?}"
                );
            }
        }
    }

    #[test]
    fn every_word_maps_to_its_category() {
        for (category, lang, words) in WORDS {
            for w in *words {
                assert_eq!(from_words(w), Some(*category), "`{w}` ({lang})");
                // Case, spacing and trailing punctuation do not matter.
                let shouted = format!("  {}!! ", w.to_uppercase());
                assert_eq!(from_words(&shouted), Some(*category), "`{shouted}`");
            }
        }
    }

    #[test]
    fn published_spellings_match() {
        let cases = [
            ("Pants on Fire!", Rating::False),
            ("FALSO", Rating::False),
            ("Mostly-False", Rating::MostlyFalse),
            ("False. The photo was taken in 2019.", Rating::False),
            ("Misleading: the figure is from 2015", Rating::MostlyFalse),
            ("Half True", Rating::Mixed),
            ("Engañoso", Rating::MostlyFalse),
            ("Enganoso", Rating::MostlyFalse),
            // A decomposed á (a + U+0301) is the same word.
            ("Sa\u{301}tira", Rating::False),
            ("غير صحيح", Rating::False),
            ("صحيحٌ", Rating::True),
            ("مُضلّل", Rating::MostlyFalse),
            ("صحيح جزئيا", Rating::Mixed),
            ("गलत", Rating::False),
            ("ग़लत", Rating::False),
            ("फर्जी", Rating::False),
            ("Irreführend", Rating::MostlyFalse),
            ("À moitié vrai", Rating::Mixed),
            ("Não comprovado", Rating::Unverifiable),
            ("Misattributed", Rating::Misattributed),
            // Sentence-style ratings.
            ("This is false", Rating::False),
            (
                "This is misleading. While there were …",
                Rating::MostlyFalse,
            ),
            ("The claim is False", Rating::False),
            ("User's claim is false", Rating::False),
            (
                "She never said this. The quote comes from a parody account.",
                Rating::Misattributed,
            ),
            (
                "تحقق يوب يوب من الادعاء ووجد أنه مضلل إذ أن موقع",
                Rating::MostlyFalse,
            ),
            ("خبر كاذب - حتى وقت كتابة هذا التقرير", Rating::False),
            (
                "اتضح لأنير أن هذا الادعاء مضلل، حيث قام فريقنا",
                Rating::MostlyFalse,
            ),
            ("Not NHS Sign", Rating::False),
            ("YANLIŞ", Rating::False),
            ("Kısmen doğru", Rating::Mixed),
            ("錯誤", Rating::False),
            ("部分错误", Rating::Mixed),
            ("Pants on fire", Rating::False),
            ("Exaggerates", Rating::MostlyFalse),
            ("Not quite", Rating::MostlyFalse),
            ("No evidence", Rating::Unverifiable),
            ("Missing context", Rating::MostlyFalse),
            ("Satire", Rating::False),
            ("Really false", Rating::False),
        ];
        for (text, rating) in cases {
            assert_eq!(
                from_words(text).map(Category::rating),
                Some(rating),
                "`{text}`"
            );
        }
        for unknown in [
            "Blue",
            "",
            "   ",
            "True but misleading",
            "42",
            "Not a rating at all, a long sentence",
        ] {
            assert_eq!(from_words(unknown), None, "`{unknown}`");
        }
    }

    #[test]
    fn numbers_map_by_position_either_way_round() {
        assert_eq!(from_value(1.0, 1.0, 5.0), Some(Rating::False));
        assert_eq!(from_value(2.0, 1.0, 5.0), Some(Rating::MostlyFalse));
        assert_eq!(from_value(3.0, 1.0, 5.0), Some(Rating::Mixed));
        assert_eq!(from_value(4.0, 1.0, 5.0), Some(Rating::MostlyTrue));
        assert_eq!(from_value(5.0, 1.0, 5.0), Some(Rating::True));
        assert_eq!(from_value(0.0, 0.0, 10.0), Some(Rating::False));
        assert_eq!(from_value(7.0, 0.0, 10.0), Some(Rating::MostlyTrue));
        // A scale where 1 is best.
        assert_eq!(from_value(1.0, 6.0, 1.0), Some(Rating::True));
        assert_eq!(from_value(6.0, 6.0, 1.0), Some(Rating::False));
        for (v, w, b) in [
            (0.0, 1.0, 5.0),
            (6.0, 1.0, 5.0),
            (3.0, 3.0, 3.0),
            (f64::NAN, 1.0, 5.0),
        ] {
            assert_eq!(from_value(v, w, b), None, "{v} in {w}..{b}");
        }
    }

    #[test]
    fn published_ratings_read_back_as_themselves() {
        for r in Rating::ALL {
            let (value, words) = to_claimreview(r);
            assert_eq!(from_words(words).map(Category::rating), Some(r), "{words}");
            if let Some(v) = value {
                assert_eq!(from_value(f64::from(v), 1.0, 5.0), Some(r));
            }
        }
    }
}
