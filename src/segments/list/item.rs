//! A row of a list: a segment, and its distance in a `near` list.

use serde::{Serialize, Serializer};

use crate::segments::model::Segment;

/// A row of a list: the segment, and its distance when the list is `near` a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema), schema(as = SegmentoListItem))]
pub struct ListItem {
    #[serde(flatten)]
    pub segment: Segment,
    /// Metres from the `near` point along the great circle, to the millimetre; only in
    /// `near` lists.
    // Kept exact, as SQL computed it (a cursor must repeat it bit for bit); sent rounded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "to_millimetres"
    )]
    pub distance_m: Option<f64>,
}

impl From<Segment> for ListItem {
    fn from(segment: Segment) -> Self {
        Self {
            segment,
            distance_m: None,
        }
    }
}

#[cfg(test)]
impl ListItem {
    /// A listed segment named `nombre`, for tests of what is built from list rows.
    pub fn sample(id: i64, nombre: &str, distance_m: Option<f64>) -> Self {
        Self {
            segment: Segment {
                nombre: nombre.into(),
                ..Segment::sample(id)
            },
            distance_m,
        }
    }
}

/// Distances are sent rounded to the millimetre; more digits would be noise.
fn to_millimetres<S: Serializer>(distance: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    distance
        .map(|metres| (metres * 1000.0).round() / 1000.0)
        .serialize(serializer)
}

#[cfg(test)]
mod tests;
