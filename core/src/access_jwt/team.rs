//! The Access team this deployment trusts: its issuer (from `ACCESS_TEAM_DOMAIN`), where its keys
//! are served, and the application's audience tag (`ACCESS_AUD`).

use crate::settings::{field_error, normalize_origin, FieldError};

/// The team domain and audience, checked once when the edge reads its vars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTeam {
    issuer: String,
    audience: String,
}

impl AccessTeam {
    /// `team_domain` may be written `https://acme.cloudflareaccess.com`, with a trailing slash,
    /// or without the scheme; it becomes the exact `iss` Access writes: `https://` and the host,
    /// no slash. Plain `http://` is accepted only for a local stand-in (localhost, 127.0.0.1).
    pub fn new(team_domain: &str, audience: &str) -> Result<Self, FieldError> {
        const DOMAIN: &str = "ACCESS_TEAM_DOMAIN";
        let written = team_domain.trim();
        let with_scheme = if written.contains("://") {
            written.to_owned()
        } else {
            format!("https://{written}")
        };
        let issuer = normalize_origin(&with_scheme).ok_or_else(|| {
            field_error(
                DOMAIN,
                "must be your team domain, like https://acme.cloudflareaccess.com",
            )
        })?;
        let (scheme, host) = issuer.split_once("://").unwrap_or_default();
        let host_name = host.rsplit_once(':').map_or(host, |(name, _)| name);
        let local = matches!(host_name, "localhost" | "127.0.0.1");
        if scheme != "https" && !local {
            return Err(field_error(DOMAIN, "must use https://"));
        }
        if !host_name.contains('.') && !local {
            return Err(field_error(
                DOMAIN,
                "is the whole team domain (https://acme.cloudflareaccess.com), not only the team name",
            ));
        }
        let audience = audience.trim();
        if audience.is_empty()
            || audience.len() > 256
            || !audience.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(field_error(
                "ACCESS_AUD",
                "must be the Application Audience (AUD) tag of the Access application",
            ));
        }
        Ok(Self {
            issuer,
            audience: audience.to_owned(),
        })
    }

    /// The `iss` every token must carry, e.g. `https://acme.cloudflareaccess.com`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The `ACCESS_AUD` tag every token's `aud` must contain.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Where the team's signing keys are served (a JWKS document).
    pub fn certs_url(&self) -> String {
        format!("{}/cdn-cgi/access/certs", self.issuer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_team_domain_becomes_the_exact_issuer() {
        for written in [
            "https://acme.cloudflareaccess.com",
            "https://acme.cloudflareaccess.com/",
            " https://ACME.cloudflareaccess.com ",
            "acme.cloudflareaccess.com",
        ] {
            let team = AccessTeam::new(written, "aud").unwrap();
            assert_eq!(
                team.issuer(),
                "https://acme.cloudflareaccess.com",
                "{written}"
            );
            assert_eq!(
                team.certs_url(),
                "https://acme.cloudflareaccess.com/cdn-cgi/access/certs"
            );
        }
        let local = AccessTeam::new("http://127.0.0.1:8790", "aud").unwrap();
        assert_eq!(local.issuer(), "http://127.0.0.1:8790");
    }

    #[test]
    fn odd_team_domains_and_audiences_are_refused_by_name() {
        for bad in [
            "",
            "acme",
            "http://acme.cloudflareaccess.com",
            "https://acme.cloudflareaccess.com/cdn-cgi/access/certs",
            "ftp://acme.cloudflareaccess.com",
        ] {
            let err = AccessTeam::new(bad, "aud").unwrap_err();
            assert_eq!(err.field, "ACCESS_TEAM_DOMAIN", "{bad}");
        }
        for bad in ["", "  ", "two words", &"a".repeat(257)] {
            let err = AccessTeam::new("acme.cloudflareaccess.com", bad).unwrap_err();
            assert_eq!(err.field, "ACCESS_AUD", "{bad:?}");
        }
    }
}
