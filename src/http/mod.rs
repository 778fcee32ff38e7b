//! Transport every feature shares: the request, its body, responses and their common
//! headers, content negotiation and conditional requests.

pub mod body;
pub mod conditional;
pub mod link;
pub mod negotiation;
pub mod panic;
pub mod platform;
pub mod prefer;
pub mod request;
pub mod response;

pub use body::{json_body, read_body, BodyType, MAX_BODY_BYTES, MAX_BULK_BODY_BYTES};
pub use request::{
    header, method, method_label, query_pairs, random_uuid, request_id, with_position, Incoming,
};
pub use response::{
    bytes_response, conditional_get, empty_response, finish, json_response, Finish,
};
