//! Where a number's access token may be sent when a WhatsApp media file is downloaded.
//!
//! Graph's media metadata (`GET /<version>/<media id>`) names a short-lived `url` that must be
//! fetched with the number's bearer token. That URL is data from outside, so the bearer goes
//! only to:
//! - `https://lookaside.fbsbx.com`, the host Meta serves Cloud API media from. Source: Meta's
//!   "Media" reference (Retrieve Media URL / Download Media: `"url":
//!   "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=…"`), and the same host in
//!   the media code and fixtures of client libraries that check it (a `trusted_meta_media_url`
//!   allow-list, `downloadMetaDepositProof`, python and Node SDK tests);
//! - the origin of the configured `GRAPH_API_BASE` (the local Graph stand-in in tests, or a
//!   proxy an owner deliberately points the Worker at).
//!
//! A redirect is followed (at most [`MAX_REDIRECTS`]) only to one of those places or to Meta's
//! CDN hosts (`*.fbsbx.com`, `*.fbcdn.net`, over https), and the bearer goes along only while
//! the origin stays the one it was meant for. Anything else is a permanent failure with a reason.

use url::Url;

/// Hosts Meta serves WhatsApp media from, over https (see the module docs for the source).
pub const META_MEDIA_HOSTS: [&str; 1] = ["lookaside.fbsbx.com"];
/// Meta's CDN domains a media download may be redirected to (without the bearer unless the
/// origin is unchanged).
pub const META_CDN_SUFFIXES: [&str; 2] = [".fbsbx.com", ".fbcdn.net"];
/// Redirects followed for one download.
pub const MAX_REDIRECTS: usize = 3;

/// One hop of a media download: where to go, and whether the bearer goes too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: String,
    pub with_bearer: bool,
}

fn is_graph_origin(url: &Url, graph_base: &str) -> bool {
    Url::parse(graph_base).is_ok_and(|base| base.origin() == url.origin())
}

fn is_meta_media_host(url: &Url) -> bool {
    url.scheme() == "https"
        && url.port().is_none()
        && url
            .host_str()
            .is_some_and(|h| META_MEDIA_HOSTS.contains(&h.to_ascii_lowercase().as_str()))
}

fn is_meta_cdn(url: &Url) -> bool {
    url.scheme() == "https"
        && url.port().is_none()
        && url.host_str().is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            META_CDN_SUFFIXES.iter().any(|s| h.ends_with(s))
        })
}

/// The first hop: the metadata's `url`, which must be Meta's media host or Graph's own origin.
pub fn first_hop(url: &str, graph_base: &str) -> Result<Hop, String> {
    let parsed = Url::parse(url).map_err(|_| "the media URL Meta gave is not a URL".to_owned())?;
    if is_meta_media_host(&parsed) || is_graph_origin(&parsed, graph_base) {
        Ok(Hop {
            url: parsed.into(),
            with_bearer: true,
        })
    } else {
        Err(format!(
            "the media URL points to {} rather than Meta's media host: not fetched, so the access token stays private",
            parsed.origin().ascii_serialization()
        ))
    }
}

/// The hop after `from` answered a redirect to `location` (absolute or relative).
pub fn next_hop(from: &Hop, location: &str, graph_base: &str) -> Result<Hop, String> {
    let from_url = Url::parse(&from.url).map_err(|_| "bad redirect origin".to_owned())?;
    let next = from_url
        .join(location)
        .map_err(|_| "the media URL redirected to something that is not a URL".to_owned())?;
    let allowed =
        is_meta_media_host(&next) || is_meta_cdn(&next) || is_graph_origin(&next, graph_base);
    if !allowed {
        return Err(format!(
            "the media URL redirected to {}: not followed",
            next.origin().ascii_serialization()
        ));
    }
    Ok(Hop {
        with_bearer: from.with_bearer && next.origin() == from_url.origin(),
        url: next.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAPH: &str = "https://graph.facebook.com";
    const LOCAL: &str = "http://127.0.0.1:8788";

    #[test]
    fn the_bearer_goes_to_meta_media_or_graph_itself() {
        let meta = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2";
        assert!(first_hop(meta, GRAPH).unwrap().with_bearer);
        assert!(first_hop("http://127.0.0.1:8788/media-download?mid=1", LOCAL).is_ok());
        assert!(first_hop("https://graph.facebook.com/v23.0/x", GRAPH).is_ok());
    }

    #[test]
    fn anywhere_else_is_refused_with_a_reason() {
        for evil in [
            "http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
            "https://lookaside.fbsbx.com:8443/x",
            "https://lookaside.fbsbx.com.evil.example/x",
            "https://evil.example/?u=https://lookaside.fbsbx.com/",
            "https://user@evil.example/",
            "http://127.0.0.1:9999/steal",
            "http://169.254.169.254/latest/meta-data",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "not a url",
        ] {
            let refused = first_hop(evil, LOCAL);
            assert!(refused.is_err(), "{evil}");
        }
        assert!(first_hop("http://127.0.0.1:9999/steal", LOCAL)
            .unwrap_err()
            .contains("http://127.0.0.1:9999"));
    }

    #[test]
    fn redirects_stay_with_meta_and_the_bearer_stays_with_its_origin() {
        let first = first_hop("https://lookaside.fbsbx.com/a?mid=1", GRAPH).unwrap();
        let same = next_hop(&first, "/b?mid=1", GRAPH).unwrap();
        assert_eq!(same.url, "https://lookaside.fbsbx.com/b?mid=1");
        assert!(same.with_bearer);
        let cdn = next_hop(&first, "https://scontent.xx.fbcdn.net/v/t1", GRAPH).unwrap();
        assert!(!cdn.with_bearer, "another origin never sees the token");
        let back = next_hop(&cdn, "https://lookaside.fbsbx.com/c", GRAPH).unwrap();
        assert!(!back.with_bearer, "once dropped, it stays dropped");
        assert!(next_hop(&first, "https://evil.example/x", GRAPH).is_err());
        assert!(next_hop(&first, "http://scontent.xx.fbcdn.net/x", GRAPH).is_err());
    }
}
