//! Reading client input so that every problem in it is reported at once, in the shape
//! FastAPI (pydantic v2) gives it.

pub mod field_error;
pub mod input;

pub use field_error::{ErrorKind, FieldError};
