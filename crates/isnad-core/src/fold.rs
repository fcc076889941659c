//! The one fold of text for comparing words, whatever compares them:
//! claims into stories (scoring), claim search (`crate::search`), and the
//! verdict words of imported fact-checks.
//!
//! Every fold goes, in this order, through:
//!
//! 1. caseless form ([`caseless`]): Unicode's default compatibility
//!    caseless matching (Unicode §3.13, definition D146), that is NFD, full
//!    case folding, NFKD, full case folding again and NFKD, followed by NFC
//!    so that the next step sees composed letters. Full case folding is
//!    `CaseFolding.txt` with statuses C and F and without the Turkic T
//!    mappings: Σ, σ and ς all become σ; ß and ẞ become ss; the Kelvin sign
//!    becomes k; lower-case Cherokee becomes upper case; I becomes i, İ
//!    becomes i followed by U+0307, and ı stays ı. The compatibility
//!    decompositions make full-width letters, ligatures (ﬁ) and Arabic
//!    presentation forms the plain letters. Marks are kept: Οδός and οδος,
//!    or é and e, stay apart (only step 2 drops marks, Arabic ones). NFC is
//!    one-to-one on NFKD text, so two texts have the same caseless form
//!    exactly when D146 says they match;
//! 2. Arabic ([`arabic`]): harakat and other marks U+064B–U+065F, the
//!    superscript alef U+0670 and the tatweel U+0640 are removed; the alef
//!    forms أ إ آ ٱ (U+0623, U+0625, U+0622, U+0671) become the bare alef
//!    ا (U+0627); with [`Letters::All`], ة (ta marbuta) also becomes ه and
//!    ى (alef maqsura) becomes ي;
//! 3. spacing: runs of white space (Unicode `White_Space`) become one ASCII
//!    space, trimmed;
//! 4. NFC again, when step 2 (or, in [`words`], the nukta or a separator)
//!    changed something: a mark that a removed character had kept apart
//!    from its letter composes with it now, so that the fold of a fold is
//!    the fold.
//!
//! Two folds are built from these steps:
//!
//! - [`story`]: the text two reports must share to be one story. It is
//!   part of the state root (a different
//!   fold joins different claims into stories, which changes their counts),
//!   so it is specified in `docs/SCORING.md` and changes only with it: it
//!   keeps [`Letters::Story`], and nothing else.
//! - [`words`]: verdict words (`docs/INTEROP.md`), where more spellings of
//!   the same word may match without changing anything signed or scored:
//!   [`Letters::All`], the Devanagari nukta removed, and punctuation
//!   separating words like white space. Search terms start from it.
//!
//! Case folding follows the `CaseFolding.txt` of the `caseless` crate
//! (Unicode 16.0), normalisation the tables of the `unicode-normalization`
//! crate, and white space and letters those of the Rust standard library.
//! Unicode keeps the case folding and the normalisation of assigned
//! characters stable, so text written with characters assigned by Unicode
//! 16.0 folds the same with any later version.

use caseless::Caseless as _;
use unicode_normalization::{IsNormalized, UnicodeNormalization as _, is_nfc, is_nfkc_quick};

/// Which Arabic letters [`arabic`] folds, besides marks, tatweel and the
/// alef forms, which it always folds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Letters {
    /// No others: the story fold, which the state root depends on.
    Story,
    /// Also ة to ه and ى to ي, letters writers interchange at the end of a
    /// word.
    All,
}

/// Step 1: the characters of the default compatibility caseless form of
/// `text` (D146), composed by NFC. NFKC of the second case folding is the
/// NFC of its NFKD, as D146 ends.
pub fn caseless(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .nfd()
        .default_case_fold()
        .nfkd()
        .default_case_fold()
        .nfkc()
}

/// Step 2 for one character of the caseless form: `None` drops it.
pub fn arabic(c: char, letters: Letters) -> Option<char> {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => None,
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Some('\u{0627}'),
        '\u{0629}' if letters == Letters::All => Some('\u{0647}'),
        '\u{0649}' if letters == Letters::All => Some('\u{064A}'),
        _ => Some(c),
    }
}

/// The story fold of `text` (see the module documentation).
pub fn story(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    story_into(text, &mut out);
    out
}

/// Writes the story fold of `text` into `out` (cleared first), so that a
/// caller folding many claims can reuse one buffer.
pub fn story_into(text: &str, out: &mut String) {
    out.clear();
    // Fast paths, same result. ASCII text is its own NFKD form, its case
    // folding is its lower case, and its white space is ASCII too.
    if text.is_ascii() {
        // Unicode White_Space in ASCII is TAB, LF, VT, FF, CR and SPACE;
        // `split_ascii_whitespace` knows all of them but VT, and copying
        // whole words is much faster than pushing bytes one by one.
        if !text.as_bytes().contains(&0x0B) {
            for word in text.split_ascii_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
            out.make_ascii_lowercase();
            return;
        }
        let mut pending_space = false;
        for b in text.bytes() {
            // Unicode White_Space in ASCII: TAB, LF, VT, FF, CR and SPACE.
            if matches!(b, b'\t'..=b'\r' | b' ') {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(char::from(b.to_ascii_lowercase()));
        }
        return;
    }
    if arabic_quick(text, out) {
        return;
    }
    out.clear();
    // In NFKC text of ASCII, Arabic and punctuation (most claims), step 1
    // is lower-casing the ASCII capitals.
    if text.chars().all(plain) && is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        story_steps(text.chars().map(|c| c.to_ascii_lowercase()), out);
    } else {
        story_steps(caseless(text), out);
    }
}

/// ASCII, the Arabic block and general punctuation: case folding changes
/// only the ASCII capitals among them, to their lower case, and none of
/// them or of their canonical decompositions composes with an ASCII
/// letter. So if `text` is NFKC and made of these, its NFD is its NFKD,
/// and step 1 gives back `text` with the ASCII capitals lower-cased.
fn plain(c: char) -> bool {
    matches!(c, '\0'..='\u{7F}' | '\u{0600}'..='\u{06FF}' | '\u{2000}'..='\u{206F}')
}

/// The story fold of text made only of ASCII, the Arabic letters, marks,
/// digits and punctuation below, and quotation marks and dashes, in one
/// pass without tables; `false` (with `out` part-written) when `text` has
/// anything else.
///
/// Why it is the general fold: none of these characters has a
/// compatibility decomposition or a case but the ASCII capitals. The only
/// canonical decompositions among them are the letters with hamza or
/// madda (U+0622-U+0626), which NFC composes back whatever marks follow
/// them, because the marks taken here either sort before the hamza or
/// madda (a lower combining class, which does not block) or after it (the
/// same class keeps its order). The marks that compose (U+0653-U+0655) are
/// left to the general path, since they may make a letter that step 2
/// keeps (waw with hamza). Every mark taken here is removed by step 2, so
/// what is left is letters of combining class 0 that compose with nothing
/// here, and step 4 has nothing to do.
fn arabic_quick(text: &str, out: &mut String) -> bool {
    let mut pending_space = false;
    for c in text.chars() {
        let folded = match c {
            // Unicode White_Space in ASCII: TAB, LF, VT, FF, CR and SPACE.
            '\t'..='\r' | ' ' => {
                pending_space = !out.is_empty();
                continue;
            }
            '\0'..='\u{7F}' => c.to_ascii_lowercase(),
            '\u{064B}'..='\u{0652}' | '\u{0656}'..='\u{065F}' | '\u{0640}' => continue,
            '\u{0622}' | '\u{0623}' | '\u{0625}' => '\u{0627}',
            '\u{060C}'
            | '\u{061B}'
            | '\u{061F}'
            | '\u{0621}'..='\u{063A}'
            | '\u{0641}'..='\u{064A}'
            | '\u{0660}'..='\u{066D}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201C}'
            | '\u{201D}' => c,
            _ => return false,
        };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(folded);
    }
    true
}

/// Steps 2-4 of the story fold over the caseless form.
fn story_steps(chars: impl Iterator<Item = char>, out: &mut String) {
    // A space is owed when white space was seen after some other text.
    let mut pending_space = false;
    let mut changed = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let folded = arabic(c, Letters::Story);
        changed |= folded != Some(c);
        let Some(c) = folded else {
            continue;
        };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    if changed {
        compose(out);
    }
}

/// Step 4: NFC of `out`, in place.
fn compose(out: &mut String) {
    if !is_nfc(out) {
        let composed: String = out.nfc().collect();
        out.clear();
        out.push_str(&composed);
    }
}

/// The words fold of `text` (see the module documentation): letters,
/// digits and combining marks make words; anything else separates them.
pub fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut changed = false;
    for c in caseless(text) {
        // The Devanagari nukta goes (the decompositions split the nukta
        // letters into letter + U+093C, and NFC leaves those apart).
        let folded = match c {
            '\u{093C}' => None,
            _ => arabic(c, Letters::All),
        };
        changed |= folded != Some(c);
        let Some(c) = folded else {
            continue;
        };
        if c.is_alphanumeric() || is_mark(c) {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
            changed = true;
        }
    }
    if changed {
        compose(&mut out);
    }
    out
}

/// Combining marks of the scripts of the verdict words (Devanagari signs,
/// Arabic marks not folded away), which `is_alphanumeric` does not count.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}' | '\u{0962}'..='\u{0963}' | '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The story fold without its fast paths.
    fn general(text: &str) -> String {
        let mut out = String::new();
        story_steps(caseless(text), &mut out);
        out
    }

    // The ASCII fast path agrees with the general one.
    #[test]
    fn ascii_fast_path_is_the_general_path() {
        let all: String = (0u8..128).map(char::from).collect();
        for text in [
            all.as_str(),
            " A\u{b}B\u{1c}C\tD ",
            " A\tB\nC\u{c}D\rE  F\u{1f}G ",
            "MiG-29s",
            "  ",
        ] {
            assert_eq!(story(text), general(text), "{text:?}");
        }
    }

    proptest! {
        // Both ASCII fast paths (with and without a vertical tab), on any
        // ASCII text.
        #[test]
        fn any_ascii_text_folds_as_the_general_path(text in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(story(&text), general(&text));
        }
    }

    // So does the path for plain NFKC text, on each of its characters
    // alone, and after a capital, an alef and a space.
    #[test]
    fn plain_fast_path_is_the_general_path() {
        let plain = ('\0'..='\u{7F}')
            .chain('\u{0600}'..='\u{06FF}')
            .chain('\u{2000}'..='\u{206F}');
        for c in plain {
            for text in [
                format!("{c}"),
                format!("A{c}"),
                format!("\u{0627}{c}"),
                format!(" {c} "),
                format!("“{c}A"),
            ] {
                assert_eq!(story(&text), general(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn full_case_folding() {
        // Final sigma: one story whatever the case; the tonos stays.
        assert_eq!(story("ΟΔΟΣ"), "οδοσ");
        assert_eq!(story("οδος"), "οδοσ");
        assert_eq!(story("Οδός"), "οδόσ");
        assert_ne!(story("Οδός"), story("ΟΔΟΣ"));
        // Sharp s, small and capital, is ss.
        assert_eq!(story("Straße"), "strasse");
        assert_eq!(story("STRASSE"), "strasse");
        assert_eq!(story("STRAẞE"), "strasse");
        // Ligatures and the Kelvin sign.
        assert_eq!(story("ﬁ ﬂ ﬀ"), story("fi fl ff"));
        assert_eq!(story("\u{212A}"), "k");
        assert_eq!(story("5 \u{212A}"), story("5 K"));
        // Cherokee folds to its upper case: ᏣᎳᎩ and its lower case.
        assert_eq!(
            story("\u{13E3}\u{13B3}\u{13A9}"),
            "\u{13E3}\u{13B3}\u{13A9}"
        );
        assert_eq!(
            story("\u{ABB3}\u{AB83}\u{AB79}"),
            "\u{13E3}\u{13B3}\u{13A9}"
        );
        // No Turkic mappings: I is i, İ is i with a combining dot above, and
        // the dotless ı is a letter of its own.
        assert_eq!(story("ISTANBUL"), "istanbul");
        assert_eq!(story("İstanbul"), "i\u{0307}stanbul");
        assert_ne!(story("ıstanbul"), story("istanbul"));
        // Greek iota subscript, long s and a title-case digraph.
        assert_eq!(story("ᾼ"), story("αι"));
        assert_eq!(story("ſ"), "s");
        assert_eq!(story("ǅ"), story("DŽ"));
        // Accents stay, composed or not.
        assert_eq!(story("É"), "é");
        assert_eq!(story("E\u{0301}"), "é");
        assert_ne!(story("é"), story("e"));
    }

    #[test]
    fn words_fold_case_fully_too() {
        assert_eq!(words("ΟΔΟΣ"), words("οδος"));
        assert_eq!(words("STRASSE"), words("Straße"));
        assert_eq!(words("ﬁ"), "fi");
        assert_eq!(words("FALSCH!"), "falsch");
    }

    // The two folds agree on the letters they share; the story fold keeps
    // ta marbuta and alef maqsura apart (the state root depends on it),
    // the words fold does not.
    #[test]
    fn words_fold_the_story_letters_and_more() {
        for text in ["أَرْسَلَ حفـــتر", "أ إ آ ٱ ا", "هٰذا", "\u{FEFB}"] {
            assert_eq!(words(text), story(text), "{text:?}");
        }
        assert_eq!(story("مضللة على"), "مضللة على");
        assert_eq!(words("مضللة على"), "مضلله علي");
        assert_eq!(words("ٱلمضللة"), words("المضلله"));
        assert_eq!(
            words("GRÖSSTENTEILS falsch!"),
            words("größtenteils  falsch")
        );
        assert_eq!(words("ग़लत"), words("गलत"));
        assert_eq!(words("False. (Satire)"), "false satire");
    }

    // A removed Arabic mark no longer keeps an accent from its letter, so
    // folding the fold changes nothing.
    #[test]
    fn a_removed_mark_lets_the_next_compose() {
        assert_eq!(story("e\u{0653}\u{0301}"), "é");
        assert_eq!(words("e\u{0653}\u{0301}"), "é");
        // The alef forms still fold, composed or not.
        assert_eq!(story("\u{0627}\u{0653} \u{0627}\u{0654}\u{064E}"), "ا ا");
    }

    /// Characters for the properties: blocks assigned long ago (Latin,
    /// Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Georgian,
    /// Cherokee, punctuation and letter-like symbols, Glagolitic, Coptic,
    /// kana, Hangul, presentation and full-width forms, Deseret,
    /// mathematical letters), combining marks and white space. Their case
    /// mappings are the same in the case folding table and in the standard
    /// library, whichever Unicode version each has, which is not so for
    /// characters assigned after the table's version. Left out: the
    /// Turkic dotless ı, whose upper case is I, whose fold is i (no Turkic
    /// mappings), while ı folds to itself; and the Greek iota subscript
    /// U+0345 and the letters it is part of (ᾳ, ᾂ, ...): it is a mark, and
    /// its upper case a letter, Ι, so upper case changes how the marks
    /// around it sort: ᾂ + U+0301 folds to ἂ, U+0301, ι but its upper case
    /// to ἂ, ί (the accent lands on the iota).
    fn old_char() -> impl Strategy<Value = char> {
        prop_oneof![
            proptest::char::range('\0', '\u{052F}'),
            proptest::char::range('\u{0530}', '\u{06FF}'),
            proptest::char::range('\u{0900}', '\u{097F}'),
            proptest::char::range('\u{10A0}', '\u{10FF}'),
            proptest::char::range('\u{13A0}', '\u{13FF}'),
            proptest::char::range('\u{1E00}', '\u{1FFF}'),
            proptest::char::range('\u{2000}', '\u{218F}'),
            proptest::char::range('\u{2460}', '\u{24FF}'),
            proptest::char::range('\u{2C00}', '\u{2D2F}'),
            proptest::char::range('\u{3000}', '\u{30FF}'),
            proptest::char::range('\u{AB70}', '\u{ABBF}'),
            proptest::char::range('\u{AC00}', '\u{D7A3}'),
            proptest::char::range('\u{FB00}', '\u{FFEF}'),
            proptest::char::range('\u{10400}', '\u{1044F}'),
            proptest::char::range('\u{1D400}', '\u{1D7FF}'),
            Just('\u{0653}'),
            Just('\u{0301}'),
            Just(' '),
        ]
        .prop_filter("the dotless i and the iota subscript", |&c| {
            c != '\u{0131}' && !c.to_string().nfd().any(|d| d == '\u{0345}')
        })
    }

    fn old_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(old_char(), 0..24).prop_map(|v| v.into_iter().collect())
    }

    /// Text of the characters the plain fast path takes.
    fn plain_text() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            proptest::char::range('\0', '\u{7F}'),
            proptest::char::range('\u{0600}', '\u{06FF}'),
            proptest::char::range('\u{2000}', '\u{206F}'),
        ];
        proptest::collection::vec(c, 0..24).prop_map(|v| v.into_iter().collect())
    }

    /// Text mostly of what the Arabic fast path takes, with now and then
    /// a composing mark or a character it leaves to the general path.
    fn arabic_text() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            8 => proptest::char::range('\u{0621}', '\u{064A}'),
            4 => proptest::char::range('\u{064B}', '\u{065F}'),
            2 => proptest::char::range('\0', '\u{7F}'),
            2 => Just(' '),
            1 => prop::sample::select(vec!['«', '»', '–', '—', '‘', '’', '“', '”', '…', '\u{a0}']),
            1 => proptest::char::range('\u{0600}', '\u{06FF}'),
            1 => proptest::char::range('\u{0300}', '\u{036F}'),
        ];
        proptest::collection::vec(c, 0..24).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        // The Arabic fast path gives what the general path gives, marks in
        // any order and number included.
        #[test]
        fn arabic_fast_path_is_the_general_path(text in arabic_text()) {
            prop_assert_eq!(story(&text), general(&text));
        }

        // Both folds are idempotent and blind to upper and lower case.
        #[test]
        fn folds_are_idempotent_and_caseless(text in old_text()) {
            for fold in [story, words] {
                let f = fold(&text);
                prop_assert_eq!(&fold(&f), &f, "fold of the fold");
                prop_assert_eq!(&fold(&text.to_uppercase()), &f, "upper case");
                prop_assert_eq!(&fold(&text.to_lowercase()), &f, "lower case");
            }
        }

        // The fast paths give what the general path gives.
        #[test]
        fn fast_paths_are_the_general_path(text in plain_text()) {
            prop_assert_eq!(story(&text), general(&text));
        }
    }

    // Idempotent over the whole code space, one character at a time.
    #[test]
    fn every_character_folds_to_a_fixed_point() {
        for c in '\0'..=char::MAX {
            let text = c.to_string();
            for fold in [story, words] {
                let f = fold(&text);
                assert_eq!(fold(&f), f, "{:04X}", u32::from(c));
            }
        }
    }
}
