//! A page of the feed: its query, its SQL (three reads in one batch, so one D1 round trip
//! and one snapshot) and its body. The changes after a position are the segments numbered
//! above it, each at its latest state, and the tombstones numbered above it, merged in
//! sequence order.

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::token::{self, Unverified};
use crate::db::{Param, Statement};
use crate::segments::fields::COLUMNS;
use crate::segments::list::page::Page;
use crate::segments::list::sql::SegmentRow;
use crate::segments::model::Segment;
use crate::validation::field_error::FieldError;
use crate::validation::input::integer_in_range;

/// Changes per page when `limit` is absent.
pub const DEFAULT_LIMIT: i64 = 100;

/// The most changes one page holds: the v1 list's largest page.
pub const MAX_LIMIT: i64 = Page::MAX_LIMIT;

/// The query of `GET /api/v1/segmentos/changes`. Other parameters are ignored, as the
/// v1 list ignores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedQuery {
    /// Where the page starts: after the token's position, or at the start of the feed.
    pub since: Option<Unverified>,
    pub limit: i64,
}

impl FeedQuery {
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    ) -> Result<Self, Vec<FieldError>> {
        let (mut since, mut limit) = (None, None);
        for (name, value) in pairs {
            // A repeated parameter: the last value wins, as in the v1 list.
            match name.as_ref() {
                "since" => since = Some(value),
                "limit" => limit = Some(value),
                _ => {}
            }
        }
        let since = since.map(|raw| Unverified::parse(&raw)).transpose();
        let limit = limit.map_or(Ok(DEFAULT_LIMIT), |raw| {
            integer_in_range(&raw, 1, MAX_LIMIT)
        });
        match (since, limit) {
            (Ok(since), Ok(limit)) => Ok(Self { since, limit }),
            (since, limit) => Err([("since", since.err()), ("limit", limit.err())]
                .into_iter()
                .filter_map(|(name, kind)| Some(FieldError::query(name, kind?)))
                .collect()),
        }
    }

    /// The position the page is read after, as the token claims it (0: the start).
    pub fn after(&self) -> i64 {
        self.since.as_ref().map_or(0, Unverified::claimed)
    }

    /// The three reads of a page, in one batch: the feed's state, then the segments and
    /// the tombstones after the position, each in sequence order through its index, one
    /// more than the page holds so that the page knows whether more follow.
    pub fn statements(&self) -> [Statement<'static>; 3] {
        let page = || vec![Param::Integer(self.after()), Param::Integer(self.limit + 1)];
        [
            Statement::new(STATE_SQL, Vec::new()),
            Statement::new(LIVE_SQL.as_str(), page()),
            Statement::new(TOMBSTONES_SQL.as_str(), page()),
        ]
    }
}

const STATE_SQL: &str = "SELECT horizon, token_key FROM change_feed WHERE id = 1";
const AFTER: &str = "WHERE seq > ?1 ORDER BY seq LIMIT ?2";
// Written once per isolate, not per request.
static LIVE_SQL: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {}, seq FROM segmentos {AFTER}", *COLUMNS));
static TOMBSTONES_SQL: LazyLock<String> =
    LazyLock::new(|| format!("SELECT seq, id_segmento, version FROM segment_tombstones {AFTER}"));

/// The feed's own row (migration 0006).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FeedState {
    /// The highest number a purged tombstone had.
    pub horizon: i64,
    pub token_key: String,
}

/// A tombstone as the feed reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TombstoneRow {
    pub seq: i64,
    pub id_segmento: i64,
    pub version: i64,
}

/// One entry of the feed: a segment's latest state, or its deletion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema), schema(as = Cambio))]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Change {
    /// The segment as it is now (created or changed since the token).
    Upsert { seq: i64, segmento: Segment },
    /// The segment was deleted at `version`, its last.
    Delete {
        seq: i64,
        id_segmento: i64,
        version: i64,
    },
}

impl Change {
    pub fn seq(&self) -> i64 {
        match self {
            Self::Upsert { seq, .. } | Self::Delete { seq, .. } => *seq,
        }
    }
}

/// A page of the feed, as sent.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema), schema(as = Cambios))]
pub struct FeedPage {
    /// In sequence order, one per segment at most.
    pub changes: Vec<Change>,
    /// The `since` of the next request: after this page, or, when the page is empty,
    /// where this one started (poll it).
    pub next: String,
    /// Whether more changes follow at once (then `Link: rel="next"` says where).
    pub more: bool,
}

impl FeedPage {
    /// The first `limit` changes of the two reads, merged in sequence order.
    pub fn merge(
        live: Vec<SegmentRow>,
        tombstones: Vec<TombstoneRow>,
        limit: i64,
        after: i64,
        key: &str,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut live = live.into_iter().map(Change::from).peekable();
        let mut tombstones = tombstones.into_iter().map(Change::from).peekable();
        let mut changes = Vec::with_capacity(limit.min(live.len() + tombstones.len()));
        // Both reads are in sequence order: merge them.
        let more = loop {
            let next = match (live.peek(), tombstones.peek()) {
                (Some(up), Some(down)) if up.seq() < down.seq() => live.next(),
                (Some(_), Some(_)) | (None, Some(_)) => tombstones.next(),
                (Some(_), None) => live.next(),
                (None, None) => break false,
            };
            if changes.len() == limit {
                break true;
            }
            changes.extend(next);
        };
        let last = changes.last().map_or(after, Change::seq);
        Self {
            changes,
            next: token::encode(last, key),
            more,
        }
    }
}

/// A segment the feed read (its columns and `seq`).
impl From<SegmentRow> for Change {
    fn from(row: SegmentRow) -> Self {
        Self::Upsert {
            // Never NULL here: the feed reads the rows where `seq > ?1`.
            seq: row.seq.unwrap_or_default(),
            segmento: Segment::from(row),
        }
    }
}

impl From<TombstoneRow> for Change {
    fn from(row: TombstoneRow) -> Self {
        Self::Delete {
            seq: row.seq,
            id_segmento: row.id_segmento,
            version: row.version,
        }
    }
}

impl FeedState {
    /// Whether a client at `position` may have missed a delete: one after it was purged.
    pub fn has_forgotten(&self, position: i64) -> bool {
        position < self.horizon
    }
}

#[cfg(test)]
mod tests;
