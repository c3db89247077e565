//! Demo or production: what a start runs with, decided once from the configuration.
//!
//! The demo is explicit (`--demo`): it seeds the demo registry, accounts and keys, makes the
//! test PKI (with its CA keys, OCSP responder and TSA in-process) and runs the TEST doubles
//! (`crate::test_doubles`) for the parties it cannot reach. A plain start is production: it
//! has none of these, and refuses to start — naming every missing setting at once — without
//! a real SMS provider, a payment provider (or `--payments off`), the trust roots from files
//! and the OCSP and TSA addresses. `qyzmet-server check-config` prints what a configuration
//! would run with, secrets masked.

use crate::Config;
use std::fmt::Write as _;

/// Mobizon's API (`--sms-provider mobizon`): its address, the key (from the environment
/// only: `QYZMET_MOBIZON_API_KEY`) and the approved sender name, if any.
#[derive(Debug, Clone, Default)]
pub struct MobizonSettings {
    pub api_url: String,
    pub api_key: Option<String>,
    pub sender: Option<String>,
}

/// Halyk Bank's ePay (`--payments epay`): the OAuth token endpoint, the payment page's script,
/// the merchant's credentials (the secret from the environment only) and terminal.
#[derive(Debug, Clone, Default)]
pub struct EpaySettings {
    pub oauth_url: Option<String>,
    pub page_script_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub terminal: Option<String>,
}

/// Who takes fees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PaymentsChoice {
    /// Not said: the TEST gateway in the demo, a refusal to start in production.
    #[default]
    Unset,
    /// No fees are taken here (deployments whose services have none): starting a payment
    /// answers "unavailable".
    Off,
    /// TEST: the built-in gateway that moves no money (demo only).
    Test,
    Epay,
}

impl PaymentsChoice {
    pub fn parse(s: &str) -> Option<PaymentsChoice> {
        match s {
            "off" => Some(PaymentsChoice::Off),
            "test" => Some(PaymentsChoice::Test),
            "epay" => Some(PaymentsChoice::Epay),
            _ => None,
        }
    }
}

/// A secret as an operator may see it in a log: its length and last two characters.
pub fn masked(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if secret.chars().count() <= 6 {
        "****".into()
    } else {
        format!("****{tail} ({} characters)", secret.chars().count())
    }
}

/// The settings a production start lacks, each named by its flag and variable.
pub fn missing(config: &Config) -> Vec<&'static str> {
    if config.demo {
        // The demo's own PKI answers OCSP and stamps in-process; trust roots from files have
        // no responder or TSA of ours, so they need the real ones even in the demo.
        let mut missing = Vec::new();
        if config.trust_dir.is_some() {
            if config.ocsp_url.is_none() {
                missing.push(
                    "--ocsp-url (QYZMET_OCSP_URL): the OCSP responder of the CAs in --trust-dir",
                );
            }
            if config.tsa_url.is_none() {
                missing.push("--tsa-url (QYZMET_TSA_URL): the time-stamp authority (the CAs in --trust-dir have none here)");
            }
        }
        return missing;
    }
    let mut missing = Vec::new();
    match &config.sms {
        None => missing.push(
            "--sms-provider mobizon (QYZMET_SMS_PROVIDER): the SMS provider one-time codes go through",
        ),
        Some(m) if m.api_key.as_deref().is_none_or(str::is_empty) => {
            missing.push("QYZMET_MOBIZON_API_KEY: the SMS provider's API key")
        }
        Some(_) => {}
    }
    match config.payments {
        PaymentsChoice::Unset => missing.push(
            "--payments epay|off (QYZMET_PAYMENTS): the payment provider fees are paid through, or off where no service has a fee",
        ),
        PaymentsChoice::Test => {
            missing.push("--payments epay|off (QYZMET_PAYMENTS): the TEST gateway is the demo's only")
        }
        PaymentsChoice::Off => {}
        PaymentsChoice::Epay => {
            let e = &config.epay;
            let unset = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
            if unset(&e.oauth_url) {
                missing.push("--epay-oauth-url (QYZMET_EPAY_OAUTH_URL): ePay's token endpoint");
            }
            if unset(&e.page_script_url) {
                missing.push(
                    "--epay-page-script (QYZMET_EPAY_PAGE_SCRIPT): ePay's payment page script",
                );
            }
            if unset(&e.client_id) {
                missing.push("--epay-client-id (QYZMET_EPAY_CLIENT_ID): the merchant's client id");
            }
            if unset(&e.client_secret) {
                missing.push("QYZMET_EPAY_CLIENT_SECRET: the merchant's client secret");
            }
            if unset(&e.terminal) {
                missing.push("--epay-terminal (QYZMET_EPAY_TERMINAL): the merchant's terminal id");
            }
            if config.public_url.as_deref().is_none_or(str::is_empty) {
                missing.push(
                    "--public-url (QYZMET_PUBLIC_URL): the portal's address, where the acquirer's callback and the payer's return go",
                );
            }
        }
    }
    if config.trust_dir.is_none() {
        missing.push(
            "--trust-dir (QYZMET_TRUST_DIR): the CA certificates and CRLs signatures are verified against (NCA RK's)",
        );
    }
    if config.ocsp_url.is_none() {
        missing.push(
            "--ocsp-url (QYZMET_OCSP_URL): the OCSP responder (NCA RK's: http://ocsp.pki.gov.kz/)",
        );
    }
    if config.tsa_url.is_none() {
        missing.push("--tsa-url (QYZMET_TSA_URL): the time-stamp authority (NCA RK's: http://tsp.pki.gov.kz/)");
    }
    missing
}

/// Stops a production start that lacks settings, naming them all.
pub fn check(config: &Config) -> anyhow::Result<()> {
    let missing = missing(config);
    if missing.is_empty() {
        return Ok(());
    }
    let mut text = String::from(if config.demo {
        "qyzmet-server will not start the demo on the trust roots of --trust-dir without these settings:\n"
    } else {
        "qyzmet-server will not start in production mode without these settings:\n"
    });
    for m in &missing {
        let _ = writeln!(text, "  - {m}");
    }
    if !config.demo {
        text.push_str("(for the demo with its TEST doubles and demo accounts, start with --demo)");
    }
    anyhow::bail!(text)
}

/// What a configuration runs with, for `check-config` and the start-up log; no secret in it.
pub fn describe(config: &Config) -> String {
    let mut out = String::new();
    let mode = if config.demo {
        "demo (TEST doubles, demo registry, accounts and keys)"
    } else {
        "production"
    };
    let _ = writeln!(out, "mode:            {mode}");
    let _ = writeln!(out, "listen:          {}", config.addr);
    let _ = writeln!(out, "data directory:  {}", config.data_dir.display());
    let database = match &config.database_url {
        Some(url) => mask_url(url),
        None => format!("SQLite in {}", config.data_dir.display()),
    };
    let _ = writeln!(out, "database:        {database}");
    let _ = writeln!(
        out,
        "attachments:     {}",
        config
            .object_store
            .clone()
            .unwrap_or_else(|| format!("{}/attachments", config.data_dir.display()))
    );
    let _ = writeln!(out, "SMS:             {}", describe_sms(config));
    let payments = describe_payments(config);
    let _ = writeln!(out, "payments:        {payments}");
    let trust = match (&config.trust_dir, config.demo) {
        (Some(dir), _) => format!("CA certificates and CRLs from {}", dir.display()),
        (None, true) => format!(
            "the test PKI in {}/pki (made on first start)",
            config.data_dir.display()
        ),
        (None, false) => "NOT SET".into(),
    };
    let _ = writeln!(out, "trust roots:     {trust}");
    let own = |v: &Option<String>, what: &str| match (v, config.demo) {
        (Some(url), _) => url.clone(),
        (None, true) => format!("the test PKI's own {what} (in-process)"),
        (None, false) => "NOT SET".into(),
    };
    let _ = writeln!(
        out,
        "OCSP:            {}",
        own(&config.ocsp_url, "responder")
    );
    let _ = writeln!(out, "time stamps:     {}", own(&config.tsa_url, "TSA"));
    let proxies = if config.trusted_proxies.is_empty() {
        "none (each connection counted by its own address)".to_string()
    } else {
        config
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "trusted proxies: {proxies}");
    out
}

/// The SMS provider as `describe` names it.
fn describe_sms(config: &Config) -> String {
    match &config.sms {
        Some(m) => format!(
            "Mobizon at {} (key {}, sender {})",
            m.api_url,
            m.api_key.as_deref().map_or("NOT SET".into(), masked),
            m.sender.as_deref().unwrap_or("the account's default")
        ),
        None if config.demo => "TEST outbox (/test-sms-outbox)".into(),
        None => "NOT SET".into(),
    }
}

/// The payment provider as `describe` names it (the secret masked).
fn describe_payments(config: &Config) -> String {
    match config.payments {
        PaymentsChoice::Epay => {
            let e = &config.epay;
            let or_unset = |v: &Option<String>| v.clone().unwrap_or_else(|| "NOT SET".into());
            format!(
                "Halyk ePay (token {}, page script {}, client {}, secret {}, terminal {}, callbacks to {}/api/payments/epay/callback)",
                or_unset(&e.oauth_url),
                or_unset(&e.page_script_url),
                or_unset(&e.client_id),
                e.client_secret.as_deref().map_or("NOT SET".into(), masked),
                or_unset(&e.terminal),
                config.public_url.as_deref().unwrap_or("NOT SET"),
            )
        }
        PaymentsChoice::Off => "off (no fee can be paid here)".into(),
        PaymentsChoice::Test => "TEST gateway (moves no money)".into(),
        PaymentsChoice::Unset if config.demo => "TEST gateway (moves no money)".into(),
        PaymentsChoice::Unset => "NOT SET".into(),
    }
}

/// A URL with its password replaced (`postgres://user:****@host/db`).
fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Config {
        Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: "data".into(),
            dist_dir: "dist".into(),
            catalogue_dir: "catalogue".into(),
            database_url: Some("postgres://qyzmet:hunter2-secret@db:5432/qyzmet".into()),
            demo: false,
            ocsp_url: None,
            tsa_url: None,
            object_store: None,
            trusted_proxies: Vec::new(),
            sms: None,
            payments: PaymentsChoice::Unset,
            epay: EpaySettings::default(),
            public_url: None,
            trust_dir: None,
        }
    }

    #[test]
    fn a_production_start_names_every_missing_setting() {
        let config = production();
        let missing = missing(&config);
        for name in [
            "--sms-provider",
            "--payments",
            "--trust-dir",
            "--ocsp-url",
            "--tsa-url",
        ] {
            assert!(
                missing.iter().any(|m| m.starts_with(name)),
                "{name} in {missing:?}"
            );
        }
        let refusal = check(&config).unwrap_err().to_string();
        assert!(refusal.contains("--demo"), "{refusal}");
        let demo = Config {
            demo: true,
            ..production()
        };
        assert!(check(&demo).is_ok());
        // The demo on real trust roots has no in-process responder or TSA to fall back on.
        let demo_on_real_roots = Config {
            trust_dir: Some("nca".into()),
            ..demo
        };
        let refusal = check(&demo_on_real_roots).unwrap_err().to_string();
        assert!(
            refusal.contains("--ocsp-url") && refusal.contains("--tsa-url"),
            "{refusal}"
        );
    }

    #[test]
    fn epay_needs_all_its_settings_and_test_is_not_for_production() {
        let mut config = production();
        config.payments = PaymentsChoice::Epay;
        config.epay.client_id = Some("merchant".into());
        let missing = missing(&config);
        assert!(
            missing
                .iter()
                .any(|m| m.starts_with("QYZMET_EPAY_CLIENT_SECRET"))
        );
        assert!(missing.iter().any(|m| m.starts_with("--public-url")));
        assert!(!missing.iter().any(|m| m.starts_with("--epay-client-id")));
        config.payments = PaymentsChoice::Test;
        assert!(
            super::missing(&config)
                .iter()
                .any(|m| m.contains("TEST gateway"))
        );
    }

    #[test]
    fn secrets_are_masked_in_what_an_operator_reads() {
        let mut config = production();
        config.sms = Some(MobizonSettings {
            api_url: "https://api.mobizon.kz".into(),
            api_key: Some("kz1234567890abcdefSECRET".into()),
            sender: None,
        });
        let text = describe(&config);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("kz1234567890abcdef"), "{text}");
        assert!(text.contains("****ET (24 characters)"), "{text}");
        assert!(text.contains("mode:            production"));
    }
}
