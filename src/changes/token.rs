//! The feed's tokens: a position in the change sequence, signed with the database's own
//! key (`change_feed.token_key`, random per database), so that a token that was altered,
//! cut short or made elsewhere (another deployment, another feed, a list cursor) is
//! refused rather than silently read as some other position.
//!
//! A token is URL-safe base64 of the position (8 bytes, big-endian) and the first 16
//! bytes of HMAC-SHA256 over it: 32 characters.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::validation::field_error::ErrorKind;

/// Bytes of the MAC a token keeps: 128 bits, far past guessing.
const MAC_BYTES: usize = 16;
const TOKEN_BYTES: usize = 8 + MAC_BYTES;

/// What a token's MAC covers besides the position: another use of the key signs
/// something else.
const CONTEXT: &[u8] = b"recway changes feed, position";

/// The token of a position.
pub fn encode(position: i64, key: &str) -> String {
    let position = position.to_be_bytes();
    let mut token = [0; TOKEN_BYTES];
    token[..8].copy_from_slice(&position);
    token[8..].copy_from_slice(&mac(key, &position).finalize().into_bytes()[..MAC_BYTES]);
    URL_SAFE_NO_PAD.encode(token)
}

/// A token read but not yet checked against the key: its position is only a guess until
/// [`Unverified::verify`] says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unverified {
    position: [u8; 8],
    mac: [u8; MAC_BYTES],
}

impl Unverified {
    /// Reads a token's parts; a string that cannot be one is refused here.
    pub fn parse(raw: &str) -> Result<Self, ErrorKind> {
        let shape =
            || invalid("it is not a whole token of this feed: cut off, or another kind of token");
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| shape())?;
        let bytes: [u8; TOKEN_BYTES] = bytes.try_into().map_err(|_| shape())?;
        let mut token = Self {
            position: [0; 8],
            mac: [0; MAC_BYTES],
        };
        token.position.copy_from_slice(&bytes[..8]);
        token.mac.copy_from_slice(&bytes[8..]);
        Ok(token)
    }

    /// The position the token claims, to read the page with before it is verified.
    pub fn claimed(&self) -> i64 {
        i64::from_be_bytes(self.position)
    }

    /// The position, if this database's key signed it.
    pub fn verify(&self, key: &str) -> Result<i64, ErrorKind> {
        mac(key, &self.position)
            .verify_truncated_left(&self.mac)
            .map_err(|_| {
                invalid(
                    "this feed did not issue it (it was altered, or comes from another deployment)",
                )
            })?;
        Ok(self.claimed())
    }
}

fn mac(key: &str, position: &[u8; 8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(CONTEXT);
    mac.update(position);
    mac
}

fn invalid(why: &str) -> ErrorKind {
    ErrorKind::value_error(format!(
        "invalid token ({why}); use the `next` of a previous page, or no `since` to start over"
    ))
}

#[cfg(test)]
mod tests;
