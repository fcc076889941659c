//! Normalised claim text: two reports "with the same normalised text" are
//! the same story. The normalised text is [`crate::fold::story`]: Unicode's
//! default compatibility caseless form, then the Arabic folds and white
//! space (the steps are listed there and in `docs/SCORING.md`).
//!
//! The [`TextKey`] of a text is SHA-256 over the UTF-8 bytes of its
//! normalised form, so the state keeps 32 bytes per claim instead of the
//! text.

use sha2::{Digest, Sha256};

pub use crate::fold::story as normalize;
use crate::fold::story_into;

/// SHA-256 of a normalised text: equal keys, same story.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TextKey(pub [u8; 32]);

/// The key of `text`, using `buf` as scratch space.
pub fn text_key_with(text: &str, buf: &mut String) -> TextKey {
    story_into(text, buf);
    TextKey(Sha256::digest(buf.as_bytes()).into())
}

/// The key of `text`.
pub fn text_key(text: &str) -> TextKey {
    text_key_with(text, &mut String::new())
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

    // Full case folding (Unicode's default compatibility caseless
    // matching): texts that differ only by it are one story; accents still
    // make another.
    #[test]
    fn caseless_keys() {
        let same = [
            ("ΟΔΟΣ ΣΤΗ ΜΟΣΧΑ", "οδος στη μοσχα"),
            ("ΟΔΟΣ", "Οδος"),
            ("Straße", "STRASSE"),
            ("ﬁghters", "FIGHTERS"),
            ("300 \u{212A}", "300 k"),
            ("\u{13E3}\u{13B3}\u{13A9}", "\u{ABB3}\u{AB83}\u{AB79}"),
        ];
        for (a, b) in same {
            assert_eq!(text_key(a), text_key(b), "{a:?} and {b:?}");
        }
        assert_eq!(normalize("ΟΔΟΣ"), "οδοσ");
        assert_eq!(normalize("Straße"), "strasse");
        let apart = [("Οδός", "οδος"), ("café", "cafe"), ("ıstanbul", "istanbul")];
        for (a, b) in apart {
            assert_ne!(text_key(a), text_key(b), "{a:?} and {b:?}");
        }
    }

    #[test]
    fn white_space_only_between_words() {
        assert_eq!(normalize(" \u{00A0}a\u{2003}b "), "a b");
        assert_eq!(normalize("\u{064E}"), "");
    }
}
