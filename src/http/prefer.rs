//! `Prefer` (RFC 7240): what a client would like the server to do, and which it may
//! ignore. Lists read `count=exact` from it, as PostgREST does.

/// Whether `header` asks for the preference `name=value`: names compare without regard
/// to case, values exactly, quoted or not; parameters after `;` are ignored.
pub fn asks(header: Option<&str>, name: &str, value: &str) -> bool {
    header
        .into_iter()
        .flat_map(|header| header.split(','))
        .any(|preference| {
            let token = preference.split(';').next().unwrap_or_default();
            let (token_name, token_value) = token.split_once('=').unwrap_or((token, ""));
            token_name.trim().eq_ignore_ascii_case(name)
                && token_value.trim().trim_matches('"') == value
        })
}

#[cfg(test)]
mod tests;
