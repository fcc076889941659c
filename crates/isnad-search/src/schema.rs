//! The index's fields: one document per text of a claim (its own text,
//! then each translation), with what the filters and the ranking read.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// The names the fast-field columns are read by. (An index written with
/// other fields is noticed by comparing whole schemas, and rebuilt.)
pub(crate) const TERMS: &str = "terms";
pub(crate) const CLAIM: &str = "claim";
pub(crate) const FIELD: &str = "field";
pub(crate) const LEN: &str = "len";
pub(crate) const TIME: &str = "time";

/// The fields of a document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    /// The text's terms ([`isnad_core::search::terms::terms`]), given
    /// already split, with how often each occurs (BM25's tf).
    pub terms: Field,
    /// The claim's position in the ledger: its key (a claim's documents
    /// are deleted by it), the snapshot bound, and the tie-break.
    pub claim: Field,
    /// 0 for the claim's own text, i for its i-th translation.
    pub field: Field,
    /// How many terms the text has (BM25's length; kept exact rather
    /// than tantivy's lossy field norms).
    pub len: Field,
    /// When the claim was recorded, Unix seconds (recency).
    pub time: Field,
    /// The claim's entry hash, hex.
    pub id: Field,
    /// This text.
    pub text: Field,
    /// This text's language.
    pub lang: Field,
    /// The claim's own text, on translations' documents.
    pub claim_text: Field,
    /// The claim's language (the language filter).
    pub claim_lang: Field,
    /// The claim's appearance date as recorded.
    pub date: Field,
    /// Its first ten characters, `YYYY-MM-DD` (the date-range filter).
    pub day: Field,
    /// Every source of its chain (the source filter).
    pub source: Field,
    /// The rating of each standing verdict (the rating filter).
    pub rating: Field,
}

impl Fields {
    /// The schema and its fields.
    pub(crate) fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let terms = b.add_text_field(
            TERMS,
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_index_option(IndexRecordOption::WithFreqs)
                    .set_fieldnorms(false),
            ),
        );
        let fields = Fields {
            terms,
            claim: b.add_u64_field(CLAIM, INDEXED | FAST),
            field: b.add_u64_field(FIELD, FAST),
            len: b.add_u64_field(LEN, FAST),
            time: b.add_i64_field(TIME, FAST),
            id: b.add_text_field("id", STORED),
            text: b.add_text_field("text", STORED),
            lang: b.add_text_field("lang", STORED),
            claim_text: b.add_text_field("claim_text", STORED),
            claim_lang: b.add_text_field("claim_lang", STRING | STORED),
            date: b.add_text_field("date", STORED),
            day: b.add_text_field("day", STRING),
            source: b.add_text_field("source", STRING),
            rating: b.add_text_field("rating", STRING),
        };
        (b.build(), fields)
    }
}
