//! W3C PROV-JSON export of the attribution graph.
//!
//! [`export`] reads a ledger as it stands (after every amendment, through
//! [`ClaimView`] and [`SourceView`]) and returns a [`ProvDocument`], whose
//! serde form is a PROV-JSON document (W3C Member Submission, 2013). The
//! maps are `BTreeMap`s keyed by qualified name, so the same ledger always
//! gives the same bytes.
//!
//! # Namespaces
//!
//! | prefix  | namespace                           | names |
//! |---------|-------------------------------------|-------|
//! | `isnad` | `urn:isnad:vocab:`                  | isnad's attributes and types |
//! | `src`   | `urn:isnad:source:`                 | agents, by source slug (`src:agenzia-nova`) |
//! | `entry` | `urn:isnad:entry:`                  | entities, by claim entry id (`entry:ad8f…`) |
//! | `xsd`   | `http://www.w3.org/2001/XMLSchema#` | datatypes of typed values |
//!
//! # Mapping
//!
//! - **Sources** that stand (are not retracted) become agents `src:<slug>`
//!   with their current (corrected) fields: `prov:label` (name), `prov:type`
//!   `prov:Person` for a person and `prov:Organization` for an outlet,
//!   organisation or government (none for a social account or unnamed
//!   sources), `isnad:kind` (the isnad kind, always), `isnad:url`,
//!   `isnad:language`, `isnad:description`, `isnad:entry` (the source
//!   entry's id) and `isnad:amendedBy` (ids of the corrections applied).
//!   Each affiliation is an `actedOnBehalfOf` with the source as
//!   `prov:delegate` and the institution as `prov:responsible`.
//! - **Claims** that stand become an entity `entry:<id>`, the originator's
//!   statement (`prov:type` `isnad:Claim`): `prov:value` (the text as it
//!   stands, language-tagged), `prov:label` (the text shortened to
//!   [`LABEL_MAX_CHARS`] characters), `isnad:lang`, `isnad:quote`,
//!   `isnad:translation` (language-tagged), `isnad:entry` (the claim entry's
//!   id) and `isnad:amendedBy` (ids of the corrections and re-attributions
//!   applied). It is attributed to the chain's last hop, the originator.
//! - **The appearance** is an entity `entry:<id>/appearance` (`prov:type`
//!   `isnad:Appearance`): `prov:location` (the URL, `xsd:anyURI`),
//!   `isnad:date` (`xsd:date` or `xsd:dateTime`), `isnad:venue`, a
//!   `prov:label` (venue or publisher, and date) and `isnad:entry` (the
//!   claim's id). It is attributed to the chain's first hop, the publisher.
//! - **Each middle hop** of a chain of three or more is an entity
//!   `entry:<id>/hop/<i>` (`prov:type` `isnad:Relay`, `i` its index in the
//!   chain, publisher 0): what that source relayed. It has `isnad:hop` (`i`),
//!   `prov:label` and `isnad:entry` (the claim's id), and is attributed to
//!   the hop's source.
//! - **Derivations** walk the chain from the publisher back to the
//!   originator: the appearance was derived from hop 1's entity, which was
//!   derived from hop 2's, …, and the last from the claim entity; a
//!   one-hop chain's appearance was derived from the claim entity directly.
//!   Each `wasDerivedFrom` has `isnad:relation`, the relation of the hop it
//!   derives from (`reported` for a one-hop chain), and `prov:type`
//!   `prov:Quotation` when that relation is `quoted`, `prov:PrimarySource`
//!   when the used entity is the claim entity, or both, as an array.
//!
//! Relations carry blank-node identifiers named after what they link
//! (`_:attribution/<entity>`, `_:derivation/<generated entity>`,
//! `_:delegation/<delegate>/<responsible>`), so one claim's records keep
//! their names when others are added.
//!
//! Retracted claims and sources are left out. A standing claim or
//! affiliation that names a retracted source still names it (`src:<slug>`
//! in the relation) but the agent is not described. Verdicts, priors,
//! claim-to-claim relations, keys and signatures are not exported: a
//! consumer goes back to the signed records through `isnad:entry`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::attribution::{ClaimView, SourceView};
use crate::error::Error;
use crate::ids::{EntryHash, SourceId};
use crate::record::{HopRelation, Record, SourceKind};
use crate::store::Ledger;

/// The namespace of isnad's own attributes and types (prefix `isnad`).
pub const VOCAB_NS: &str = "urn:isnad:vocab:";
/// The namespace of agents, by source slug (prefix `src`).
pub const SOURCE_NS: &str = "urn:isnad:source:";
/// The namespace of entities, by claim entry id (prefix `entry`).
pub const ENTRY_NS: &str = "urn:isnad:entry:";
/// The XML Schema datatypes namespace (prefix `xsd`).
pub const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema#";

/// The longest `prov:label`, in characters (`…` included).
pub const LABEL_MAX_CHARS: usize = 80;

/// A PROV-JSON document: the attribution graph of a ledger.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvDocument {
    /// The namespaces the qualified names use.
    pub prefix: Prefixes,
    /// Standing sources, by `src:<slug>`.
    #[schemars(extend("propertyNames" = { "pattern": "^src:[a-z0-9][a-z0-9-]{0,63}$" }))]
    pub agent: BTreeMap<String, Agent>,
    /// Standing claims, their appearances and their chains' middle hops, by
    /// `entry:<id>`, `entry:<id>/appearance` and `entry:<id>/hop/<i>`.
    #[schemars(extend("propertyNames" = {
        "pattern": "^entry:[0-9a-f]{64}(/appearance|/hop/[1-9][0-9]*)?$"
    }))]
    pub entity: BTreeMap<String, Entity>,
    /// Who each entity is attributed to, by `_:attribution/<entity>`.
    #[serde(rename = "wasAttributedTo")]
    #[schemars(extend("propertyNames" = {
        "pattern": "^_:attribution/[0-9a-f]{64}(/appearance|/hop/[1-9][0-9]*)?$"
    }))]
    pub was_attributed_to: BTreeMap<String, Attribution>,
    /// Each step of each chain, by `_:derivation/<generated entity>`.
    #[serde(rename = "wasDerivedFrom")]
    #[schemars(extend("propertyNames" = {
        "pattern": "^_:derivation/[0-9a-f]{64}(/appearance|/hop/[1-9][0-9]*)$"
    }))]
    pub was_derived_from: BTreeMap<String, Derivation>,
    /// Affiliations, by `_:delegation/<delegate>/<responsible>`.
    #[serde(rename = "actedOnBehalfOf")]
    #[schemars(extend("propertyNames" = {
        "pattern": "^_:delegation/[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9-]{0,63}$"
    }))]
    pub acted_on_behalf_of: BTreeMap<String, Delegation>,
}

/// The `prefix` map: always these four namespaces.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prefixes {
    /// `urn:isnad:vocab:`.
    #[schemars(extend("const" = VOCAB_NS))]
    pub isnad: &'static str,
    /// `urn:isnad:source:`.
    #[schemars(extend("const" = SOURCE_NS))]
    pub src: &'static str,
    /// `urn:isnad:entry:`.
    #[schemars(extend("const" = ENTRY_NS))]
    pub entry: &'static str,
    /// `http://www.w3.org/2001/XMLSchema#`.
    #[schemars(extend("const" = XSD_NS))]
    pub xsd: &'static str,
}

impl Default for Prefixes {
    fn default() -> Self {
        Prefixes {
            isnad: VOCAB_NS,
            src: SOURCE_NS,
            entry: ENTRY_NS,
            xsd: XSD_NS,
        }
    }
}

/// A source, as a PROV agent.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// The source's name.
    #[serde(rename = "prov:label")]
    pub label: String,
    /// `prov:Person` or `prov:Organization`; absent for a social account or
    /// unnamed sources.
    #[serde(rename = "prov:type", skip_serializing_if = "Option::is_none")]
    pub prov_type: Option<QualifiedName>,
    /// The isnad source kind.
    #[serde(rename = "isnad:kind")]
    pub kind: SourceKind,
    /// Home page or profile.
    #[serde(rename = "isnad:url", skip_serializing_if = "Option::is_none")]
    pub url: Option<AnyUri>,
    /// Main language, a BCP-47 tag.
    #[serde(rename = "isnad:language", skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The editors' short description.
    #[serde(rename = "isnad:description", skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The id of the `source` entry that defined it.
    #[serde(rename = "isnad:entry")]
    pub entry: EntryHash,
    /// The corrections applied, in ledger order.
    #[serde(rename = "isnad:amendedBy", skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1))]
    pub amended_by: Vec<EntryHash>,
}

/// An entity: a claim, its appearance, or what a middle hop relayed.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Entity {
    /// `entry:<id>`.
    Claim(ClaimEntity),
    /// `entry:<id>/appearance`.
    Appearance(AppearanceEntity),
    /// `entry:<id>/hop/<i>`.
    Relay(RelayEntity),
}

/// A claim as it stands: the originator's statement.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimEntity {
    /// `isnad:Claim`.
    #[serde(rename = "prov:type")]
    pub prov_type: QualifiedName,
    /// The text on one line, shortened to 80 characters.
    #[serde(rename = "prov:label")]
    pub label: String,
    /// The text, tagged with its language.
    #[serde(rename = "prov:value")]
    pub value: LangString,
    /// The text's BCP-47 language tag.
    #[serde(rename = "isnad:lang")]
    pub lang: String,
    /// The verbatim words, when the publication quotes them.
    #[serde(rename = "isnad:quote", skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Translations of the text.
    #[serde(rename = "isnad:translation", skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1))]
    pub translations: Vec<LangString>,
    /// The id of the claim entry.
    #[serde(rename = "isnad:entry")]
    pub entry: EntryHash,
    /// The corrections and re-attributions applied, in ledger order.
    #[serde(rename = "isnad:amendedBy", skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1))]
    pub amended_by: Vec<EntryHash>,
}

/// Where and when a claim appeared: the publisher's publication.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppearanceEntity {
    /// `isnad:Appearance`.
    #[serde(rename = "prov:type")]
    pub prov_type: QualifiedName,
    /// Venue (or publisher) and date.
    #[serde(rename = "prov:label")]
    pub label: String,
    /// The publication's URL.
    #[serde(rename = "prov:location", skip_serializing_if = "Option::is_none")]
    pub location: Option<AnyUri>,
    /// Date or UTC time of publication.
    #[serde(rename = "isnad:date")]
    pub date: DateValue,
    /// Where it appeared, in words.
    #[serde(rename = "isnad:venue", skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// The id of the claim entry.
    #[serde(rename = "isnad:entry")]
    pub entry: EntryHash,
}

/// What a middle hop of a chain relayed.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelayEntity {
    /// `isnad:Relay`.
    #[serde(rename = "prov:type")]
    pub prov_type: QualifiedName,
    /// Who relayed it, and the claim's text, shortened.
    #[serde(rename = "prov:label")]
    pub label: String,
    /// The hop's index in the chain (the publisher is 0).
    #[serde(rename = "isnad:hop")]
    #[schemars(range(min = 1))]
    pub hop: u64,
    /// The id of the claim entry.
    #[serde(rename = "isnad:entry")]
    pub entry: EntryHash,
}

/// `wasAttributedTo`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// The entity.
    #[serde(rename = "prov:entity")]
    #[schemars(pattern("^entry:"))]
    pub entity: String,
    /// The source it is attributed to.
    #[serde(rename = "prov:agent")]
    #[schemars(pattern("^src:"))]
    pub agent: String,
}

/// `wasDerivedFrom`: one step of a chain.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Derivation {
    /// The entity nearer the publisher.
    #[serde(rename = "prov:generatedEntity")]
    #[schemars(pattern("^entry:"))]
    pub generated: String,
    /// The entity nearer the originator.
    #[serde(rename = "prov:usedEntity")]
    #[schemars(pattern("^entry:"))]
    pub used: String,
    /// `prov:Quotation`, `prov:PrimarySource`, or both.
    #[serde(rename = "prov:type", skip_serializing_if = "Option::is_none")]
    pub prov_type: Option<DerivationType>,
    /// The relation of the hop derived from.
    #[serde(rename = "isnad:relation")]
    pub relation: HopRelation,
}

/// `actedOnBehalfOf`: an affiliation.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    /// The affiliated source.
    #[serde(rename = "prov:delegate")]
    #[schemars(pattern("^src:"))]
    pub delegate: String,
    /// The source it belongs to or speaks for.
    #[serde(rename = "prov:responsible")]
    #[schemars(pattern("^src:"))]
    pub responsible: String,
}

/// A derivation's `prov:type`: one value, or two as an array.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum DerivationType {
    /// `prov:Quotation` or `prov:PrimarySource`.
    One(QualifiedName),
    /// `prov:Quotation` and `prov:PrimarySource`.
    Both([QualifiedName; 2]),
}

/// A qualified-name value, `{"$": "prov:Person", "type": "xsd:QName"}`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualifiedName {
    /// The name.
    #[serde(rename = "$")]
    pub name: Name,
    /// `xsd:QName`.
    #[serde(rename = "type")]
    pub datatype: QNameType,
}

impl QualifiedName {
    /// The value for `name`.
    pub fn new(name: Name) -> Self {
        QualifiedName {
            name,
            datatype: QNameType::QName,
        }
    }
}

/// The qualified names the export uses as values.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, JsonSchema)]
pub enum Name {
    /// `prov:Person`.
    #[serde(rename = "prov:Person")]
    Person,
    /// `prov:Organization`.
    #[serde(rename = "prov:Organization")]
    Organization,
    /// `prov:Quotation`.
    #[serde(rename = "prov:Quotation")]
    Quotation,
    /// `prov:PrimarySource`.
    #[serde(rename = "prov:PrimarySource")]
    PrimarySource,
    /// `isnad:Claim`: a claim entity.
    #[serde(rename = "isnad:Claim")]
    Claim,
    /// `isnad:Appearance`: an appearance entity.
    #[serde(rename = "isnad:Appearance")]
    Appearance,
    /// `isnad:Relay`: a middle hop's entity.
    #[serde(rename = "isnad:Relay")]
    Relay,
}

/// The datatype of a qualified-name value.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, JsonSchema)]
pub enum QNameType {
    /// `xsd:QName`.
    #[serde(rename = "xsd:QName")]
    QName,
}

/// A URL, `{"$": "https://…", "type": "xsd:anyURI"}`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnyUri {
    /// The URL.
    #[serde(rename = "$")]
    #[schemars(pattern(crate::schema::URL_PATTERN))]
    pub uri: String,
    /// `xsd:anyURI`.
    #[serde(rename = "type")]
    pub datatype: AnyUriType,
}

impl AnyUri {
    /// The value for `uri`.
    pub fn new(uri: &str) -> Self {
        AnyUri {
            uri: uri.to_owned(),
            datatype: AnyUriType::AnyUri,
        }
    }
}

/// The datatype of a URL.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, JsonSchema)]
pub enum AnyUriType {
    /// `xsd:anyURI`.
    #[serde(rename = "xsd:anyURI")]
    AnyUri,
}

/// A date `{"$": "2025-02-18", "type": "xsd:date"}` or a UTC time
/// `{"$": "2025-02-18T09:30:00Z", "type": "xsd:dateTime"}`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateValue {
    /// The date or time, as recorded.
    #[serde(rename = "$")]
    #[schemars(pattern(crate::schema::DATE_PATTERN))]
    pub value: String,
    /// `xsd:date` or `xsd:dateTime`.
    #[serde(rename = "type")]
    pub datatype: DateType,
}

impl DateValue {
    /// The value for a claim's `appeared.date`: `xsd:date` for
    /// `YYYY-MM-DD`, `xsd:dateTime` for a time.
    pub fn new(date: &str) -> Self {
        DateValue {
            value: date.to_owned(),
            datatype: if date.contains('T') {
                DateType::DateTime
            } else {
                DateType::Date
            },
        }
    }
}

/// The datatype of a date.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, JsonSchema)]
pub enum DateType {
    /// `xsd:date`.
    #[serde(rename = "xsd:date")]
    Date,
    /// `xsd:dateTime`.
    #[serde(rename = "xsd:dateTime")]
    DateTime,
}

/// A language-tagged string, `{"$": "…", "lang": "ar"}`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LangString {
    /// The text.
    #[serde(rename = "$")]
    pub text: String,
    /// Its BCP-47 language tag.
    #[schemars(pattern(crate::schema::LANG_PATTERN))]
    pub lang: String,
}

/// The attribution graph of `ledger` as it stands, as a PROV-JSON document
/// (see the module documentation for the mapping). Entries are read in
/// ledger order; the output depends on nothing else.
///
/// # Errors
/// Storage errors, and [`Error::Corrupt`] if the ledger's indexes
/// contradict its entries.
pub fn export(ledger: &Ledger) -> Result<ProvDocument, Error> {
    let mut doc = ProvDocument {
        prefix: Prefixes::default(),
        agent: BTreeMap::new(),
        entity: BTreeMap::new(),
        was_attributed_to: BTreeMap::new(),
        was_derived_from: BTreeMap::new(),
        acted_on_behalf_of: BTreeMap::new(),
    };
    let mut claims = Vec::new();
    for entry in ledger.iter() {
        let entry = entry?;
        match entry.record() {
            Record::Source(s) => {
                let Some(view) = SourceView::load(ledger, &s.id)? else {
                    return Err(Error::Corrupt {
                        reason: format!("source `{}` is not in the source index", s.id),
                    });
                };
                if view.retracted_by.is_none() {
                    add_source(&mut doc, &view);
                }
            }
            Record::Claim(_) => claims.push(entry),
            _ => {}
        }
    }
    // Claims after sources, so that a hop's label can use its source's name.
    for entry in claims {
        let view = ClaimView::load(ledger, entry)?;
        if view.retracted_by.is_none() {
            add_claim(&mut doc, &view);
        }
    }
    Ok(doc)
}

/// The agent's qualified name.
fn agent_name(id: &SourceId) -> String {
    format!("src:{id}")
}

fn add_source(doc: &mut ProvDocument, view: &SourceView) {
    let s = &view.current;
    let prov_type = match s.kind {
        SourceKind::Person => Some(Name::Person),
        SourceKind::Outlet | SourceKind::Organization | SourceKind::Government => {
            Some(Name::Organization)
        }
        SourceKind::SocialAccount | SourceKind::Anonymous => None,
    };
    doc.agent.insert(
        agent_name(&s.id),
        Agent {
            label: s.name.clone(),
            prov_type: prov_type.map(QualifiedName::new),
            kind: s.kind,
            url: s.url.as_deref().map(AnyUri::new),
            language: s.language.clone(),
            description: s.description.clone(),
            entry: view.entry.hash(),
            amended_by: view.amendments.iter().map(|a| a.hash()).collect(),
        },
    );
    for a in &s.affiliations {
        doc.acted_on_behalf_of.insert(
            format!("_:delegation/{}/{a}", s.id),
            Delegation {
                delegate: agent_name(&s.id),
                responsible: agent_name(a),
            },
        );
    }
}

fn add_claim(doc: &mut ProvDocument, view: &ClaimView) {
    let id = view.entry.hash();
    let hex = id.to_hex();
    let claim = &view.current;
    let chain = &claim.chain;
    let (Some(publisher), Some(originator)) = (chain.first(), chain.last()) else {
        // `Record::check` refuses an empty chain: nothing to attribute.
        return;
    };
    // The name a label gives a hop's source: its current name, or its slug
    // when it is not described (retracted).
    let names: Vec<String> = chain
        .iter()
        .map(|h| {
            doc.agent
                .get(&agent_name(&h.source))
                .map_or_else(|| h.source.to_string(), |a| a.label.clone())
        })
        .collect();

    // Entity `k` is what hop `k` passed on: the appearance for the
    // publisher (k = 0), a relay for a middle hop, and the claim entity,
    // the originator's statement, for the last hop (k >= n - 1).
    let n = chain.len();
    let local_of = |k: usize| -> String {
        if k == 0 {
            format!("{hex}/appearance")
        } else if k + 1 >= n {
            hex.clone()
        } else {
            format!("{hex}/hop/{k}")
        }
    };

    doc.entity.insert(
        format!("entry:{hex}"),
        Entity::Claim(ClaimEntity {
            prov_type: QualifiedName::new(Name::Claim),
            label: shorten(&claim.text),
            value: LangString {
                text: claim.text.clone(),
                lang: claim.lang.clone(),
            },
            lang: claim.lang.clone(),
            quote: claim.quote.clone(),
            translations: claim
                .translations
                .iter()
                .map(|t| LangString {
                    text: t.text.clone(),
                    lang: t.lang.clone(),
                })
                .collect(),
            entry: id,
            amended_by: view.amendments.iter().map(|a| a.hash()).collect(),
        }),
    );
    attribute(doc, &hex, &originator.source);

    let appeared = &claim.appeared;
    let appearance = local_of(0);
    let shown_as = appeared
        .venue
        .as_deref()
        .or_else(|| names.first().map(String::as_str))
        .unwrap_or_default();
    doc.entity.insert(
        format!("entry:{appearance}"),
        Entity::Appearance(AppearanceEntity {
            prov_type: QualifiedName::new(Name::Appearance),
            label: shorten(&format!("{shown_as}, {}", appeared.date)),
            location: appeared.url.as_deref().map(AnyUri::new),
            date: DateValue::new(&appeared.date),
            venue: appeared.venue.clone(),
            entry: id,
        }),
    );
    attribute(doc, &appearance, &publisher.source);

    for (k, (hop, name)) in chain.iter().zip(&names).enumerate() {
        if k == 0 || k + 1 >= n {
            continue;
        }
        let local = local_of(k);
        doc.entity.insert(
            format!("entry:{local}"),
            Entity::Relay(RelayEntity {
                prov_type: QualifiedName::new(Name::Relay),
                label: shorten(&format!("relayed by {name}: {}", claim.text)),
                hop: k as u64,
                entry: id,
            }),
        );
        attribute(doc, &local, &hop.source);
    }

    // Entity k was derived from entity k + 1, through hop k + 1's relation;
    // a one-hop chain's appearance from the claim entity, through the
    // publisher's `reported`.
    for k in 0..n.saturating_sub(1).max(1) {
        let Some(hop) = chain.get(k + 1).or(chain.last()) else {
            continue;
        };
        let (generated, used) = (local_of(k), local_of(k + 1));
        let quotation = hop.relation == HopRelation::Quoted;
        let primary = used == hex;
        let prov_type = match (quotation, primary) {
            (true, true) => Some(DerivationType::Both([
                QualifiedName::new(Name::Quotation),
                QualifiedName::new(Name::PrimarySource),
            ])),
            (true, false) => Some(DerivationType::One(QualifiedName::new(Name::Quotation))),
            (false, true) => Some(DerivationType::One(QualifiedName::new(Name::PrimarySource))),
            (false, false) => None,
        };
        doc.was_derived_from.insert(
            format!("_:derivation/{generated}"),
            Derivation {
                generated: format!("entry:{generated}"),
                used: format!("entry:{used}"),
                prov_type,
                relation: hop.relation,
            },
        );
    }
}

/// Attributes entity `entry:<local>` to `source`.
fn attribute(doc: &mut ProvDocument, local: &str, source: &SourceId) {
    doc.was_attributed_to.insert(
        format!("_:attribution/{local}"),
        Attribution {
            entity: format!("entry:{local}"),
            agent: agent_name(source),
        },
    );
}

/// `text` on one line (runs of white space as one space), cut to
/// [`LABEL_MAX_CHARS`] characters with `…` when longer.
fn shorten(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= LABEL_MAX_CHARS {
        return line;
    }
    let mut cut: String = line.chars().take(LABEL_MAX_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::*;
    use crate::{KeyPair, Role, Timestamp};
    use std::path::Path;

    fn hop(source: &str, relation: HopRelation) -> Hop {
        Hop {
            source: source.parse().unwrap(),
            relation,
        }
    }

    fn source(id: &str, name: &str, kind: SourceKind, affiliations: &[&str]) -> SourceBody {
        SourceBody {
            id: id.parse().unwrap(),
            name: name.into(),
            kind,
            url: None,
            language: None,
            affiliations: affiliations.iter().map(|a| a.parse().unwrap()).collect(),
            description: None,
        }
    }

    fn claim(text: &str, chain: Vec<Hop>) -> ClaimBody {
        ClaimBody {
            text: text.into(),
            lang: "en".into(),
            quote: None,
            translations: vec![],
            chain,
            appeared: Appearance {
                date: "2025-02-18".into(),
                url: None,
                venue: None,
            },
        }
    }

    fn amend(target: EntryHash, change: Change) -> Record {
        Record::Amendment(AmendmentBody {
            target,
            change,
            reason: "r".into(),
        })
    }

    /// The claims of the test ledger, by what each tests.
    struct Claims {
        one_hop: EntryHash,
        quoted: EntryHash,
        cited_then_quoted: EntryHash,
        quoted_then_published: EntryHash,
        retracted: EntryHash,
        reattributed: EntryHash,
        reattribution: EntryHash,
        names_gone: EntryHash,
    }

    /// A small ledger: an outlet, a think tank (corrected), a person
    /// affiliated with it, an X account of the person, unnamed sources, a
    /// retracted source; claims with chains of one, two and three hops, one
    /// retracted, one re-attributed, one naming the retracted source.
    /// Deterministic: the same keys and times every time.
    fn build(dir: &Path) -> (Ledger, Claims, EntryHash) {
        let t = Timestamp::parse("2025-02-18T08:00:00Z").unwrap();
        let admin = KeyPair::from_seed("admin", &[1; 32]).unwrap();
        let ed = KeyPair::from_seed("ed", &[2; 32]).unwrap();
        let l = crate::init(dir, &admin, t).unwrap();
        let key = Record::Key(KeyBody {
            key: ed.verifier().to_string(),
            roles: vec![Role::Editor],
            holder: None,
            replaces: None,
            org: None,
        });
        l.append(&admin, key, t).unwrap();
        let add = |r: Record| l.append(&ed, r, t).unwrap().entry().hash();

        add(Record::Source(SourceBody {
            url: Some("https://nova.example/".into()),
            language: Some("it".into()),
            description: Some("A news agency.".into()),
            ..source("nova", "Nova", SourceKind::Outlet, &[])
        }));
        let rusi = source("rusi", "RUSI", SourceKind::Organization, &[]);
        let rusi_entry = add(Record::Source(rusi.clone()));
        let fix = add(amend(
            rusi_entry,
            Change::CorrectSource {
                source: SourceBody {
                    name: "Royal United Services Institute".into(),
                    ..rusi
                },
            },
        ));
        add(Record::Source(source(
            "harchaoui",
            "Jalel Harchaoui",
            SourceKind::Person,
            &["rusi"],
        )));
        add(Record::Source(source(
            "harchaoui-x",
            "Harchaoui on X",
            SourceKind::SocialAccount,
            &["harchaoui"],
        )));
        add(Record::Source(source(
            "fawasel",
            "Fawasel Media",
            SourceKind::Outlet,
            &[],
        )));
        add(Record::Source(source(
            "unnamed",
            "Several sources",
            SourceKind::Anonymous,
            &[],
        )));
        let gone = add(Record::Source(source(
            "gone",
            "Withdrawn",
            SourceKind::Person,
            &[],
        )));
        add(amend(gone, Change::Retract));

        let one_hop = add(Record::Claim(ClaimBody {
            appeared: Appearance {
                date: "2025-02-18T09:30:00Z".into(),
                url: Some("https://nova.example/a/1".into()),
                venue: Some("Nova (Arabic service)".into()),
            },
            translations: vec![Translation {
                lang: "ar".into(),
                text: "نص".into(),
            }],
            ..claim("Nova says so.", vec![hop("nova", HopRelation::Reported)])
        }));
        let quoted = add(Record::Claim(ClaimBody {
            quote: Some("like a client state".into()),
            ..claim(
                "Libya is like a client state.",
                vec![
                    hop("nova", HopRelation::Reported),
                    hop("harchaoui", HopRelation::Quoted),
                ],
            )
        }));
        let cited_then_quoted = add(Record::Claim(claim(
            "Officers are training in Russia.",
            vec![
                hop("nova", HopRelation::Reported),
                hop("fawasel", HopRelation::Cited),
                hop("harchaoui", HopRelation::Quoted),
            ],
        )));
        let quoted_then_published = add(Record::Claim(claim(
            "Do not make a grave mistake.",
            vec![
                hop("nova", HopRelation::Reported),
                hop("harchaoui-x", HopRelation::Quoted),
                hop("harchaoui", HopRelation::PublishedOn),
            ],
        )));
        let retracted = add(Record::Claim(claim(
            "Withdrawn claim.",
            vec![hop("nova", HopRelation::Reported)],
        )));
        add(amend(retracted, Change::Retract));
        let reattributed = add(Record::Claim(claim(
            "Belarus is involved.",
            vec![hop("nova", HopRelation::Reported)],
        )));
        let reattribution = add(amend(
            reattributed,
            Change::Reattribute {
                chain: vec![
                    hop("nova", HopRelation::Reported),
                    hop("unnamed", HopRelation::Anonymous),
                ],
            },
        ));
        let names_gone = add(Record::Claim(claim(
            "Said by a withdrawn source.",
            vec![
                hop("nova", HopRelation::Reported),
                hop("gone", HopRelation::Cited),
            ],
        )));
        let claims = Claims {
            one_hop,
            quoted,
            cited_then_quoted,
            quoted_then_published,
            retracted,
            reattributed,
            reattribution,
            names_gone,
        };
        (l, claims, fix)
    }

    fn doc() -> (ProvDocument, Claims, EntryHash) {
        let dir = tempfile::tempdir().unwrap();
        let (l, claims, fix) = build(dir.path());
        (export(&l).unwrap(), claims, fix)
    }

    fn entity<'a>(d: &'a ProvDocument, local: &str) -> &'a Entity {
        d.entity
            .get(&format!("entry:{local}"))
            .unwrap_or_else(|| panic!("no entity entry:{local}"))
    }

    fn attributed_to(d: &ProvDocument, local: &str) -> String {
        d.was_attributed_to
            .get(&format!("_:attribution/{local}"))
            .unwrap_or_else(|| panic!("no attribution of entry:{local}"))
            .agent
            .clone()
    }

    /// The derivation generating `entry:<local>`: (used entity, types, relation).
    fn derived(d: &ProvDocument, local: &str) -> (String, Vec<Name>, HopRelation) {
        let r = d
            .was_derived_from
            .get(&format!("_:derivation/{local}"))
            .unwrap_or_else(|| panic!("no derivation of entry:{local}"));
        assert_eq!(r.generated, format!("entry:{local}"));
        let types = match &r.prov_type {
            None => vec![],
            Some(DerivationType::One(q)) => vec![q.name],
            Some(DerivationType::Both(qs)) => qs.iter().map(|q| q.name).collect(),
        };
        (r.used.clone(), types, r.relation)
    }

    #[test]
    fn standing_sources_are_agents() {
        let (d, _, fix) = doc();
        let names: Vec<&str> = d.agent.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "src:fawasel",
                "src:harchaoui",
                "src:harchaoui-x",
                "src:nova",
                "src:rusi",
                "src:unnamed"
            ]
        );
        let nova = &d.agent["src:nova"];
        assert_eq!(nova.label, "Nova");
        assert_eq!(nova.kind, SourceKind::Outlet);
        assert_eq!(nova.prov_type.map(|q| q.name), Some(Name::Organization));
        assert_eq!(
            nova.url.as_ref().map(|u| u.uri.as_str()),
            Some("https://nova.example/")
        );
        assert_eq!(nova.language.as_deref(), Some("it"));
        assert_eq!(nova.description.as_deref(), Some("A news agency."));
        assert!(nova.amended_by.is_empty());
        assert_eq!(
            d.agent["src:harchaoui"].prov_type.map(|q| q.name),
            Some(Name::Person)
        );
        assert_eq!(d.agent["src:harchaoui-x"].prov_type, None);
        assert_eq!(d.agent["src:unnamed"].prov_type, None);
        assert_eq!(d.agent["src:unnamed"].kind, SourceKind::Anonymous);
        // The current (corrected) fields, with the correction's id.
        let rusi = &d.agent["src:rusi"];
        assert_eq!(rusi.label, "Royal United Services Institute");
        assert_eq!(rusi.amended_by, vec![fix]);
    }

    #[test]
    fn source_entry_ids_lead_back_to_the_signed_records() {
        let dir = tempfile::tempdir().unwrap();
        let (l, _, _) = build(dir.path());
        let d = export(&l).unwrap();
        for (name, agent) in &d.agent {
            let e = l.entry_by_hash(&agent.entry).unwrap().unwrap();
            let Record::Source(s) = e.record() else {
                panic!("{name}: isnad:entry is a {} entry", e.kind());
            };
            assert_eq!(agent_name(&s.id), *name);
        }
        for (name, entity) in &d.entity {
            let entry = match entity {
                Entity::Claim(c) => c.entry,
                Entity::Appearance(a) => a.entry,
                Entity::Relay(r) => r.entry,
            };
            let e = l.entry_by_hash(&entry).unwrap().unwrap();
            assert_eq!(e.kind(), Kind::Claim, "{name}");
            assert!(name.starts_with(&format!("entry:{entry}")), "{name}");
        }
    }

    #[test]
    fn affiliations_are_delegations() {
        let (d, _, _) = doc();
        let pairs: Vec<(&str, &str)> = d
            .acted_on_behalf_of
            .values()
            .map(|r| (r.delegate.as_str(), r.responsible.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("src:harchaoui-x", "src:harchaoui"),
                ("src:harchaoui", "src:rusi")
            ]
        );
        assert!(
            d.acted_on_behalf_of
                .contains_key("_:delegation/harchaoui/rusi")
        );
    }

    #[test]
    fn one_hop_chain() {
        let (d, c, _) = doc();
        let id = c.one_hop.to_hex();
        let Entity::Claim(claim) = entity(&d, &id) else {
            panic!("not a claim entity");
        };
        assert_eq!(claim.prov_type.name, Name::Claim);
        assert_eq!(claim.value.text, "Nova says so.");
        assert_eq!(claim.value.lang, "en");
        assert_eq!(claim.lang, "en");
        assert_eq!(claim.label, "Nova says so.");
        assert_eq!(claim.entry, c.one_hop);
        assert_eq!(claim.translations[0].lang, "ar");
        assert!(claim.amended_by.is_empty());
        let Entity::Appearance(a) = entity(&d, &format!("{id}/appearance")) else {
            panic!("not an appearance entity");
        };
        assert_eq!(
            a.location.as_ref().map(|u| u.uri.as_str()),
            Some("https://nova.example/a/1")
        );
        assert_eq!(a.date.value, "2025-02-18T09:30:00Z");
        assert_eq!(a.date.datatype, DateType::DateTime);
        assert_eq!(a.venue.as_deref(), Some("Nova (Arabic service)"));
        assert_eq!(a.label, "Nova (Arabic service), 2025-02-18T09:30:00Z");
        assert_eq!(a.entry, c.one_hop);
        // Publisher and originator are the same source.
        assert_eq!(attributed_to(&d, &id), "src:nova");
        assert_eq!(attributed_to(&d, &format!("{id}/appearance")), "src:nova");
        assert_eq!(
            derived(&d, &format!("{id}/appearance")),
            (
                format!("entry:{id}"),
                vec![Name::PrimarySource],
                HopRelation::Reported
            )
        );
        assert!(
            !d.entity
                .keys()
                .any(|k| k.starts_with(&format!("entry:{id}/hop/")))
        );
    }

    #[test]
    fn quoted_originator_is_quotation_and_primary_source() {
        let (d, c, _) = doc();
        let id = c.quoted.to_hex();
        let Entity::Claim(claim) = entity(&d, &id) else {
            panic!("not a claim entity");
        };
        assert_eq!(claim.quote.as_deref(), Some("like a client state"));
        assert_eq!(attributed_to(&d, &id), "src:harchaoui");
        assert_eq!(attributed_to(&d, &format!("{id}/appearance")), "src:nova");
        let Entity::Appearance(a) = entity(&d, &format!("{id}/appearance")) else {
            panic!("not an appearance entity");
        };
        assert_eq!(a.date.datatype, DateType::Date);
        assert_eq!(a.label, "Nova, 2025-02-18");
        assert_eq!(a.location, None);
        assert_eq!(
            derived(&d, &format!("{id}/appearance")),
            (
                format!("entry:{id}"),
                vec![Name::Quotation, Name::PrimarySource],
                HopRelation::Quoted
            )
        );
    }

    #[test]
    fn three_hop_chains_have_a_relay() {
        let (d, c, _) = doc();

        // Nova cites Fawasel, which quotes Harchaoui.
        let id = c.cited_then_quoted.to_hex();
        let relay = format!("{id}/hop/1");
        let Entity::Relay(r) = entity(&d, &relay) else {
            panic!("not a relay entity");
        };
        assert_eq!(r.hop, 1);
        assert_eq!(r.entry, c.cited_then_quoted);
        assert_eq!(
            r.label,
            "relayed by Fawasel Media: Officers are training in Russia."
        );
        assert_eq!(attributed_to(&d, &format!("{id}/appearance")), "src:nova");
        assert_eq!(attributed_to(&d, &relay), "src:fawasel");
        assert_eq!(attributed_to(&d, &id), "src:harchaoui");
        assert_eq!(
            derived(&d, &format!("{id}/appearance")),
            (format!("entry:{relay}"), vec![], HopRelation::Cited)
        );
        assert_eq!(
            derived(&d, &relay),
            (
                format!("entry:{id}"),
                vec![Name::Quotation, Name::PrimarySource],
                HopRelation::Quoted
            )
        );
        assert!(
            !d.was_derived_from
                .contains_key(&format!("_:derivation/{id}"))
        );

        // Nova quotes the X account, where Harchaoui published it.
        let id = c.quoted_then_published.to_hex();
        let relay = format!("{id}/hop/1");
        assert_eq!(attributed_to(&d, &relay), "src:harchaoui-x");
        assert_eq!(
            derived(&d, &format!("{id}/appearance")),
            (
                format!("entry:{relay}"),
                vec![Name::Quotation],
                HopRelation::Quoted
            )
        );
        assert_eq!(
            derived(&d, &relay),
            (
                format!("entry:{id}"),
                vec![Name::PrimarySource],
                HopRelation::PublishedOn
            )
        );
    }

    #[test]
    fn retracted_claim_is_absent() {
        let (d, c, _) = doc();
        let id = c.retracted.to_hex();
        assert!(!d.entity.keys().any(|k| k.contains(&id)));
        assert!(!d.was_attributed_to.keys().any(|k| k.contains(&id)));
        assert!(!d.was_derived_from.keys().any(|k| k.contains(&id)));
        assert!(!d.agent.contains_key("src:gone"));
    }

    #[test]
    fn reattributed_chain_is_used() {
        let (d, c, _) = doc();
        let id = c.reattributed.to_hex();
        let Entity::Claim(claim) = entity(&d, &id) else {
            panic!("not a claim entity");
        };
        assert_eq!(claim.amended_by, vec![c.reattribution]);
        assert_eq!(claim.entry, c.reattributed);
        assert_eq!(attributed_to(&d, &id), "src:unnamed");
        assert_eq!(
            derived(&d, &format!("{id}/appearance")),
            (
                format!("entry:{id}"),
                vec![Name::PrimarySource],
                HopRelation::Anonymous
            )
        );
    }

    #[test]
    fn a_retracted_source_is_still_named_but_not_described() {
        let (d, c, _) = doc();
        let id = c.names_gone.to_hex();
        assert_eq!(attributed_to(&d, &id), "src:gone");
        assert!(!d.agent.contains_key("src:gone"));
    }

    #[test]
    fn output_is_deterministic() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (la, _, _) = build(a.path());
        let (lb, _, _) = build(b.path());
        let first = serde_json::to_vec_pretty(&export(&la).unwrap()).unwrap();
        assert_eq!(
            first,
            serde_json::to_vec_pretty(&export(&la).unwrap()).unwrap()
        );
        assert_eq!(
            first,
            serde_json::to_vec_pretty(&export(&lb).unwrap()).unwrap()
        );
    }

    #[test]
    fn serde_form_is_prov_json() {
        let (d, c, _) = doc();
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(
            v["prefix"],
            serde_json::json!({
                "isnad": "urn:isnad:vocab:",
                "src": "urn:isnad:source:",
                "entry": "urn:isnad:entry:",
                "xsd": "http://www.w3.org/2001/XMLSchema#",
            })
        );
        let id = c.quoted.to_hex();
        assert_eq!(
            v["wasDerivedFrom"][format!("_:derivation/{id}/appearance")],
            serde_json::json!({
                "prov:generatedEntity": format!("entry:{id}/appearance"),
                "prov:usedEntity": format!("entry:{id}"),
                "prov:type": [
                    {"$": "prov:Quotation", "type": "xsd:QName"},
                    {"$": "prov:PrimarySource", "type": "xsd:QName"},
                ],
                "isnad:relation": "quoted",
            })
        );
        assert_eq!(
            v["agent"]["src:harchaoui"]["prov:type"],
            serde_json::json!({"$": "prov:Person", "type": "xsd:QName"})
        );
        assert_eq!(
            v["entity"][format!("entry:{id}")]["prov:value"],
            serde_json::json!({"$": "Libya is like a client state.", "lang": "en"})
        );
        assert_eq!(
            v["wasAttributedTo"][format!("_:attribution/{id}")],
            serde_json::json!({"prov:entity": format!("entry:{id}"), "prov:agent": "src:harchaoui"})
        );
    }

    #[test]
    fn an_empty_ledger_has_an_empty_graph() {
        let dir = tempfile::tempdir().unwrap();
        let t = Timestamp::parse("2025-02-18T08:00:00Z").unwrap();
        let admin = KeyPair::from_seed("admin", &[1; 32]).unwrap();
        let l = crate::init(dir.path(), &admin, t).unwrap();
        let d = export(&l).unwrap();
        assert!(d.agent.is_empty() && d.entity.is_empty());
        assert!(d.was_attributed_to.is_empty() && d.was_derived_from.is_empty());
        assert!(d.acted_on_behalf_of.is_empty());
    }

    #[test]
    fn labels_are_one_line_and_short() {
        assert_eq!(shorten("a\n b\t c"), "a b c");
        let long = "word ".repeat(40);
        let s = shorten(&long);
        assert_eq!(s.chars().count(), LABEL_MAX_CHARS);
        assert!(s.ends_with("word…"), "{s}");
        let arabic = "ع".repeat(100);
        assert_eq!(shorten(&arabic).chars().count(), LABEL_MAX_CHARS);
        assert_eq!(
            shorten(&"x".repeat(LABEL_MAX_CHARS)).chars().count(),
            LABEL_MAX_CHARS
        );
    }
}
