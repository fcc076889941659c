//! Claimants that name nobody in particular, and platforms that are not
//! sources.
//!
//! Fact-checkers often write who spread a claim as a description, not a
//! name: "Facebook user", "social media users", "Varias fuentes", "مصادر
//! عدة". Such a claimant is an unnamed account (`social-account`) or
//! unnamed sources (`anonymous`), never a `person`. A platform's host
//! ("x.com", "www.facebook.com") says where a post was, not who wrote it:
//! it is never a source's identity.
//!
//! Names are compared after [`crate::fold::words`] (case, Arabic marks and
//! letter forms, spacing do not matter), as a part of the name: "Social
//! Media Users." and "viral Facebook posts" both match.

use std::sync::OnceLock;

use crate::record::SourceKind;

/// Words that make a claimant unnamed sources, by language (BCP-47).
pub const ANONYMOUS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "unknown",
            "unnamed",
            "anonymous",
            "unidentified",
            "multiple sources",
            "several sources",
            "various",
            "multiple people",
            "recipients",
            "residents",
        ],
    ),
    ("ar", &["مصادر", "اطراف عدة", "جهات عدة", "مجهول", "مجهولة"]),
    (
        "es",
        &[
            "varias fuentes",
            "varios",
            "desconocido",
            "fuentes anónimas",
        ],
    ),
    (
        "pt",
        &["várias fontes", "vários", "desconhecido", "fontes anônimas"],
    ),
    (
        "fr",
        &[
            "plusieurs sources",
            "sources multiples",
            "inconnu",
            "anonyme",
        ],
    ),
    ("de", &["mehrere quellen", "unbekannt", "anonym"]),
    ("hi", &["अज्ञात", "कई स्रोत", "विभिन्न स्रोत"]),
    (
        "it",
        &["fonti varie", "varie fonti", "sconosciuto", "anonimo"],
    ),
    ("tr", &["çeşitli kaynaklar", "bilinmeyen", "anonim"]),
    ("el", &["διάφορες πηγές", "άγνωστος", "άγνωστη", "ανώνυμ"]),
    (
        "hr",
        &["razni izvori", "više izvora", "nepoznat", "anonimn"],
    ),
    ("sr", &["разни извори", "непознат", "анонимн"]),
    ("zh", &["多个来源", "多個來源", "不明", "匿名"]),
    ("id", &["berbagai sumber", "tidak diketahui", "anonim"]),
    ("ru", &["различные источники", "неизвестн", "анонимн"]),
    ("uk", &["різні джерела", "невідом", "анонімн"]),
    ("pl", &["różne źródła", "nieznany", "anonimow"]),
];

/// Words that make a claimant unnamed accounts on a platform, by language.
pub const SOCIAL: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "social media",
            "user",
            "users",
            "netizens",
            "viral",
            "posts",
            "facebook",
            "twitter",
            "tiktok",
            "instagram",
            "whatsapp",
            "youtube",
            "telegram",
            "online accounts",
        ],
    ),
    (
        "ar",
        &[
            "منشورات",
            "مواقع التواصل",
            "وسائل التواصل",
            "التواصل الاجتماعي",
            "مستخدم",
            "مستخدمون",
            "مستخدمين",
            "حسابات",
            "صفحات",
            "فيسبوك",
            "فيس بوك",
            "تويتر",
            "واتساب",
            "تيك توك",
        ],
    ),
    (
        "es",
        &[
            "usuarios",
            "redes sociales",
            "publicaciones",
            "cadena de whatsapp",
        ],
    ),
    (
        "pt",
        &["usuários", "redes sociais", "publicações", "postagens"],
    ),
    (
        "fr",
        &[
            "réseaux sociaux",
            "internautes",
            "utilisateurs",
            "publications",
        ],
    ),
    (
        "de",
        &[
            "nutzer",
            "soziale medien",
            "sozialen netzwerken",
            "beiträge",
        ],
    ),
    (
        "hi",
        &["सोशल मीडिया", "यूजर्स", "यूज़र्स", "वायरल", "फेसबुक", "व्हाट्सएप"],
    ),
    ("it", &["utenti", "social network", "post virali"]),
    ("tr", &["sosyal medya", "kullanıcılar", "paylaşımlar"]),
    (
        "el",
        &["χρήστες", "μέσα κοινωνικής δικτύωσης", "αναρτήσεις"],
    ),
    ("hr", &["korisnici", "društvene mreže", "objave"]),
    ("sr", &["корисници", "друштвене мреже", "објаве"]),
    (
        "zh",
        &[
            "网友",
            "網友",
            "社交媒体",
            "社交媒體",
            "社群媒體",
            "脸书",
            "臉書",
            "网传",
            "網傳",
        ],
    ),
    ("id", &["warganet", "pengguna", "media sosial", "unggahan"]),
    (
        "ru",
        &["пользователи", "соцсети", "социальные сети", "публикации"],
    ),
    (
        "uk",
        &["користувачі", "соцмережі", "соціальні мережі", "дописи"],
    ),
    (
        "pl",
        &[
            "użytkownicy",
            "media społecznościowe",
            "internauci",
            "posty",
        ],
    ),
    ("da", &["brugere", "sociale medier"]),
];

/// Words that make an untyped claimant's name an outlet's, by language
/// ("Sky News", "وكالة سبأ نت", "قناة فبراير").
pub const OUTLET: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "news",
            "agency",
            "tv",
            "channel",
            "radio",
            "newspaper",
            "magazine",
            "gazette",
            "press",
        ],
    ),
    (
        "ar",
        &[
            "وكالة",
            "قناة",
            "صحيفة",
            "جريدة",
            "موقع",
            "شبكة",
            "نيوز",
            "الاخبار",
            "اخبار",
            "اذاعة",
            "تلفزيون",
        ],
    ),
    ("fr", &["journal", "chaîne", "agence de presse"]),
    (
        "es",
        &[
            "diario",
            "periódico",
            "canal",
            "agencia de noticias",
            "noticias",
        ],
    ),
];

/// Words that make a claimant's name a government's ("The Russian and
/// Syrian defense ministries", "وزارة الصحة").
pub const GOVERNMENT: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "ministry",
            "ministries",
            "department of",
            "government",
            "white house",
        ],
    ),
    ("ar", &["وزارة", "الحكومة", "رئاسة"]),
    ("fr", &["ministère", "gouvernement"]),
    ("es", &["ministerio", "gobierno"]),
];

/// Hosts of platforms where anyone posts (a subdomain counts as its
/// platform: `m.facebook.com`).
pub const PLATFORMS: &[&str] = &[
    "facebook.com",
    "fb.com",
    "fb.watch",
    "x.com",
    "twitter.com",
    "t.co",
    "instagram.com",
    "threads.net",
    "tiktok.com",
    "youtube.com",
    "youtu.be",
    "t.me",
    "telegram.me",
    "telegram.org",
    "whatsapp.com",
    "wa.me",
    "reddit.com",
    "vk.com",
    "ok.ru",
    "weibo.com",
    "douyin.com",
    "linkedin.com",
    "snapchat.com",
    "pinterest.com",
    "rumble.com",
    "bitchute.com",
    "truthsocial.com",
    "bsky.app",
    "kwai.com",
];

/// The folded words of one list.
fn folded(list: &[(&str, &[&str])]) -> Vec<String> {
    list.iter()
        .flat_map(|(_, words)| words.iter().map(|w| crate::fold::words(w)))
        .collect()
}

/// The four lists, folded once.
struct Folded {
    anonymous: Vec<String>,
    social: Vec<String>,
    outlet: Vec<String>,
    government: Vec<String>,
}

fn lists() -> &'static Folded {
    static F: OnceLock<Folded> = OnceLock::new();
    F.get_or_init(|| Folded {
        anonymous: folded(ANONYMOUS),
        social: folded(SOCIAL),
        outlet: folded(OUTLET),
        government: folded(GOVERNMENT),
    })
}

/// True when one of `words` stands in the folded `name`.
fn any_in(name: &str, words: &[String]) -> bool {
    words.iter().any(|w| has_word(name, w))
}

/// The kind a name's words say, for an organisation: a government's or an
/// outlet's; `None` when they say neither.
pub fn organisation_kind(name: &str) -> Option<SourceKind> {
    let n = crate::fold::words(name);
    if any_in(&n, &lists().government) {
        Some(SourceKind::Government)
    } else if any_in(&n, &lists().outlet) {
        Some(SourceKind::Outlet)
    } else {
        None
    }
}

/// True when `word` stands in `name` as whole words (Latin, Cyrillic and
/// Greek words end at a non-letter; other scripts match anywhere).
fn has_word(name: &str, word: &str) -> bool {
    let cased = word
        .chars()
        .any(|c| c.is_ascii_alphabetic() || matches!(c, '\u{0370}'..='\u{04FF}'));
    name.match_indices(word).any(|(at, _)| {
        if !cased {
            return true;
        }
        let before = name[..at].chars().next_back();
        let after = name[at + word.len()..].chars().next();
        // A stem ("неизвестн") may go on into its endings.
        let open_end = !word.ends_with(|c: char| c.is_ascii_alphabetic());
        !before.is_some_and(char::is_alphanumeric)
            && (open_end || !after.is_some_and(char::is_alphanumeric))
    })
}

/// The kind of a generic claimant, `None` for a name.
pub fn kind(name: &str) -> Option<SourceKind> {
    let n = crate::fold::words(name);
    if any_in(&n, &lists().anonymous) {
        Some(SourceKind::Anonymous)
    } else if any_in(&n, &lists().social) {
        Some(SourceKind::SocialAccount)
    } else {
        None
    }
}

/// True for a platform's host or one of its subdomains.
pub fn is_platform(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    PLATFORMS
        .iter()
        .any(|p| h == *p || h.strip_suffix(p).is_some_and(|rest| rest.ends_with('.')))
}

/// The platform host a claimant's name is (`www.facebook.com`,
/// `https://x.com/`), without `www.`; `None` for any other name.
pub fn platform_host(name: &str) -> Option<String> {
    let n = name.trim().to_ascii_lowercase();
    let n = n
        .strip_prefix("https://")
        .or_else(|| n.strip_prefix("http://"))
        .unwrap_or(&n);
    let host = n.split('/').next().unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty() && !host.contains(char::is_whitespace) && is_platform(host))
        .then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_claimants_in_every_language() {
        for (list, want) in [
            (ANONYMOUS, SourceKind::Anonymous),
            (SOCIAL, SourceKind::SocialAccount),
        ] {
            for (lang, words) in list {
                for w in *words {
                    assert_eq!(kind(w), Some(want), "`{w}` ({lang})");
                }
            }
        }
        for (name, want) in [
            ("Facebook user", SourceKind::SocialAccount),
            ("Social media users.", SourceKind::SocialAccount),
            ("Viral Social Media Post", SourceKind::SocialAccount),
            ("Varias fuentes", SourceKind::Anonymous),
            ("مصادر عدّة", SourceKind::Anonymous),
            ("أطراف عدة", SourceKind::Anonymous),
            ("منشورات الفيسبوك", SourceKind::SocialAccount),
            ("Réseaux sociaux", SourceKind::SocialAccount),
        ] {
            assert_eq!(kind(name), Some(want), "{name}");
        }
        for name in [
            "Hakeem Jeffries",
            "The Washington Post",
            "Paresh Rawal",
            "Userlandia Times",
        ] {
            assert_eq!(kind(name), None, "{name}");
        }
        for (name, want) in [
            ("سكاي نيوز", Some(SourceKind::Outlet)),
            ("وكالة سبأ نت", Some(SourceKind::Outlet)),
            (
                "The Russian and Syrian defense ministries",
                Some(SourceKind::Government),
            ),
            ("Newsome Smith", None),
            ("Hakeem Jeffries", None),
        ] {
            assert_eq!(organisation_kind(name), want, "{name}");
        }
    }

    #[test]
    fn platform_hosts() {
        assert_eq!(
            platform_host("www.facebook.com").as_deref(),
            Some("facebook.com")
        );
        assert_eq!(platform_host("x.com").as_deref(), Some("x.com"));
        assert_eq!(
            platform_host("https://m.facebook.com/page").as_deref(),
            Some("m.facebook.com")
        );
        assert_eq!(platform_host("MexaT4u.com"), None);
        assert_eq!(platform_host("box.com"), None);
        assert!(is_platform("m.facebook.com"));
        assert!(!is_platform("notfacebook.com"));
    }
}
