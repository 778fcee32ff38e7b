//! SQL for the `segmentos` table.

use std::fmt::Write;

use serde::de::IgnoredAny;
use worker::D1Database;

use super::{first, Param};
use crate::domain::segmento::PatchValue;
use crate::domain::{NewSegmento, Segmento, SegmentoId, SegmentoPatch};
use crate::error::ApiError;

/// The current instant as RFC 3339 UTC with milliseconds; the same expression as the
/// table's column defaults.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const INSERT: &str = concat!(
    "INSERT INTO segmentos (nombre, descripcion, longitud, latitud, ubicacion) ",
    "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING ",
    columns!()
);
const SELECT_ONE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM segmentos WHERE id_segmento = ?1"
);
const DELETE: &str = "DELETE FROM segmentos WHERE id_segmento = ?1 RETURNING id_segmento";

pub async fn insert(db: &D1Database, new: &NewSegmento) -> Result<Segmento, ApiError> {
    let params = [
        Param::Text(Some(new.nombre())),
        Param::Text(new.descripcion()),
        Param::Real(new.longitud()),
        Param::Real(new.latitud()),
        Param::Text(new.ubicacion()),
    ];
    first(db, INSERT, &params)
        .await?
        .ok_or_else(|| ApiError::Internal("INSERT ... RETURNING returned no row".into()))
}

pub async fn find(db: &D1Database, id: SegmentoId) -> Result<Option<Segmento>, ApiError> {
    first(db, SELECT_ONE, &[Param::Integer(id.get())]).await
}

/// Applies a partial update; `None` when there is no such segment. An empty patch
/// changes nothing, `updated_at` included.
pub async fn update(
    db: &D1Database,
    id: SegmentoId,
    patch: &SegmentoPatch,
) -> Result<Option<Segmento>, ApiError> {
    match update_statement(id, patch) {
        Some((sql, params)) => first(db, &sql, &params).await,
        None => find(db, id).await,
    }
}

/// `true` when a segment was deleted, `false` when there was none.
pub async fn delete(db: &D1Database, id: SegmentoId) -> Result<bool, ApiError> {
    // Only whether a row came back matters, not what it holds.
    let deleted: Option<IgnoredAny> = first(db, DELETE, &[Param::Integer(id.get())]).await?;
    Ok(deleted.is_some())
}

/// `UPDATE ... SET` for exactly the columns a patch changes, plus `updated_at`.
/// Column names come from the domain's fixed list, values only from placeholders.
fn update_statement<'a>(
    id: SegmentoId,
    patch: &'a SegmentoPatch,
) -> Option<(String, Vec<Param<'a>>)> {
    let changes = patch.changes();
    if changes.is_empty() {
        return None;
    }
    let mut sql = String::from("UPDATE segmentos SET ");
    let mut params = Vec::with_capacity(changes.len() + 1);
    for (column, value) in changes {
        params.push(match value {
            PatchValue::Text(text) => Param::Text(text),
            PatchValue::Number(number) => Param::Real(number),
        });
        let _ = write!(sql, "{column} = ?{}, ", params.len());
    }
    params.push(Param::Integer(id.get()));
    let _ = write!(
        sql,
        "updated_at = {NOW} WHERE id_segmento = ?{} RETURNING {}",
        params.len(),
        columns!()
    );
    Some((sql, params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::parse_json;
    use crate::domain::SegmentoPayload;

    fn patch(body: &str) -> SegmentoPatch {
        parse_json::<SegmentoPayload>(body.as_bytes())
            .unwrap()
            .into_patch()
            .unwrap()
    }

    fn id(raw: &str) -> SegmentoId {
        SegmentoId::parse(raw).unwrap()
    }

    #[test]
    fn an_update_sets_only_the_sent_columns_and_updated_at() {
        let patch = patch(r#"{"latitud": 5, "descripcion": null}"#);

        let (sql, params) = update_statement(id("7"), &patch).unwrap();

        assert_eq!(
            sql,
            "UPDATE segmentos SET descripcion = ?1, latitud = ?2, \
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id_segmento = ?3 \
             RETURNING id_segmento, nombre, descripcion, longitud, latitud, ubicacion, \
             created_at, updated_at"
        );
        assert_eq!(
            params,
            [Param::Text(None), Param::Real(5.0), Param::Integer(7)]
        );
    }

    #[test]
    fn hostile_text_only_ever_travels_as_a_parameter() {
        let patch = patch(r#"{"nombre": "x'; DROP TABLE segmentos; --"}"#);

        let (sql, params) = update_statement(id("1"), &patch).unwrap();

        assert!(!sql.contains("DROP"));
        assert_eq!(params[0], Param::Text(Some("x'; DROP TABLE segmentos; --")));
    }

    #[test]
    fn an_empty_patch_builds_no_update() {
        assert!(update_statement(id("1"), &patch("{}")).is_none());
    }

    #[test]
    fn every_statement_uses_numbered_placeholders_only() {
        for sql in [INSERT, SELECT_ONE, DELETE] {
            let bare = sql
                .match_indices('?')
                .any(|(at, _)| !sql[at + 1..].starts_with(|c: char| c.is_ascii_digit()));
            assert!(!bare, "{sql}");
        }
    }
}
