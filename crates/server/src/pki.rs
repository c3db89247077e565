//! The test PKI: made on first start in `<data>/pki/` (never committed), in the manner of
//! NCA RK — a root CA, an issuing CA under it, and for every demo account a signing key and a
//! separate authentication key as password-protected `.p12` files. Also issued, for trying
//! every refusal: an expired certificate, a not-yet-valid one, a revoked one (on the CRL), one
//! from a foreign CA with the same names, and one whose IIN is not the account's.
//!
//! The issuing CA's key stays in the data directory so the CRL can be re-signed: it is
//! current for a week and re-issued a day after it was made.

use crate::demo;
use base64::Engine;
use qyzmet_eds::issue::{Authority, Issued, Period};
use qyzmet_eds::{Certificate, CertificateList, Purpose, TrustStore};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use x509_cert::der::{Decode, Encode};
use x509_cert::serial_number::SerialNumber;

/// The password of every demo key file (NCA RK's test keys use the same).
pub const DEMO_PASSWORD: &str = "Qwerty12";
const DAY: i64 = 86_400;
const CRL_LIFETIME: i64 = 7 * DAY;
const CRL_REFRESH_AFTER: i64 = DAY;
const ROOT_NAME: &str = "Qyzmet TEST Root CA";
const ISSUING_NAME: &str = "Qyzmet TEST Issuing CA (RSA)";
/// The demo citizen the "bad" certificates are made for.
const TEST_HOLDER: &str = "880315412341";

pub struct Pki {
    dir: PathBuf,
    pub root: Certificate,
    pub issuing: Certificate,
    issuing_authority: Authority,
    revoked: Vec<(SerialNumber, i64)>,
    crl: Mutex<CertificateList>,
}

/// One key file made for the demo, for printing where it is.
#[derive(Debug, Clone)]
pub struct KeyFile {
    pub path: PathBuf,
    pub what: String,
}

impl Pki {
    /// Opens the PKI in `data_dir`, making it first if there is none.
    pub fn open_or_create(data_dir: &Path, now: i64) -> anyhow::Result<Pki> {
        let dir = data_dir.join("pki");
        if !dir.join("root-ca.cer").exists() {
            let started = std::time::Instant::now();
            create(&dir, now)?;
            tracing::info!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "test PKI created"
            );
        }
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| anyhow::anyhow!("{}: {e}", dir.join(name).display()))
        };
        let root = Certificate::from_der(&read("root-ca.cer")?)?;
        let issuing = Certificate::from_der(&read("issuing-ca.cer")?)?;
        let issuing_authority = Authority::from_parts(issuing.clone(), &read("issuing-ca.key")?)?;
        let revoked = parse_revoked(&String::from_utf8(read("revoked.txt")?)?)?;
        let crl = CertificateList::from_der(&read("issuing-ca.crl")?)?;
        let pki = Pki {
            dir,
            root,
            issuing,
            issuing_authority,
            revoked,
            crl: Mutex::new(crl),
        };
        pki.current_crl(now)?;
        Ok(pki)
    }

    /// What submissions and logins are verified against, with a current CRL.
    pub fn trust(&self, now: i64) -> anyhow::Result<TrustStore> {
        Ok(TrustStore {
            anchors: vec![self.root.clone()],
            intermediates: vec![self.issuing.clone()],
            crls: vec![self.current_crl(now)?],
        })
    }

    /// The issuing CA's CRL, re-signed when it is a day old.
    pub fn current_crl(&self, now: i64) -> anyhow::Result<CertificateList> {
        let mut crl = self.crl.lock().unwrap_or_else(|p| p.into_inner());
        let made = crl.tbs_cert_list.this_update.to_unix_duration().as_secs() as i64;
        if now - made >= CRL_REFRESH_AFTER || now < made {
            let fresh = self
                .issuing_authority
                .crl(&self.revoked, now, now + CRL_LIFETIME)?;
            write_atomically(&self.dir.join("issuing-ca.crl"), &fresh.to_der()?)?;
            *crl = fresh;
        }
        Ok(crl.clone())
    }

    /// The CA certificates, root last, as PEM (what `openssl -CAfile` takes).
    pub fn chain_pem(&self) -> anyhow::Result<String> {
        Ok(format!(
            "{}{}",
            pem("CERTIFICATE", &self.issuing.to_der()?),
            pem("CERTIFICATE", &self.root.to_der()?)
        ))
    }

    /// The demo key files, in the order `create` lists them.
    pub fn key_files(&self) -> Vec<KeyFile> {
        let Ok(listing) = std::fs::read_to_string(self.dir.join("keys").join("index.tsv")) else {
            return Vec::new();
        };
        listing
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(file, what)| KeyFile {
                path: self.dir.join("keys").join(file),
                what: what.to_string(),
            })
            .collect()
    }
}

pub fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn parse_revoked(text: &str) -> anyhow::Result<Vec<(SerialNumber, i64)>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (hex, at) = line
                .split_once(' ')
                .ok_or_else(|| anyhow::anyhow!("revoked.txt: bad line {line:?}"))?;
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
                .collect::<Result<Vec<u8>, _>>()?;
            Ok((SerialNumber::new(&bytes)?, at.parse()?))
        })
        .collect()
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// One key to issue: what file, for whom, by which CA, for what, when valid.
struct Job {
    file: String,
    what: String,
    subject: qyzmet_eds::issue::Subject,
    purpose: Purpose,
    period: Period,
    foreign: bool,
    revoke: bool,
}

/// Makes the whole PKI in a temporary directory and renames it into place, so a crash
/// half-way leaves no half PKI behind.
fn create(dir: &Path, now: i64) -> anyhow::Result<()> {
    let tmp = dir.with_extension("tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(tmp.join("keys").join("test"))?;
    let ten_years = Period {
        not_before: now - DAY,
        not_after: now + 3650 * DAY,
    };
    let root = Authority::root(ROOT_NAME, ten_years)?;
    let issuing = root.subordinate(ISSUING_NAME, ten_years)?;
    // A CA with the very same names but other keys: trust must be by signature, not by name.
    let foreign_root = Authority::root(ROOT_NAME, ten_years)?;
    let foreign = foreign_root.subordinate(ISSUING_NAME, ten_years)?;

    let jobs = jobs(now)?;
    let results: Vec<anyhow::Result<Issued>> = issue_in_parallel(&jobs, &issuing, &foreign);
    let mut revoked = String::new();
    let mut index = String::new();
    for (job, issued) in jobs.iter().zip(results) {
        let issued = issued?;
        let chain: Vec<&Certificate> = if job.foreign {
            vec![&foreign.certificate, &foreign_root.certificate]
        } else {
            vec![&issuing.certificate, &root.certificate]
        };
        std::fs::write(
            tmp.join("keys").join(&job.file),
            issued.to_pkcs12(&chain, DEMO_PASSWORD)?,
        )?;
        index.push_str(&format!("{}\t{}\n", job.file, job.what));
        if job.revoke {
            let serial = issued.certificate.tbs_certificate.serial_number.as_bytes();
            let hex: String = serial.iter().map(|b| format!("{b:02x}")).collect();
            revoked.push_str(&format!("{hex} {}\n", now - DAY / 2));
        }
    }
    std::fs::write(tmp.join("keys").join("index.tsv"), index)?;
    std::fs::write(tmp.join("revoked.txt"), &revoked)?;
    std::fs::write(tmp.join("root-ca.cer"), root.certificate.to_der()?)?;
    std::fs::write(tmp.join("issuing-ca.cer"), issuing.certificate.to_der()?)?;
    std::fs::write(tmp.join("issuing-ca.key"), issuing.key_pkcs8()?.as_slice())?;
    let crl = issuing.crl(&parse_revoked(&revoked)?, now, now + CRL_LIFETIME)?;
    std::fs::write(tmp.join("issuing-ca.crl"), crl.to_der()?)?;
    std::fs::write(
        tmp.join("chain.pem"),
        format!(
            "{}{}",
            pem("CERTIFICATE", &issuing.certificate.to_der()?),
            pem("CERTIFICATE", &root.certificate.to_der()?)
        ),
    )?;
    std::fs::rename(&tmp, dir)?;
    Ok(())
}

fn jobs(now: i64) -> anyhow::Result<Vec<Job>> {
    let valid = Period {
        not_before: now - DAY,
        not_after: now + 365 * DAY,
    };
    let mut jobs = Vec::new();
    let holders = demo::certificate_holders()?;
    for h in &holders {
        for (purpose, kind) in [
            (Purpose::Signing, "signing"),
            (Purpose::Authentication, "auth"),
        ] {
            jobs.push(Job {
                file: format!("{}-{kind}.p12", h.login),
                what: format!("{} ({}), {kind}", h.subject.common_name, h.login),
                subject: h.subject.clone(),
                purpose,
                period: valid,
                foreign: false,
                revoke: false,
            });
        }
    }
    // Registry entries without an account get their authentication key, to try
    // registering with EDS (a company's carries its BIN and is its head's).
    for h in demo::holders_without_account()? {
        jobs.push(Job {
            file: format!("{}-auth.p12", h.login),
            what: format!(
                "{} ({}), auth: no account yet, for registering with EDS",
                h.subject.common_name, h.login
            ),
            subject: h.subject,
            purpose: Purpose::Authentication,
            period: valid,
            foreign: false,
            revoke: false,
        });
    }
    let citizen = holders
        .iter()
        .find(|h| h.login == TEST_HOLDER)
        .ok_or_else(|| anyhow::anyhow!("demo account {TEST_HOLDER} is missing"))?
        .subject
        .clone();
    let bad = |case: &str, period, foreign, revoke| Job {
        file: format!("test/{TEST_HOLDER}-{case}.p12"),
        what: format!(
            "{} ({TEST_HOLDER}), signing, {case}: must be refused",
            citizen.common_name
        ),
        subject: citizen.clone(),
        purpose: Purpose::Signing,
        period,
        foreign,
        revoke,
    };
    jobs.push(bad(
        "expired",
        Period {
            not_before: now - 400 * DAY,
            not_after: now - 35 * DAY,
        },
        false,
        false,
    ));
    jobs.push(bad(
        "not-yet-valid",
        Period {
            not_before: now + 30 * DAY,
            not_after: now + 400 * DAY,
        },
        false,
        false,
    ));
    jobs.push(bad("revoked", valid, false, true));
    jobs.push(bad("foreign-ca", valid, true, false));
    let stranger = demo::person_without_account()?;
    jobs.push(Job {
        file: format!("test/{}-not-the-account.p12", stranger.iin),
        what: format!(
            "{} ({}), signing: valid, but not {TEST_HOLDER}'s IIN",
            stranger.common_name, stranger.iin
        ),
        subject: stranger.clone(),
        purpose: Purpose::Signing,
        period: valid,
        foreign: false,
        revoke: false,
    });
    jobs.push(Job {
        file: format!("test/{}-auth-no-account.p12", stranger.iin),
        what: format!(
            "{} ({}), auth: valid, but no account has this IIN",
            stranger.common_name, stranger.iin
        ),
        subject: stranger,
        purpose: Purpose::Authentication,
        period: valid,
        foreign: false,
        revoke: false,
    });
    Ok(jobs)
}

/// RSA key generation dominates (≈ 30 keys): both cores share the work.
fn issue_in_parallel(
    jobs: &[Job],
    issuing: &Authority,
    foreign: &Authority,
) -> Vec<anyhow::Result<Issued>> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let mut results: Vec<Option<anyhow::Result<Issued>>> = jobs.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    jobs.iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, job)| {
                            let ca = if job.foreign { foreign } else { issuing };
                            (
                                i,
                                ca.issue(&job.subject, job.purpose, job.period)
                                    .map_err(anyhow::Error::from),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().unwrap_or_default() {
                results[i] = Some(r);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("a key-issuing thread failed"))))
        .collect()
}
