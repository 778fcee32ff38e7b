//! The answer to requests a panic cuts short. wasm32 cannot unwind: a panic aborts the
//! wasm instance, and the requests it was serving can no longer be answered from Rust.
//! worker-build's shim makes a new instance for the next request; `src/worker.js` answers
//! the cut-short ones with this response, made when the instance starts by the code that
//! makes every other 500, so that its body and headers are the usual ones.

use worker::ResponseBody;

use crate::error::ApiError;
use crate::http::{platform, response};

/// Makes the answer and hands it to `src/worker.js`: its parts, as the runtime does not
/// let a module build a `Response` while it starts.
pub fn prepare_answer() -> worker::Result<()> {
    let mut answer = ApiError::Internal(String::new()).to_response()?;
    let ResponseBody::Body(body) = answer.body() else {
        return Err("the 500's body is not in memory".into());
    };
    let body = String::from_utf8_lossy(body).into_owned();
    let status = answer.status_code();
    let headers = &answer.headers_mut().0;
    response::secure(headers);
    headers.set("cache-control", "no-store")?;
    platform::keep_panic_answer(status, &body, headers);
    Ok(())
}
