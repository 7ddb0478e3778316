//! Tokens made and signed here, with keys generated from fixed seeds.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::*;

const ISSUER: &str = "https://acme.cloudflareaccess.com";
const AUD: &str = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228";
const NOW: u64 = 1_795_996_800;
const OLD_KID: &str = "1a1c3986a44ce6390be42ec772b031df8f433fdc71716db821dc0c39af3bce49";
const NEW_KID: &str = "6c3bffef71bb0a90c9cbef3b7c0d4a1c7b4b8b76b80292a623afd9dac45d1c65";

/// Two 2048-bit keys (the size Access uses), made once per test run.
fn key(which: usize) -> &'static RsaPrivateKey {
    static KEYS: OnceLock<[RsaPrivateKey; 2]> = OnceLock::new();
    let make = |seed| RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(seed), 2048).unwrap();
    &KEYS.get_or_init(|| [make(1), make(2)])[which]
}

fn jwk(kid: &str, key: &RsaPrivateKey) -> Value {
    json!({ "kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig",
            "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
            "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()) })
}

/// The document as Access serves it: the old key first, the current one second.
fn certs() -> String {
    json!({
        "keys": [jwk(OLD_KID, key(0)), jwk(NEW_KID, key(1))],
        "public_cert": { "kid": NEW_KID, "cert": "-----BEGIN CERTIFICATE-----\n…" },
        "public_certs": [{ "kid": OLD_KID, "cert": "…" }, { "kid": NEW_KID, "cert": "…" }],
    })
    .to_string()
}

fn keys() -> Jwks {
    Jwks::from_json(&certs()).unwrap()
}

fn team() -> AccessTeam {
    AccessTeam::new(ISSUER, AUD).unwrap()
}

fn claims() -> Value {
    json!({ "aud": [AUD], "email": "Ana@Example.com", "exp": NOW + 3600, "iat": NOW - 10,
            "nbf": NOW - 10, "iss": ISSUER, "type": "app", "identity_nonce": "6ei69kawdKzMIAPF",
            "sub": "7335d417-61da-459d-899c-0a01c76a2f94", "country": "US" })
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

fn rs256(signer: &RsaPrivateKey, signing_input: &str) -> String {
    let digest = Sha256::digest(signing_input.as_bytes());
    let signature = signer.sign(Pkcs1v15Sign::new::<Sha256>(), &digest).unwrap();
    URL_SAFE_NO_PAD.encode(signature)
}

/// A token with this header and payload, signed by `signer`.
fn signed_raw(header: &Value, payload_b64: &str, signer: &RsaPrivateKey) -> String {
    let input = format!("{}.{payload_b64}", b64(header));
    format!("{input}.{}", rs256(signer, &input))
}

fn token(kid: &str, signer: &RsaPrivateKey, payload: &Value) -> String {
    let header = json!({ "alg": "RS256", "kid": kid, "typ": "JWT" });
    signed_raw(&header, &b64(payload), signer)
}

fn with(change: impl FnOnce(&mut Value)) -> String {
    let mut payload = claims();
    change(&mut payload);
    token(NEW_KID, key(1), &payload)
}

fn check(token: &str) -> Result<AccessClaims, AccessRefusal> {
    verify(token, &keys(), &team(), NOW)
}

#[test]
fn a_valid_token_gives_its_claims() {
    let claims = check(&with(|_| {})).unwrap();
    assert_eq!(
        claims,
        AccessClaims {
            email: "Ana@Example.com".to_owned(),
            sub: "7335d417-61da-459d-899c-0a01c76a2f94".to_owned(),
            aud: vec![AUD.to_owned()],
            iat: NOW - 10,
            nbf: Some(NOW - 10),
            exp: NOW + 3600,
            identity_nonce: Some("6ei69kawdKzMIAPF".to_owned()),
        }
    );
}

#[test]
fn the_previous_key_still_verifies_its_tokens_during_a_rotation() {
    assert!(keys().kids().eq([OLD_KID, NEW_KID]));
    assert!(check(&token(OLD_KID, key(0), &claims())).is_ok());
    assert!(check(&token(NEW_KID, key(1), &claims())).is_ok());
}

#[test]
fn a_forged_signature_is_refused() {
    // Signed with the other key of the set, under this key's id.
    let wrong_key = token(NEW_KID, key(0), &claims());
    assert_eq!(check(&wrong_key), Err(AccessRefusal::BadSignature));
    // A claim changed after signing.
    let good = with(|_| {});
    let [header, _, signature] = good.split('.').collect::<Vec<_>>()[..] else {
        unreachable!()
    };
    let mut edited = claims();
    edited["email"] = json!("owner@example.com");
    let tampered = format!("{header}.{}.{signature}", b64(&edited));
    assert_eq!(check(&tampered), Err(AccessRefusal::BadSignature));
    // A signature one byte short, or padded with a zero byte.
    let bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let body = good.rsplit_once('.').unwrap().0;
    let short = format!("{body}.{}", URL_SAFE_NO_PAD.encode(&bytes[1..]));
    let padded = format!(
        "{body}.{}",
        URL_SAFE_NO_PAD.encode([&[0][..], &bytes].concat())
    );
    assert_eq!(check(&short), Err(AccessRefusal::BadSignature));
    assert_eq!(check(&padded), Err(AccessRefusal::BadSignature));
}

#[test]
fn an_unknown_kid_asks_for_the_keys_again() {
    let refusal = check(&token("rotated-in-since", key(1), &claims())).unwrap_err();
    assert_eq!(refusal, AccessRefusal::UnknownKey);
    assert!(refusal.fetch_keys_again());
    assert_eq!(refusal.reason(), "unknown key");
    // Once fetched, the new key verifies.
    let fresh = json!({ "keys": [jwk("rotated-in-since", key(1))] }).to_string();
    let fresh = Jwks::from_json(&fresh).unwrap();
    let token = token("rotated-in-since", key(1), &claims());
    assert!(verify(&token, &fresh, &team(), NOW).is_ok());
    // A token without a kid is not a key to look for.
    let header = json!({ "alg": "RS256" });
    let no_kid = signed_raw(&header, &b64(&claims()), key(1));
    assert_eq!(check(&no_kid), Err(AccessRefusal::Malformed));
}

#[test]
fn expiry_holds_with_a_minute_of_skew() {
    let expired = with(|c| c["exp"] = json!(NOW - 61));
    assert_eq!(check(&expired), Err(AccessRefusal::Expired));
    assert_eq!(AccessRefusal::Expired.reason(), "sign-in expired");
    let at_the_edge = with(|c| c["exp"] = json!(NOW - CLOCK_SKEW_SECONDS));
    assert_eq!(check(&at_the_edge), Err(AccessRefusal::Expired));
    let within_skew = with(|c| c["exp"] = json!(NOW - 30));
    assert!(check(&within_skew).is_ok());
    let no_exp = with(|c| {
        c.as_object_mut().unwrap().remove("exp");
    });
    assert_eq!(check(&no_exp), Err(AccessRefusal::Malformed));
}

#[test]
fn nbf_in_the_future_is_refused_beyond_the_skew() {
    let later = with(|c| c["nbf"] = json!(NOW + 61));
    assert_eq!(check(&later), Err(AccessRefusal::NotYetValid));
    let within_skew = with(|c| c["nbf"] = json!(NOW + 30));
    assert!(check(&within_skew).is_ok());
    let no_nbf = with(|c| {
        c.as_object_mut().unwrap().remove("nbf");
    });
    assert_eq!(check(&no_nbf).unwrap().nbf, None);
}

#[test]
fn iat_in_the_future_is_refused_beyond_the_skew() {
    let issued_later = with(|c| c["iat"] = json!(NOW + 61));
    assert_eq!(check(&issued_later), Err(AccessRefusal::NotYetValid));
    let within_skew = with(|c| c["iat"] = json!(NOW + 60));
    assert!(check(&within_skew).is_ok());
    let fractional = with(|c| c["iat"] = json!(1.5));
    assert_eq!(check(&fractional), Err(AccessRefusal::Malformed));
}

#[test]
fn aud_must_contain_this_application() {
    let other = "97e2aae120121f902df8bc99fc345913ab186d174f3079ea729236766b2e7c4a";
    let wrong = with(|c| c["aud"] = json!([other]));
    assert_eq!(check(&wrong), Err(AccessRefusal::WrongAudience));
    assert_eq!(
        AccessRefusal::WrongAudience.reason(),
        "not for this application"
    );
    let as_string = with(|c| c["aud"] = json!(AUD));
    assert_eq!(check(&as_string).unwrap().aud, [AUD]);
    let among_others = with(|c| c["aud"] = json!([other, AUD]));
    assert_eq!(check(&among_others).unwrap().aud, [other, AUD]);
    for missing in [json!([]), json!(other), Value::Null] {
        let token = with(|c| c["aud"] = missing.clone());
        assert_eq!(
            check(&token),
            Err(AccessRefusal::WrongAudience),
            "{missing}"
        );
    }
    let prefix = with(|c| c["aud"] = json!(&AUD[..32]));
    assert_eq!(check(&prefix), Err(AccessRefusal::WrongAudience));
}

#[test]
fn iss_must_be_the_team_domain_exactly() {
    for other in [
        "https://evil.cloudflareaccess.com",
        "https://acme.cloudflareaccess.com/",
        "http://acme.cloudflareaccess.com",
        "acme.cloudflareaccess.com",
    ] {
        let token = with(|c| c["iss"] = json!(other));
        assert_eq!(check(&token), Err(AccessRefusal::WrongIssuer), "{other}");
    }
    let none = with(|c| {
        c.as_object_mut().unwrap().remove("iss");
    });
    assert_eq!(check(&none), Err(AccessRefusal::WrongIssuer));
    // The configured domain, however written, is compared in Access's form.
    let written_loosely = AccessTeam::new("acme.cloudflareaccess.com/", AUD).unwrap();
    assert!(verify(&with(|_| {}), &keys(), &written_loosely, NOW).is_ok());
}

#[test]
fn alg_none_is_refused_before_any_key() {
    let payload = b64(&claims());
    for header in [
        json!({ "alg": "none", "kid": NEW_KID }),
        json!({ "alg": "none" }),
        json!({ "alg": "None", "kid": NEW_KID }),
    ] {
        let unsigned = format!("{}.{payload}.", b64(&header));
        assert_eq!(check(&unsigned), Err(AccessRefusal::AlgorithmNotAllowed));
        // Even with a signature that would verify under RS256.
        let signed = signed_raw(&header, &payload, key(1));
        assert_eq!(check(&signed), Err(AccessRefusal::AlgorithmNotAllowed));
    }
}

#[test]
fn hs256_signed_with_the_public_key_is_refused() {
    let public = key(1).to_public_key();
    let secrets = [
        public.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        key(1).n().to_bytes_be(),
        jwk(NEW_KID, key(1)).to_string().into_bytes(),
        certs().into_bytes(),
    ];
    for secret in secrets {
        let header = json!({ "alg": "HS256", "kid": NEW_KID, "typ": "JWT" });
        let input = format!("{}.{}", b64(&header), b64(&claims()));
        let mut mac = Hmac::<Sha256>::new_from_slice(&secret).unwrap();
        mac.update(input.as_bytes());
        let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        let token = format!("{input}.{tag}");
        assert_eq!(check(&token), Err(AccessRefusal::AlgorithmNotAllowed));
    }
    for alg in ["RS384", "RS512", "PS256", "ES256", "rs256", "RS256 ", ""] {
        let header = json!({ "alg": alg, "kid": NEW_KID });
        let token = signed_raw(&header, &b64(&claims()), key(1));
        assert_eq!(
            check(&token),
            Err(AccessRefusal::AlgorithmNotAllowed),
            "{alg:?}"
        );
    }
}

#[test]
fn only_three_segments_make_a_token() {
    let good = with(|_| {});
    let parts: Vec<&str> = good.split('.').collect();
    for bad in [
        String::new(),
        parts[0].to_owned(),
        parts[..2].join("."),
        format!("{good}.{}", parts[2]),
        format!("{good}."),
        format!(".{good}"),
    ] {
        assert_eq!(check(&bad), Err(AccessRefusal::Malformed), "{bad}");
    }
    let huge = format!("{good}{}", "A".repeat(MAX_TOKEN_BYTES));
    assert_eq!(check(&huge), Err(AccessRefusal::Malformed));
}

#[test]
fn bad_base64_is_malformed() {
    let good = with(|_| {});
    let parts: Vec<&str> = good.split('.').collect();
    let header = json!({ "alg": "RS256", "kid": NEW_KID });
    let bad_header = format!("{}!.{}.{}", parts[0], parts[1], parts[2]);
    let padded_header = format!("{}=.{}.{}", b64(&header), parts[1], parts[2]);
    let bad_signature = format!("{}.{}.{}*", parts[0], parts[1], parts[2]);
    let standard_alphabet = format!("{}.{}.{}+/", parts[0], parts[1], parts[2]);
    // A payload that is not base64url, yet signed: it passes the signature, then fails.
    let bad_payload = signed_raw(&header, "e30!", key(1));
    let not_json = signed_raw(&header, &URL_SAFE_NO_PAD.encode("not json"), key(1));
    let header_not_json = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode("{"), parts[1], parts[2]);
    for bad in [
        bad_header,
        padded_header,
        bad_signature,
        bad_payload,
        not_json,
        header_not_json,
        standard_alphabet,
    ] {
        assert_eq!(check(&bad), Err(AccessRefusal::Malformed), "{bad}");
    }
}

#[test]
fn a_token_without_an_email_is_no_one() {
    // A service token's JWT carries a common_name and no email.
    let service = with(|c| {
        let c = c.as_object_mut().unwrap();
        c.remove("email");
        c.insert("common_name".into(), json!("a1b2c3.access"));
        c.insert("sub".into(), json!(""));
    });
    assert_eq!(check(&service), Err(AccessRefusal::NoEmail));
    for not_an_email in [json!(""), json!("  "), json!("ana")] {
        let token = with(|c| c["email"] = not_an_email.clone());
        assert_eq!(check(&token), Err(AccessRefusal::NoEmail), "{not_an_email}");
    }
    let not_a_string = with(|c| c["email"] = json!(7));
    assert_eq!(check(&not_a_string), Err(AccessRefusal::Malformed));
}

#[test]
fn crit_extensions_are_not_understood() {
    let header = json!({ "alg": "RS256", "kid": NEW_KID, "crit": ["exp"] });
    let token = signed_raw(&header, &b64(&claims()), key(1));
    assert_eq!(check(&token), Err(AccessRefusal::Malformed));
}

#[test]
fn refusals_say_little_and_name_no_check() {
    use AccessRefusal as R;
    let all = [
        R::Malformed,
        R::AlgorithmNotAllowed,
        R::UnknownKey,
        R::BadSignature,
        R::WrongIssuer,
        R::WrongAudience,
        R::Expired,
        R::NotYetValid,
        R::NoEmail,
    ];
    for refusal in all {
        assert_eq!(refusal.to_string(), refusal.reason());
        assert!(refusal.reason().len() <= 45, "{refusal:?}");
        assert_eq!(refusal.fetch_keys_again(), refusal == R::UnknownKey);
    }
    // The algorithm, the signature and the issuer are one answer to the caller.
    assert_eq!(R::AlgorithmNotAllowed.reason(), R::BadSignature.reason());
    assert_eq!(R::WrongIssuer.reason(), R::BadSignature.reason());
}

#[test]
fn the_jwks_keeps_only_rs256_signing_keys() {
    let short = RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(3), 1024).unwrap();
    let mut encryption = jwk("enc", key(0));
    encryption["use"] = json!("enc");
    let mut ps256 = jwk("ps", key(0));
    ps256["alg"] = json!("PS256");
    let mut no_alg = jwk("plain", key(0));
    no_alg.as_object_mut().unwrap().remove("alg");
    let ec = json!({ "kid": "ec", "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA" });
    let mut bad_n = jwk("bad-n", key(0));
    bad_n["n"] = json!("not base64!");
    let doc = json!({ "keys": [encryption, ps256, ec, bad_n, jwk("short", &short), no_alg,
                               jwk(NEW_KID, key(1))] });
    let keys = Jwks::from_json(&doc.to_string()).unwrap();
    assert!(keys.kids().eq(["plain", NEW_KID]));
    // A token naming a key that was left out is signed by no key we know.
    let token = token("short", &short, &claims());
    assert_eq!(
        verify(&token, &keys, &team(), NOW),
        Err(AccessRefusal::UnknownKey)
    );
}

#[test]
fn unusable_jwks_documents_are_refused() {
    assert_eq!(Jwks::from_json("<html>"), Err(JwksError::NotJwks));
    assert_eq!(Jwks::from_json("{}"), Err(JwksError::NotJwks));
    assert_eq!(
        Jwks::from_json(r#"{"keys": []}"#),
        Err(JwksError::NoUsableKey)
    );
    let twice = json!({ "keys": [jwk(NEW_KID, key(0)), jwk(NEW_KID, key(1))] });
    assert_eq!(
        Jwks::from_json(&twice.to_string()),
        Err(JwksError::DuplicateKid(NEW_KID.to_owned()))
    );
}
