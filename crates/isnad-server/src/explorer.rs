//! The web explorer: a single page served by the same process as the API.
//!
//! Three files, compiled into the binary: `index.html`, `app.js` and
//! `app.css` (in `assets/`). They are plain HTML, JavaScript and CSS with
//! no build step and nothing loaded from other sites: the page reads the
//! JSON API of this server (`/v1/…`, `/checkpoint`) and draws everything
//! itself, attribution chains and score histories as inline SVG.
//!
//! These routes are pages, not API: they are not in [`crate::API`] nor
//! in the OpenAPI document, and what they return is not a contract.
//!
//! Every response carries a strict content security policy
//! ([`CONTENT_SECURITY_POLICY`]): scripts, styles, images and requests only
//! from this origin, no inline script or style, no frames, no plugins. The
//! script writes all data into the page as text nodes (as `textContent`
//! does) and attribute values, never as markup, so a claim's text or a
//! source's name cannot become HTML.
//!
//! The explorer's pages (hash routes, so one document serves them all):
//! `#/` (search, the latest checkpoint, ranked sources, checkers),
//! `#/search?q=…`, `#/claim/<id>`, `#/source/<slug>`, `#/checkers`,
//! `#/checker/<id>` and `#/workbench`, where a writer loads their own key
//! file (kept in the page, or, if they ask, as a non-extractable key in the
//! browser's IndexedDB; never sent) and signs entries in the browser,
//! posting them to `POST /v1/entries` like any other client.
//! `docs/EXPLORER.md` describes them.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The page.
pub const INDEX_HTML: &str = include_str!("../assets/index.html");
/// The script.
pub const APP_JS: &str = include_str!("../assets/app.js");
/// The style sheet.
pub const APP_CSS: &str = include_str!("../assets/app.css");

/// The policy every explorer response carries: everything from this
/// origin only, nothing inline, no framing, no plugins, forms posted
/// nowhere else.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The explorer's paths, each with its content type.
pub const PAGES: &[(&str, &str)] = &[
    ("/", "text/html; charset=utf-8"),
    ("/assets/app.js", "text/javascript; charset=utf-8"),
    ("/assets/app.css", "text/css; charset=utf-8"),
];

/// The explorer's routes, to merge into the application.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
}

/// `GET /`: the page.
pub async fn index() -> Response {
    asset(PAGES[0].1, INDEX_HTML)
}

/// `GET /assets/app.js`.
pub async fn app_js() -> Response {
    asset(PAGES[1].1, APP_JS)
}

/// `GET /assets/app.css`.
pub async fn app_css() -> Response {
    asset(PAGES[2].1, APP_CSS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The files change only with the binary; revalidate rather than keep
    // a stale script after an upgrade.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(r: Response) -> String {
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn header_of(r: &Response, name: header::HeaderName) -> &str {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    #[tokio::test]
    async fn assets_are_served_with_their_types_and_the_policy() {
        for (r, ct, text) in [
            (index().await, PAGES[0].1, INDEX_HTML),
            (app_js().await, PAGES[1].1, APP_JS),
            (app_css().await, PAGES[2].1, APP_CSS),
        ] {
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(header_of(&r, header::CONTENT_TYPE), ct);
            assert_eq!(
                header_of(&r, header::CONTENT_SECURITY_POLICY),
                CONTENT_SECURITY_POLICY
            );
            assert_eq!(header_of(&r, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
            assert_eq!(body(r).await, text);
        }
    }

    #[test]
    fn the_policy_allows_this_origin_only() {
        assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'self';"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
        assert!(!CONTENT_SECURITY_POLICY.contains("http"));
        assert!(!CONTENT_SECURITY_POLICY.contains('*'));
    }

    #[test]
    fn the_page_loads_only_its_own_files() {
        assert!(INDEX_HTML.contains(r#"<script src="/assets/app.js" defer></script>"#));
        assert!(INDEX_HTML.contains(r#"<link rel="stylesheet" href="/assets/app.css">"#));
        // No inline script or style for the policy to refuse, and nothing
        // from another site.
        assert_eq!(INDEX_HTML.matches("<script").count(), 1);
        assert!(!INDEX_HTML.contains("<style") && !INDEX_HTML.contains("style="));
        for text in [INDEX_HTML, APP_JS, APP_CSS] {
            assert!(!text.contains("//cdn"), "a CDN");
            assert!(!text.contains("@import"), "an imported style sheet");
            assert!(!text.contains("url(http"), "a remote style resource");
        }
        assert!(!APP_CSS.contains("url("), "the style sheet loads nothing");
    }

    #[test]
    fn the_script_writes_data_as_text_only() {
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "setAttribute('style'",
        ] {
            assert!(!APP_JS.contains(sink), "app.js uses {sink}");
        }
        // Strings become text nodes (what assigning `textContent` makes).
        assert!(APP_JS.contains("document.createTextNode(String(child))"));
    }

    #[test]
    fn the_workbench_keeps_the_key_in_the_page() {
        // The signing key is imported non-extractable; the page posts
        // nothing but signed entries and the text of a claim to match, to
        // this origin, through one function, and stores nothing but the
        // public keys a reader checks proofs with, for the tab's session,
        // and, when the writer asks, the non-extractable key itself.
        assert!(APP_JS.contains("importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign'])"));
        assert_eq!(APP_JS.matches("method: 'POST'").count(), 1);
        assert_eq!(APP_JS.matches("post('").count(), 2);
        assert!(APP_JS.contains("post('/v1/entries', leaf)"));
        assert!(APP_JS.contains("post('/v1/match', JSON.stringify({ text, limit: 5 }))"));
        for store in ["localStorage", "document.cookie"] {
            assert!(!APP_JS.contains(store), "app.js uses {store}");
        }
        let session = APP_JS.matches("sessionStorage").count();
        let proof_settings = ["getItem", "setItem", "removeItem"]
            .iter()
            .map(|op| {
                APP_JS
                    .matches(&format!("sessionStorage.{op}(PROOF_CHECK_STORE"))
                    .count()
            })
            .sum::<usize>();
        assert_eq!(
            session, proof_settings,
            "sessionStorage beyond the proof check's keys"
        );
        // What is stored there: the reader's verifier keys and quorum.
        assert!(APP_JS.contains(
            "sessionStorage.setItem(PROOF_CHECK_STORE, JSON.stringify(await readProofSettings(form)))"
        ));
        assert!(INDEX_HTML.contains(r##"href="#/workbench""##));
    }

    #[test]
    fn the_workbench_keeps_only_the_non_extractable_key_and_only_when_asked() {
        // IndexedDB is opened in one place, for the kept-key store, and
        // used through it for one record: put (the non-extractable
        // CryptoKey, its verifier key string and holder; never the file
        // or the seed), get and delete.
        assert_eq!(APP_JS.matches("indexedDB").count(), 1);
        assert!(APP_JS.contains("const open = indexedDB.open(KEEP_DB, 1);"));
        assert!(APP_JS.contains("const KEEP_DB = 'isnad-workbench';"));
        assert!(APP_JS.contains("const KEEP_STORE = 'kept-key';"));
        assert_eq!(APP_JS.matches("keptKeyStore(").count(), 4);
        for call in [
            "store.put({ vkey: key.vkey, holder, privateKey: key.privateKey }, KEEP_ID)",
            "store.get(KEEP_ID)",
            "store.delete(KEEP_ID)",
        ] {
            assert_eq!(APP_JS.matches(call).count(), 1, "{call}");
        }
        assert_eq!(APP_JS.matches("store.").count(), 3);
        // Only a non-extractable key is kept, and one read back must be
        // non-extractable too.
        assert!(APP_JS.contains("if (key.privateKey.extractable) throw"));
        assert!(APP_JS.contains("k.extractable ||"));
        // Kept only from the opt-in button, which says what it means.
        assert_eq!(APP_JS.matches("await keepKey(").count(), 1);
        assert!(APP_JS.contains("'Keep this key in this browser'"));
        assert!(APP_JS.contains("'Forget the kept key'"));
        assert!(APP_JS.contains("can still sign with it while it is kept"));
    }
}
