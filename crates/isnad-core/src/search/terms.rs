//! Text to search terms: [`crate::fold::words`] (case, compatibility
//! forms, Arabic marks and letter variants, punctuation as a separator),
//! split into words, each Arabic word lightly stemmed ([`stem_arabic`]),
//! each word of Latin letters stripped of a plural or verb ending
//! ([`stem_latin`]).
//!
//! The same function makes the terms of what is indexed and of what is
//! asked, so a query matches whatever folds and stems alike.

/// The terms of `text`, in order, repeats kept.
pub fn terms(text: &str) -> Vec<String> {
    crate::fold::words(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if is_arabic(w) {
                stem_arabic(w)
            } else {
                stem_latin(w)
            }
        })
        .collect()
}

/// Whether every character of `word` is an Arabic letter or digit.
fn is_arabic(word: &str) -> bool {
    word.chars().all(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// A folded word of ASCII letters without its English endings: first a
/// plural (`es` after s, x, z, ch or sh; else `s`, but not `ss`, `us` or
/// `is`), then `ing` or `ed`, each only when at least four letters remain,
/// so that `training` and `train`, `floods` and `flooded` meet. Other
/// words are kept as they are.
pub fn stem_latin(word: &str) -> String {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    let strip = |w: &str, end: &str| -> Option<usize> {
        (w.len() >= end.len() + 4 && w.ends_with(end)).then(|| w.len() - end.len())
    };
    let mut w = word;
    if let Some(n) = strip(w, "es").filter(|&n| {
        ["s", "x", "z", "ch", "sh"]
            .iter()
            .any(|e| w[..n].ends_with(e))
    }) {
        w = &w[..n];
    } else if let Some(n) =
        strip(w, "s").filter(|_| !["ss", "us", "is"].iter().any(|e| w.ends_with(e)))
    {
        w = &w[..n];
    }
    if let Some(n) = strip(w, "ing").or_else(|| strip(w, "ed")) {
        w = &w[..n];
    }
    w.to_owned()
}

/// Prefixes removed once each, the longest that fits first: the article
/// with the conjunctions and prepositions written joined to it.
const ARTICLES: [&str; 6] = ["وال", "بال", "كال", "فال", "لل", "ال"];

/// Suffixes removed once each, in this order: pronouns and the common
/// plural and dual endings (ة is already ه in the fold).
const SUFFIXES: [&str; 9] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "ا"];

/// The fewest letters a stem keeps.
const MIN_STEM: usize = 2;

/// A light stem of a folded Arabic word: a leading و (and) when three
/// letters remain, then the article (with a joined و, ب, ك, ف or ل), then
/// each of [`SUFFIXES`] in turn, each only when at least [`MIN_STEM`]
/// letters remain. Light stemming joins the forms of a word a reader
/// would call the same (الجيش, والجيش, للجيش, جيشه) without the root
/// analysis that joins different words.
pub fn stem_arabic(word: &str) -> String {
    let mut w: Vec<char> = word.chars().collect();
    if w.len() >= 4 && w[0] == 'و' {
        w.remove(0);
    }
    for p in ARTICLES {
        let p: Vec<char> = p.chars().collect();
        if w.len() >= p.len() + MIN_STEM && w.starts_with(&p) {
            w.drain(..p.len());
            break;
        }
    }
    for s in SUFFIXES {
        let s: Vec<char> = s.chars().collect();
        if w.len() >= s.len() + MIN_STEM && w.ends_with(&s) {
            w.truncate(w.len() - s.len());
        }
    }
    w.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_and_case_separate_and_fold() {
        assert_eq!(
            terms("MiG-29s, the MiG 29!"),
            ["mig", "29s", "the", "mig", "29"]
        );
        assert_eq!(terms("Loyal OFFICERS"), ["loyal", "officer"]);
    }

    #[test]
    fn english_endings_meet() {
        for (a, b) in [
            ("training", "train"),
            ("floods", "flooded"),
            ("crossings", "crossing"),
            ("crosses", "cross"),
        ] {
            assert_eq!(terms(a), terms(b), "{a} {b}");
        }
        // Short words, and those ending as a plural does not, keep theirs.
        assert_eq!(
            terms("gas bus news this crisis"),
            ["gas", "bus", "news", "this", "crisis"]
        );
    }

    #[test]
    fn arabic_forms_of_a_word_meet() {
        let army = terms("الجيش")[0].clone();
        assert_eq!(army, "جيش");
        for form in ["والجيش", "للجيش", "بالجيش", "جيشه", "الْجَيْش"] {
            assert_eq!(terms(form), std::slice::from_ref(&army), "{form}");
        }
        // Alef forms and ta marbuta fold before stemming.
        assert_eq!(terms("أحمد"), terms("احمد"));
        assert_eq!(terms("مدينة"), terms("مدينه"));
        // Short words keep their letters.
        assert_eq!(stem_arabic("في"), "في");
    }
}
