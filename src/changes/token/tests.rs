use super::*;

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const OTHER_KEY: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

fn read(raw: &str, key: &str) -> Result<i64, ErrorKind> {
    Unverified::parse(raw)?.verify(key)
}

fn message(result: Result<i64, ErrorKind>) -> String {
    result.unwrap_err().message()
}

#[test]
fn a_token_reads_back_as_its_position_under_its_key() {
    for position in [0, 1, 41, i64::MAX] {
        let token = encode(position, KEY);

        assert_eq!(token.len(), 32);
        assert_eq!(read(&token, KEY), Ok(position));
    }
}

#[test]
fn a_token_with_another_position_is_refused_as_not_issued() {
    let token = encode(41, KEY);
    let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
    bytes[7] = 42;

    let forged = URL_SAFE_NO_PAD.encode(bytes);

    assert_eq!(Unverified::parse(&forged).unwrap().claimed(), 42);
    assert!(message(read(&forged, KEY)).contains("did not issue it"));
}

#[test]
fn another_deployment_s_token_is_refused_as_not_issued() {
    let foreign = encode(41, OTHER_KEY);

    assert!(message(read(&foreign, KEY)).contains("did not issue it"));
}

#[test]
fn a_cut_off_token_is_refused_as_not_whole() {
    let token = encode(41, KEY);

    for cut in [&token[..31], &token[..30], &token[..20], ""] {
        let got = message(read(cut, KEY));
        assert!(got.contains("cut off"), "{cut:?}: {got}");
    }
}

#[test]
fn a_list_cursor_or_garbage_is_not_a_token() {
    let cursor =
        URL_SAFE_NO_PAD.encode(r#"{"s":"-created_at","k":["2026-11-20T10:00:00.000Z",7]}"#);

    assert!(message(read(&cursor, KEY)).contains("another kind of token"));
    assert!(message(read("not a token!", KEY)).contains("another kind of token"));
}
