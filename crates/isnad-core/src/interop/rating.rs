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
        ],
    ),
    (
        Category::False,
        "ar",
        &["خطأ", "خاطئ", "زائف", "كاذب", "كاذبة", "غير صحيح", "مزيف"],
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
        ],
    ),
    (
        Category::Misleading,
        "ar",
        &["مضلل", "مضللة", "خارج السياق", "مجتزأ"],
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
        ],
    ),
    (
        Category::PartlyTrue,
        "ar",
        &["صحيح جزئياً", "نصف صحيح", "جزئياً صحيح"],
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
        &["mostly true", "mostly correct", "largely accurate"],
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
    (Category::True, "en", &["true", "correct", "accurate"]),
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
        &["satire", "satirical", "labeled satire", "parody"],
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
        ],
    ),
    (
        Category::Altered,
        "ar",
        &["معدل", "معدلة", "مفبرك", "مفبركة", "محرف", "محرفة"],
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
];

/// The form words are compared in: [`crate::fold::words`] (case, Arabic
/// marks and letter forms, the Devanagari nukta, punctuation and spacing
/// do not matter).
pub fn normalize(text: &str) -> String {
    crate::fold::words(text)
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

/// The category of a textual rating: the whole text, or failing that the
/// phrase before its first punctuation mark (`False. The photo …`,
/// `Misleading: …`). `None` when neither is in the table.
pub fn from_words(text: &str) -> Option<Category> {
    let index = index();
    if let Some(c) = index.get(&normalize(text)) {
        return Some(*c);
    }
    let head = text
        .split([
            '.', ':', ';', '!', '?', '(', '[', ',', '–', '—', '|', '؛', '،', '।',
        ])
        .next()
        .unwrap_or_default();
    index.get(&normalize(head)).copied()
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
        for lang in ["en", "ar", "es", "pt", "fr", "de", "hi"] {
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
        ];
        for (text, rating) in cases {
            assert_eq!(
                from_words(text).map(Category::rating),
                Some(rating),
                "`{text}`"
            );
        }
        for unknown in ["Blue", "", "   ", "True but misleading", "42"] {
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
