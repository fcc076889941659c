//! The one fold of text for comparing words, whatever compares them:
//! claims into stories (scoring), the server's claim search, and the
//! verdict words of imported fact-checks.
//!
//! Every fold goes, in this order, through:
//!
//! 1. Unicode NFKC (compatibility forms: full-width letters, ligatures,
//!    Arabic presentation forms become the plain letters);
//! 2. lower case (Unicode `Lowercase_Mapping`, as Rust's `char::to_lowercase`);
//! 3. Arabic ([`arabic`]): harakat and other marks U+064B–U+065F, the
//!    superscript alef U+0670 and the tatweel U+0640 are removed; the alef
//!    forms أ إ آ ٱ (U+0623, U+0625, U+0622, U+0671) become the bare alef
//!    ا (U+0627); with [`Letters::All`], ة (ta marbuta) also becomes ه and
//!    ى (alef maqsura) becomes ي;
//! 4. spacing: runs of white space become one ASCII space, trimmed.
//!
//! Two folds are built from these steps:
//!
//! - [`story`]: the text two reports must share to be one story, and what
//!   the claim search matches. It is part of the state root (a different
//!   fold joins different claims into stories, which changes their counts),
//!   so it is specified in `docs/SCORING.md` and never changes: it keeps
//!   [`Letters::Story`], and nothing else.
//! - [`words`]: verdict words (`docs/INTEROP.md`), where more spellings of
//!   the same word may match without changing anything signed or scored:
//!   [`Letters::All`], ß as ss, the Devanagari nukta removed, and
//!   punctuation separating words like white space.
//!
//! The mappings follow the Unicode version of the toolchain and of the
//! `unicode-normalization` crate, which only grow: text written with
//! characters assigned long ago folds the same everywhere.

use unicode_normalization::{IsNormalized, UnicodeNormalization as _, is_nfkc_quick};

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

/// Step 3 for one lower-case character: `None` drops it.
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
        story_steps(text.chars(), out);
    } else {
        story_steps(text.nfkc(), out);
    }
}

/// Steps 2-4 of the story fold over NFKC characters.
fn story_steps(chars: impl Iterator<Item = char>, out: &mut String) {
    // A space is owed when white space was seen after some other text.
    let mut pending_space = false;
    for c in chars.flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let Some(c) = arabic(c, Letters::Story) else {
            continue;
        };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
}

/// The words fold of `text` (see the module documentation): letters,
/// digits and combining marks make words; anything else separates them.
pub fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    // Lower case, with ß as ss (its upper case), so GRÖSSTENTEILS matches.
    let lower: String = text.nfkc().flat_map(char::to_lowercase).collect();
    for c in lower.replace('ß', "ss").chars() {
        // The Devanagari nukta goes (NFKC splits the nukta letters into
        // letter + U+093C).
        if c == '\u{093C}' {
            continue;
        }
        let Some(c) = arabic(c, Letters::All) else {
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
        }
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

    // The ASCII fast path agrees with the general one.
    #[test]
    fn ascii_fast_path_is_the_general_path() {
        let all: String = (0u8..128).map(char::from).collect();
        for text in [all.as_str(), " A\u{b}B\u{1c}C\tD ", "MiG-29s", "  "] {
            let mut general = String::new();
            story_steps(text.nfkc(), &mut general);
            assert_eq!(story(text), general, "{text:?}");
        }
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
}
