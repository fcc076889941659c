//! Normalised claim text: two reports "with the same normalised text" are
//! the same story.
//!
//! In this order:
//!
//! 1. Unicode NFKC (compatibility forms: full-width letters, ligatures,
//!    Arabic presentation forms become the plain letters);
//! 2. lower case (Unicode `Lowercase_Mapping`, as Rust's `char::to_lowercase`);
//! 3. Arabic: harakat and other marks U+064B–U+065F and the superscript alef
//!    U+0670 are removed, as is the tatweel U+0640; the alef forms أ إ آ ٱ
//!    (U+0623, U+0625, U+0622, U+0671) become the bare alef ا (U+0627);
//! 4. every run of white space (Unicode `White_Space`) becomes one ASCII
//!    space, and leading and trailing white space is removed.
//!
//! The [`TextKey`] of a text is SHA-256 over the UTF-8 bytes of its
//! normalised form, so the state keeps 32 bytes per claim instead of the
//! text. The mappings follow the Unicode version of the toolchain and of the
//! `unicode-normalization` crate, which only grow: text written with
//! characters assigned long ago normalises the same everywhere.

use sha2::{Digest, Sha256};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// SHA-256 of a normalised text: equal keys, same story.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TextKey(pub [u8; 32]);

/// The normalised form of `text`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// Writes the normalised form of `text` into `out` (cleared first), so that
/// a caller folding many claims can reuse one buffer.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    // Fast paths, same result. ASCII text is its own NFKC form, and its
    // lower case and white space are ASCII too.
    if text.is_ascii() {
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
    // NFKC changes nothing in text the quick check passes (most Arabic and
    // Latin text).
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold_into(text.chars(), out);
    } else {
        fold_into(text.nfkc(), out);
    }
}

/// Steps 2-4 over NFKC characters.
fn fold_into(chars: impl Iterator<Item = char>, out: &mut String) {
    // A space is owed when white space was seen after some other text.
    let mut pending_space = false;
    for c in chars.flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let Some(c) = fold_arabic(c) else { continue };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
}

/// The key of `text`, using `buf` as scratch space.
pub fn text_key_with(text: &str, buf: &mut String) -> TextKey {
    normalize_into(text, buf);
    TextKey(Sha256::digest(buf.as_bytes()).into())
}

/// The key of `text`.
pub fn text_key(text: &str) -> TextKey {
    text_key_with(text, &mut String::new())
}

/// Arabic folding: `None` drops the character.
fn fold_arabic(c: char) -> Option<char> {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => None,
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Some('\u{0627}'),
        _ => Some(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_case_width_and_space() {
        assert_eq!(
            normalize("  Haftar   SENT\tofficers\n"),
            "haftar sent officers"
        );
        // Full-width letters and the "fi" ligature are compatibility forms.
        assert_eq!(normalize("Ｈａｆｔａｒ ﬁghters"), "haftar fighters");
        assert_eq!(
            text_key("MiG-29s  in Russia"),
            text_key("mig-29s in russia")
        );
        assert_ne!(text_key("MiG-29s in Russia"), text_key("MiG-29 in Russia"));
    }

    #[test]
    fn arabic_diacritics_tatweel_and_alef() {
        // With harakat and a tatweel, and without.
        assert_eq!(normalize("أَرْسَلَ حفـــتر"), "ارسل حفتر");
        // Alef forms: hamza above, hamza below, madda, wasla.
        assert_eq!(normalize("أ إ آ ٱ ا"), "ا ا ا ا ا");
        // Superscript alef (in هٰذا) goes.
        assert_eq!(normalize("هٰذا"), "هذا");
        // Decomposed alef + madda composes under NFKC, then folds.
        assert_eq!(normalize("\u{0627}\u{0653}"), "\u{0627}");
        // Presentation forms become the letters (lam-alef ligature).
        assert_eq!(normalize("\u{FEFB}"), "\u{0644}\u{0627}");
        // The demo's claim 2, vocalised and stretched, is the same story.
        let plain = "أرسل حفتر وفدا من الضباط إلى روسيا";
        let marked = "أَرْسَلَ حَفْتَر وَفْدًا مِنَ الضُّبّاط  إِلى روسـيا";
        assert_eq!(text_key(plain), text_key(marked));
    }

    // The ASCII fast path agrees with the general one.
    #[test]
    fn ascii_fast_path_is_the_general_path() {
        let all: String = (0u8..128).map(char::from).collect();
        for text in [all.as_str(), " A\u{b}B\u{1c}C\tD ", "MiG-29s", "  "] {
            let mut general = String::new();
            fold_into(text.nfkc(), &mut general);
            assert_eq!(normalize(text), general, "{text:?}");
        }
    }

    #[test]
    fn white_space_only_between_words() {
        assert_eq!(normalize(" \u{00A0}a\u{2003}b "), "a b");
        assert_eq!(normalize("\u{064E}"), "");
    }
}
