//! The rules a deal's, a pipeline's and a stage's texts keep: not empty, within their
//! limits, printable; names compared without case; metadata stored in one order.

use icu_properties::props::GeneralCategory;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::Metadata;

/// Checks a name (of a deal, pipeline or stage) and returns it trimmed.
pub fn clean_name(what: &str, text: &str) -> Result<String, String> {
    clean_text(what, text, 200)
}

/// Checks a one-line free-text value (contact, owner, reason) and returns it trimmed.
pub fn clean_text(what: &str, text: &str, max_chars: usize) -> Result<String, String> {
    let t = trimmed_within(what, text, max_chars)?;
    if let Some(c) = t.chars().find(|c| is_forbidden_in_line(*c)) {
        return Err(format!(
            "{what} contains {}; use printable text on one line",
            forbidden_kind(c)
        ));
    }
    Ok(t.to_string())
}

/// Checks an owner (of a deal or an activity, `REX_OWNER`, a token's, a team login's) and
/// returns it trimmed: one-line text as [`clean_text`] checks it, with no character a reader
/// never sees (see [`invisible`]: a zero-width space or joiner, a variation selector, a soft
/// hyphen, a byte-order mark, a filler), no mark standing alone, and no space that only
/// looks like a plain one (a no-break space).
/// Owners are compared as typed, but for case: `ana\u{200D}@example.com` would read as Ana
/// and never be hers.
pub fn clean_owner(what: &str, text: &str, max_chars: usize) -> Result<String, String> {
    use unicode_segmentation::UnicodeSegmentation;
    let t = clean_text(what, text, max_chars)?;
    if let Some(c) = t.chars().find(|c| look_alike_space(*c)) {
        return Err(format!(
            "{what} contains the space U+{:04X}, which reads as a plain one; type a plain space",
            c as u32
        ));
    }
    let unseen = t.chars().find(|c| invisible(*c)).or_else(|| {
        t.graphemes(true)
            .find(|g| g.width() == 0 || g.chars().next().is_some_and(mark))
            .and_then(|g| g.chars().next())
    });
    if let Some(c) = unseen {
        return Err(format!(
            "{what} contains the invisible character U+{:04X}; type {what} as it reads",
            c as u32
        ));
    }
    Ok(t)
}

/// A character's Unicode general category.
fn category(c: char) -> GeneralCategory {
    icu_properties::CodePointMapData::<GeneralCategory>::new().get(c)
}

/// A combining mark (nonspacing or enclosing), which shows only on the character before it:
/// one that starts a grapheme stands alone.
fn mark(c: char) -> bool {
    matches!(
        category(c),
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
    )
}

/// A character that shows nothing where it stands: Unicode's Default_Ignorable_Code_Point,
/// any other format character (general category Cf, such as the interlinear annotation
/// marks U+FFF9..U+FFFB), and the braille pattern blank U+2800, a glyph of no dots that is
/// used as an invisible letter.
fn invisible(c: char) -> bool {
    use icu_properties::props::{BinaryProperty, DefaultIgnorableCodePoint};
    DefaultIgnorableCodePoint::for_char(c)
        || category(c) == GeneralCategory::Format
        || c == '\u{2800}'
}

/// A space that reads as a plain one in an owner but is not (copied from a web page or a
/// document): every space separator (Zs) but the plain space and the ideographic space
/// U+3000, with which Japanese names are written: the no-break spaces, the typographic
/// spaces U+2000..U+200A, the Ogham space mark.
fn look_alike_space(c: char) -> bool {
    c != ' ' && c != '\u{3000}' && category(c) == GeneralCategory::SpaceSeparator
}

/// The text trimmed, refused where that leaves nothing, nothing visible, or more than
/// `max_chars` characters (the rules one-line and multi-line text share).
fn trimmed_within<'t>(what: &str, text: &'t str, max_chars: usize) -> Result<&'t str, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{what} is empty; give some text"));
    }
    // Spaces between characters that show nothing show nothing either. (A control
    // character is left to the caller's refusal, which names it.)
    let shown = |c: char| {
        use unicode_width::UnicodeWidthChar;
        !c.is_whitespace()
            && (c.is_control() || (!invisible(c) && !mark(c) && c.width().unwrap_or(0) > 0))
    };
    if !t.chars().any(shown) {
        let c = t.chars().find(|c| !c.is_whitespace()).unwrap_or_default();
        return Err(format!(
            "{what} shows nothing (only invisible characters, such as U+{:04X}); give some text",
            c as u32
        ));
    }
    let n = t.chars().count();
    if n > max_chars {
        return Err(format!(
            "{what} is {n} characters long; the limit is {max_chars}"
        ));
    }
    Ok(t)
}

/// A deal's text and its rules, in one place for every path that makes or changes a deal
/// (`deal create`, `deal update`, `deal close`, `deal note`, an import): what a message
/// calls each text and how many characters it may have. [`DealText::check`] returns the
/// text trimmed, or the bare reason it is refused; the caller adds where it was (an
/// import's line and field) and the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealText {
    /// The deal's name.
    Name,
    /// Its contact (`contact_id`).
    Contact,
    /// Its owner (`owner_id`).
    Owner,
    /// Why it closed (`close_reason`).
    CloseReason,
    /// Where an import from another CRM found it (`origin`).
    Origin,
    /// A key of its metadata.
    MetaKey,
    /// A note in its history: the one text that may span lines.
    Note,
}

impl DealText {
    // The most characters each text may have, once trimmed. (Pipeline and stage names
    // have their own limit in `clean_name`, also 200.)
    pub const NAME_MAX: usize = 200;
    pub const CONTACT_MAX: usize = 200;
    pub const OWNER_MAX: usize = 200;
    pub const CLOSE_REASON_MAX: usize = 1000;
    pub const ORIGIN_MAX: usize = 500;
    pub const META_KEY_MAX: usize = 100;
    pub const NOTE_MAX: usize = 10_000;

    pub const ALL: [DealText; 7] = [
        DealText::Name,
        DealText::Contact,
        DealText::Owner,
        DealText::CloseReason,
        DealText::Origin,
        DealText::MetaKey,
        DealText::Note,
    ];

    /// How many characters it may have, once trimmed.
    pub const fn limit(self) -> usize {
        match self {
            DealText::Name => Self::NAME_MAX,
            DealText::Contact => Self::CONTACT_MAX,
            DealText::Owner => Self::OWNER_MAX,
            DealText::CloseReason => Self::CLOSE_REASON_MAX,
            DealText::Origin => Self::ORIGIN_MAX,
            DealText::MetaKey => Self::META_KEY_MAX,
            DealText::Note => Self::NOTE_MAX,
        }
    }

    /// What a message calls it.
    pub const fn what(self) -> &'static str {
        match self {
            DealText::Name => "the deal name",
            DealText::Contact => "the contact",
            DealText::Owner => "the owner",
            DealText::CloseReason => "the reason",
            DealText::Origin => "the origin",
            DealText::MetaKey => "a metadata key",
            DealText::Note => "the note",
        }
    }

    /// Checks `text` as this text of a deal and returns it trimmed: not empty, within the
    /// limit, and printable (on one line, but for a note).
    pub fn check(self, text: &str) -> Result<String, String> {
        match self {
            DealText::Note => clean_lines(self.what(), text, self.limit()),
            DealText::Owner => clean_owner(self.what(), text, self.limit()),
            _ => clean_text(self.what(), text, self.limit()),
        }
    }
}

/// Checks free text that may span lines (a note) and returns it trimmed.
pub(super) fn clean_lines(what: &str, text: &str, max_chars: usize) -> Result<String, String> {
    let t = trimmed_within(what, text, max_chars)?;
    if let Some(c) = t
        .chars()
        .find(|c| *c != '\n' && *c != '\t' && is_forbidden_in_line(*c))
    {
        return Err(format!(
            "{what} contains {}; use printable text",
            forbidden_kind(c)
        ));
    }
    Ok(t.to_string())
}

/// What one-line text may not hold, and output escapes wherever it prints text: control
/// characters, the line and paragraph separators (U+2028, U+2029), at which many readers
/// end a line (so a TSV record would split), and the bidirectional overrides that can
/// disguise text.
pub fn is_forbidden_in_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character [`is_forbidden_in_line`] refuses, named.
fn forbidden_kind(c: char) -> String {
    match c {
        '\u{2028}' => "the line separator U+2028".into(),
        '\u{2029}' => "the paragraph separator U+2029".into(),
        c => format!("the control character U+{:04X}", c as u32),
    }
}

/// A key for case-insensitive comparison of names.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// A JSON value with every object's keys sorted, so equal values are stored alike.
pub fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(sorted(
            map.into_iter().map(|(k, v)| (k, canonical(v))).collect(),
        )),
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

pub fn sorted(map: Metadata) -> Metadata {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}
