//! TEST: the demo's certification authority, made on first start in `<data>/pki/` in the
//! manner of NCA RK (two chains — GOST R 34.10-2015 and RSA — each a root and an issuing CA),
//! with a signing and an authentication key for every demo account and the refusal cases
//! (expired, not yet valid, revoked, foreign CA, someone else's IIN). A production start
//! reads NCA RK's chains from files (`Pki::open_trust`) and makes none of this.

use crate::demo;
use crate::pki::*;
use qyzmet_eds::CertificateList;
use qyzmet_eds::gost_pkix::Profile;
use qyzmet_eds::issue::{Authority, Issued, Period};
use qyzmet_eds::key::KeyAlgorithm;
use qyzmet_eds::{Certificate, Purpose};
use std::path::{Path, PathBuf};
use x509_cert::der::{Decode, Encode};
use x509_cert::serial_number::SerialNumber;

/// The password of every demo key file (NCA RK's test keys use the same).
pub const DEMO_PASSWORD: &str = "Qwerty12";
pub(crate) const DAY: i64 = 86_400;
pub(crate) const CRL_LIFETIME: i64 = 7 * DAY;
pub(crate) const CRL_REFRESH_AFTER: i64 = DAY;
/// How long an OCSP answer is current (`nextUpdate`).
pub(crate) const OCSP_LIFETIME: i64 = 60 * 60;
pub(crate) const ROOT_NAME: &str = "Qyzmet TEST Root CA";
pub(crate) const ISSUING_NAME: &str = "Qyzmet TEST Issuing CA (RSA)";
pub(crate) const GOST_ROOT_NAME: &str = "Qyzmet TEST Root CA (GOST)";
pub(crate) const GOST_ISSUING_NAME: &str = "Qyzmet TEST Issuing CA (GOST)";
pub(crate) const TSA_NAME: &str = "Qyzmet TEST Time-Stamp Authority";
/// NCA RK's keys: GOST R 34.10-2015, 512-bit, its own OIDs.
pub(crate) const GOST: KeyAlgorithm = KeyAlgorithm::Gost512(Profile::Nca);
/// The demo citizen the "bad" certificates are made for.
pub(crate) const TEST_HOLDER: &str = "880315412341";
/// The OCSP address the holder certificates name (Authority Information Access): the test
/// PKI's responder on `cargo xtask serve`'s default address. The portal itself asks its
/// responder in-process (or at `--ocsp-url`), whatever a certificate says.
pub const DEMO_OCSP_URL: &str = "http://127.0.0.1:8080/api/pki/ocsp";
/// The holder certificates' profile; a PKI with an older one gets its holders' keys issued
/// again (same CAs): 2 added NCA RK's role EKUs and the OCSP address.
pub(crate) const HOLDER_PROFILE: &str = "2";

/// Opens the PKI in `data_dir`, making it first if there is none.
pub fn open_or_create(data_dir: &Path, now: i64) -> anyhow::Result<Pki> {
    let dir = data_dir.join("pki");
    let started = std::time::Instant::now();
    if !dir.join("root-ca.cer").exists() {
        create(&dir, now)?;
    }
    // A PKI made before the GOST chain existed gets it now; its RSA keys move to `rsa/`.
    if !dir.join("gost").join("root-ca.cer").exists() {
        add_gost(&dir, now)?;
    }
    // One TSA under each issuing CA (a PKI made before the GOST one existed gets it now).
    for chain in [dir.clone(), dir.join("gost")] {
        if !chain.join("tsa.cer").exists() {
            add_tsa(&chain, now)?;
        }
    }
    let profile = std::fs::read_to_string(dir.join("profile")).unwrap_or_default();
    // A demo account added since the PKI was made (the providers' heads, #27) has no key yet.
    let missing = account_jobs(now, "", "GOST")?
        .iter()
        .any(|job| !dir.join("keys").join(&job.file).exists());
    if profile.trim() != HOLDER_PROFILE || missing {
        reissue_holders(&dir, now)?;
    }
    let elapsed_ms = started.elapsed().as_millis() as u64;
    if elapsed_ms > 0 {
        tracing::info!(elapsed_ms, "test PKI ready");
    }
    let tsa = |chain: &Path| -> anyhow::Result<Issued> {
        Ok(Issued::from_parts(
            Certificate::from_der(&std::fs::read(chain.join("tsa.cer"))?)?,
            &std::fs::read(chain.join("tsa.key"))?,
        ))
    };
    let tsa = crate::pki::TestTsa {
        rsa: tsa(&dir)?,
        gost: tsa(&dir.join("gost"))?,
    };
    let (rsa, gost) = (open_chain(dir.clone())?, open_chain(dir.join("gost"))?);
    let pki = Pki::from_parts(dir, rsa, gost, Some(tsa));
    pki.rsa.current_crl(now)?;
    pki.gost.current_crl(now)?;
    Ok(pki)
}

/// A chain of the test CA, its keys read (and a delegated OCSP responder made for a chain
/// from before there was one).
fn open_chain(dir: PathBuf) -> anyhow::Result<Chain> {
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .map_err(|e| anyhow::anyhow!("{}: {e}", dir.join(name).display()))
    };
    let root = Certificate::from_der(&read("root-ca.cer")?)?;
    let issuing = Certificate::from_der(&read("issuing-ca.cer")?)?;
    let issuing_authority = Authority::from_parts(issuing.clone(), &read("issuing-ca.key")?)?;
    let revoked = parse_revoked(&String::from_utf8(read("revoked.txt")?)?)?;
    let crl = CertificateList::from_der(&read("issuing-ca.crl")?)?;
    // A chain made before the delegated responder gets one now.
    if !dir.join("ocsp-responder.cer").exists() {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let responder = issuing_authority.issue_ocsp_responder(
            &format!("{} OCSP Responder", name_of(&issuing)),
            ten_years(now),
        )?;
        write_atomically(
            &dir.join("ocsp-responder.key"),
            responder.key_pkcs8.as_slice(),
        )?;
        write_atomically(
            &dir.join("ocsp-responder.cer"),
            &responder.certificate.to_der()?,
        )?;
        record_issued(&dir, &[&responder.certificate])?;
    }
    let responder = Issued::from_parts(
        Certificate::from_der(&read("ocsp-responder.cer")?)?,
        &read("ocsp-responder.key")?,
    );
    let authority = TestAuthority {
        issuing: issuing_authority,
        responder,
        revoked,
        issued: std::sync::Mutex::new(Register::default()),
    };
    Ok(Chain::held(dir, root, issuing, crl, Box::new(authority)))
}

/// The demo key files, in the order `create` lists them.
pub fn key_files(pki: &Pki) -> Vec<KeyFile> {
    let Ok(listing) = std::fs::read_to_string(pki.dir().join("keys").join("index.tsv")) else {
        return Vec::new();
    };
    listing
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(file, what)| KeyFile {
            path: pki.dir().join("keys").join(file),
            what: what.to_string(),
        })
        .collect()
}

/// What signs for a test chain's issuing CA: its key (CRLs), its delegated OCSP responder,
/// and the register the responder answers from.
pub(crate) struct TestAuthority {
    pub(crate) issuing: Authority,
    /// The issuing CA's delegated OCSP responder (`ocsp-responder.cer`, `.key`).
    pub(crate) responder: Issued,
    pub(crate) revoked: Vec<(SerialNumber, i64)>,
    /// Every serial the CA issued (`issued.txt`), when the PKI keeps them (made by this
    /// version or later): the responder answers "unknown" for any other. Read again when the
    /// file changes (the CA issues while its responder runs).
    pub(crate) issued: std::sync::Mutex<Register>,
}

/// A CA's register of issued serials as last read, and when its file was written.
#[derive(Default)]
pub(crate) struct Register {
    pub(crate) serials: Option<Vec<SerialNumber>>,
    pub(crate) modified: Option<std::time::SystemTime>,
}

impl TestAuthority {
    /// The issued serials, as the register file says now.
    pub(crate) fn issued(&self, dir: &Path) -> Option<Vec<SerialNumber>> {
        let path = dir.join("issued.txt");
        let mut register = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if modified != register.modified {
            let serials = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| parse_serials(&text).ok());
            *register = Register { serials, modified };
        }
        register.serials.clone()
    }
}

impl HeldAuthority for TestAuthority {
    fn renewed_crl(
        &self,
        current: &CertificateList,
        now: i64,
    ) -> anyhow::Result<Option<CertificateList>> {
        let made = current
            .tbs_cert_list
            .this_update
            .to_unix_duration()
            .as_secs() as i64;
        if now - made >= CRL_REFRESH_AFTER || now < made {
            Ok(Some(self.issuing.crl(
                &self.revoked,
                now,
                now + CRL_LIFETIME,
            )?))
        } else {
            Ok(None)
        }
    }

    fn ocsp_response(
        &self,
        request: &[u8],
        issuing: &Certificate,
        dir: &Path,
        now: i64,
    ) -> Vec<u8> {
        let issued = self.issued(dir);
        let register = qyzmet_eds::ocsp::Register {
            revoked: &self.revoked,
            issued: issued.as_deref(),
        };
        self.responder
            .ocsp_response(request, issuing, register, now, OCSP_LIFETIME)
    }
}

/// One key to issue: what file, for whom, by which CA, for what, when valid.
pub(crate) struct Job {
    file: String,
    what: String,
    subject: qyzmet_eds::issue::Subject,
    purpose: Purpose,
    period: Period,
    foreign: bool,
    revoke: bool,
    /// A holder key of another algorithm than the CA's (`None`: the CA's own).
    algorithm: Option<KeyAlgorithm>,
}

/// Makes the RSA chain and every RSA key in a temporary directory and renames it into place,
/// so a crash half-way leaves no half PKI behind.
pub(crate) fn create(dir: &Path, now: i64) -> anyhow::Result<()> {
    let tmp = dir.with_extension("tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(tmp.join("keys").join("test"))?;
    std::fs::create_dir_all(tmp.join("keys").join("rsa"))?;
    let ten_years = ten_years(now);
    let root = Authority::root(ROOT_NAME, ten_years)?;
    let mut issuing = root.subordinate(ISSUING_NAME, ten_years)?;
    issuing.ocsp_url = Some(DEMO_OCSP_URL.into());
    // A CA with the very same names but other keys: trust must be by signature, not by name.
    let foreign_root = Authority::root(ROOT_NAME, ten_years)?;
    let foreign = foreign_root.subordinate(ISSUING_NAME, ten_years)?;

    let mut jobs = account_jobs(now, "rsa/", "RSA")?;
    jobs.extend(refusal_jobs(now)?);
    let results: Vec<anyhow::Result<Issued>> = issue_in_parallel(&jobs, &issuing, &foreign);
    let mut revoked = String::new();
    let mut index = String::new();
    // What the CA issued, for its OCSP responder (the foreign CA's are not its).
    let mut register = String::new();
    for (job, issued) in jobs.iter().zip(results) {
        let issued = issued?;
        if !job.foreign {
            register.push_str(&crate::hex::hex(
                issued.certificate.tbs_certificate.serial_number.as_bytes(),
            ));
            register.push('\n');
        }
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
            let hex = crate::hex::hex(serial);
            revoked.push_str(&format!("{hex} {}\n", now - DAY / 2));
        }
    }
    std::fs::write(tmp.join("keys").join("index.tsv"), index)?;
    std::fs::write(tmp.join("issued.txt"), register)?;
    std::fs::write(tmp.join("profile"), HOLDER_PROFILE)?;
    write_chain(&tmp, &root, &issuing, &revoked, now)?;
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

/// A certificate's subject common name.
pub(crate) fn name_of(cert: &Certificate) -> String {
    qyzmet_eds::Holder::of(cert).common_name
}

pub(crate) fn ten_years(now: i64) -> Period {
    Period {
        not_before: now - DAY,
        not_after: now + 3650 * DAY,
    }
}

/// A chain's files: the CA certificates, the issuing CA's key, `revoked.txt` and the CRL.
pub(crate) fn write_chain(
    dir: &Path,
    root: &Authority,
    issuing: &Authority,
    revoked: &str,
    now: i64,
) -> anyhow::Result<()> {
    std::fs::write(dir.join("revoked.txt"), revoked)?;
    std::fs::write(dir.join("root-ca.cer"), root.certificate.to_der()?)?;
    std::fs::write(dir.join("issuing-ca.cer"), issuing.certificate.to_der()?)?;
    std::fs::write(dir.join("issuing-ca.key"), issuing.key_pkcs8()?.as_slice())?;
    let crl = issuing.crl(&parse_revoked(revoked)?, now, now + CRL_LIFETIME)?;
    std::fs::write(dir.join("issuing-ca.crl"), crl.to_der()?)?;
    Ok(())
}

/// Makes the GOST chain in `pki/gost/` and the accounts' GOST keys in `pki/keys/`, listed
/// first. A PKI from before the GOST chain has its RSA keys at `keys/<IIN>-…`: they move to
/// `keys/rsa/` so the default names are GOST, as NCA RK issues them today.
pub(crate) fn add_gost(dir: &Path, now: i64) -> anyhow::Result<()> {
    let keys = dir.join("keys");
    let index_path = keys.join("index.tsv");
    let mut index = std::fs::read_to_string(&index_path).unwrap_or_default();
    if !keys.join("rsa").exists() {
        std::fs::create_dir_all(keys.join("rsa"))?;
        for entry in std::fs::read_dir(&keys)? {
            let path = entry?.path();
            if let Some(name) = path.file_name()
                && path.extension().is_some_and(|e| e == "p12")
            {
                std::fs::rename(&path, keys.join("rsa").join(name))?;
            }
        }
        index = index
            .lines()
            .map(|line| match line.split_once('\t') {
                Some((file, what)) if !file.contains('/') => format!("rsa/{file}\t{what}, RSA\n"),
                _ => format!("{line}\n"),
            })
            .collect();
    }
    let tmp = dir.join("gost.tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(tmp.join("keys"))?;
    let ten_years = ten_years(now);
    let root = Authority::root_with(GOST_ROOT_NAME, ten_years, GOST)?;
    let mut issuing = root.subordinate(GOST_ISSUING_NAME, ten_years)?;
    issuing.ocsp_url = Some(DEMO_OCSP_URL.into());
    let jobs = account_jobs(now, "", "GOST")?;
    let results = issue_in_parallel(&jobs, &issuing, &issuing);
    let mut listed = String::new();
    let mut register = String::new();
    for (job, issued) in jobs.iter().zip(results) {
        let issued = issued?;
        register.push_str(&crate::hex::hex(
            issued.certificate.tbs_certificate.serial_number.as_bytes(),
        ));
        register.push('\n');
        let file = issued.to_pkcs12(&[&issuing.certificate, &root.certificate], DEMO_PASSWORD)?;
        let path = tmp.join("keys").join(&job.file);
        std::fs::create_dir_all(path.parent().unwrap_or(&tmp))?;
        std::fs::write(path, file)?;
        listed.push_str(&format!("{}\t{}\n", job.file, job.what));
    }
    write_chain(&tmp, &root, &issuing, "", now)?;
    // The GOST CA keeps its register when the PKI does (one made by this version).
    if dir.join("issued.txt").exists() {
        std::fs::write(tmp.join("issued.txt"), register)?;
    }
    for job in &jobs {
        let to = keys.join(&job.file);
        std::fs::create_dir_all(to.parent().unwrap_or(&keys))?;
        std::fs::rename(tmp.join("keys").join(&job.file), to)?;
    }
    std::fs::remove_dir_all(tmp.join("keys"))?;
    write_atomically(&index_path, format!("{listed}{index}").as_bytes())?;
    std::fs::rename(&tmp, dir.join("gost"))?;
    Ok(())
}

/// Issues every demo account's keys again under the same CAs, in the current holder profile.
/// (The refusal keys in `keys/test` keep theirs: what they are refused for is unchanged.)
pub(crate) fn reissue_holders(dir: &Path, now: i64) -> anyhow::Result<()> {
    for (chain_dir, prefix, algorithm) in [
        (dir.to_path_buf(), "rsa/", "RSA"),
        (dir.join("gost"), "", "GOST"),
    ] {
        let mut issuing = issuing_authority(&chain_dir)?;
        let root = Certificate::from_der(&std::fs::read(chain_dir.join("root-ca.cer"))?)?;
        let issuing_ca = issuing.certificate.clone();
        issuing.ocsp_url = Some(DEMO_OCSP_URL.into());
        let jobs = account_jobs(now, prefix, algorithm)?;
        for (job, issued) in jobs
            .iter()
            .zip(issue_in_parallel(&jobs, &issuing, &issuing))
        {
            let issued = issued?;
            record_issued(&chain_dir, &[&issued.certificate])?;
            let file = issued.to_pkcs12(&[&issuing_ca, &root], DEMO_PASSWORD)?;
            let path = dir.join("keys").join(&job.file);
            std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
            write_atomically(&path, &file)?;
        }
    }
    // Keys new in this profile are listed too.
    let index_path = dir.join("keys").join("index.tsv");
    let mut index = std::fs::read_to_string(&index_path).unwrap_or_default();
    for job in account_jobs(now, "", "GOST")? {
        if !index
            .lines()
            .any(|l| l.split('\t').next() == Some(job.file.as_str()))
        {
            index.push_str(&format!("{}\t{}\n", job.file, job.what));
        }
    }
    write_atomically(&index_path, index.as_bytes())?;
    write_atomically(&dir.join("profile"), HOLDER_PROFILE.as_bytes())?;
    tracing::info!("demo keys issued again in holder profile {HOLDER_PROFILE}");
    Ok(())
}

/// A test chain's issuing CA with its key, from its files.
fn issuing_authority(chain_dir: &Path) -> anyhow::Result<Authority> {
    let read = |name: &str| {
        std::fs::read(chain_dir.join(name))
            .map_err(|e| anyhow::anyhow!("{}: {e}", chain_dir.join(name).display()))
    };
    let issuing = Certificate::from_der(&read("issuing-ca.cer")?)?;
    Ok(Authority::from_parts(issuing, &read("issuing-ca.key")?)?)
}

/// A test TSA's certificate and key, issued by the issuing CA in `dir` (a chain's folder).
pub(crate) fn add_tsa(dir: &Path, now: i64) -> anyhow::Result<()> {
    let tsa = issuing_authority(dir)?.issue_tsa(TSA_NAME, ten_years(now))?;
    record_issued(dir, &[&tsa.certificate])?;
    write_atomically(&dir.join("tsa.key"), tsa.key_pkcs8.as_slice())?;
    write_atomically(&dir.join("tsa.cer"), &tsa.certificate.to_der()?)?;
    Ok(())
}

/// Every demo account's signing and authentication keys (in `prefix`), and the registry
/// entries' without an account (their authentication key, for registering with EDS).
pub(crate) fn account_jobs(now: i64, prefix: &str, algorithm: &str) -> anyhow::Result<Vec<Job>> {
    let valid = Period {
        not_before: now - DAY,
        not_after: now + 365 * DAY,
    };
    let mut jobs = Vec::new();
    for h in &demo::certificate_holders()? {
        for (purpose, kind) in [
            (Purpose::Signing, "signing"),
            (Purpose::Authentication, "auth"),
        ] {
            jobs.push(Job {
                file: format!("{prefix}{}-{kind}.p12", h.login),
                what: format!(
                    "{} ({}), {kind}, {algorithm}",
                    h.subject.common_name, h.login
                ),
                subject: h.subject.clone(),
                purpose,
                period: valid,
                foreign: false,
                revoke: false,
                algorithm: None,
            });
        }
    }
    // A company's carries its BIN and is its head's.
    for h in demo::holders_without_account()? {
        jobs.push(Job {
            file: format!("{prefix}{}-auth.p12", h.login),
            what: format!(
                "{} ({}), auth, {algorithm}: no account yet, for registering with EDS",
                h.subject.common_name, h.login
            ),
            subject: h.subject,
            purpose: Purpose::Authentication,
            period: valid,
            foreign: false,
            revoke: false,
            algorithm: None,
        });
    }
    // NCA RK's own OIDs are unknown to OpenSSL's GOST engine: one key in the TC26 profile
    // under the same GOST chain lets OpenSSL sign and verify what the portal does.
    if algorithm == "GOST"
        && let Some(citizen) = demo::certificate_holders()?
            .into_iter()
            .find(|h| h.login == TEST_HOLDER)
    {
        jobs.push(Job {
            file: format!("tc26/{TEST_HOLDER}-signing.p12"),
            what: format!(
                "{} ({TEST_HOLDER}), signing, GOST in the TC26 profile (what OpenSSL's GOST engine reads)",
                citizen.subject.common_name
            ),
            subject: citizen.subject,
            purpose: Purpose::Signing,
            period: valid,
            foreign: false,
            revoke: false,
            algorithm: Some(KeyAlgorithm::Gost512(Profile::Tc26)),
        });
    }
    Ok(jobs)
}

/// The keys that must be refused, each for its own reason (RSA).
pub(crate) fn refusal_jobs(now: i64) -> anyhow::Result<Vec<Job>> {
    let valid = Period {
        not_before: now - DAY,
        not_after: now + 365 * DAY,
    };
    let mut jobs = Vec::new();
    let citizen = demo::certificate_holders()?
        .into_iter()
        .find(|h| h.login == TEST_HOLDER)
        .ok_or_else(|| anyhow::anyhow!("demo account {TEST_HOLDER} is missing"))?
        .subject;
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
        algorithm: None,
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
        algorithm: None,
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
        algorithm: None,
    });
    Ok(jobs)
}

/// RSA key generation dominates (≈ 30 keys): both cores share the work.
pub(crate) fn issue_in_parallel(
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
                                ca.issue_as(
                                    &job.subject,
                                    job.purpose,
                                    job.period,
                                    job.algorithm.unwrap_or(ca.algorithm()),
                                )
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

#[cfg(test)]
mod tests {
    use super::*;
    use qyzmet_eds::Purpose;

    fn open_key(path: &Path) -> qyzmet_eds::SigningKey {
        qyzmet_eds::open_pkcs12(&std::fs::read(path).unwrap(), DEMO_PASSWORD).unwrap()
    }

    /// A data directory from before the GOST chain (RSA keys at the default names) is
    /// upgraded in place: its RSA keys move to `keys/rsa/`, GOST keys take the default names,
    /// and both chains are trusted.
    #[test]
    fn an_rsa_only_pki_gains_the_gost_chain_and_keeps_its_rsa_keys() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("pki");
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        create(&dir, now).unwrap();
        // What the RSA-only layout looked like: account keys at the top of `keys/`.
        let keys = dir.join("keys");
        for entry in std::fs::read_dir(keys.join("rsa")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::rename(&path, keys.join(path.file_name().unwrap())).unwrap();
        }
        std::fs::remove_dir(keys.join("rsa")).unwrap();
        let index = std::fs::read_to_string(keys.join("index.tsv"))
            .unwrap()
            .replace("rsa/", "");
        std::fs::write(keys.join("index.tsv"), index).unwrap();
        let old_rsa_root = std::fs::read(dir.join("root-ca.cer")).unwrap();

        let pki = open_or_create(data.path(), now).unwrap();
        assert_eq!(
            std::fs::read(dir.join("root-ca.cer")).unwrap(),
            old_rsa_root
        );
        let gost = open_key(&keys.join("880315412341-signing.p12"));
        let rsa = open_key(&keys.join("rsa").join("880315412341-signing.p12"));
        let algorithm = |k: &qyzmet_eds::SigningKey| {
            k.certificate
                .tbs_certificate
                .subject_public_key_info
                .algorithm
                .oid
        };
        assert_eq!(algorithm(&gost), qyzmet_eds::gost_pkix::NCA_PUBLIC_KEY_512);
        assert_eq!(algorithm(&rsa), const_oid_rsa());
        let listed: Vec<String> = key_files(&pki)
            .iter()
            .map(|k| k.path.strip_prefix(&keys).unwrap().display().to_string())
            .collect();
        assert_eq!(
            listed.first().map(String::as_str),
            Some("880315412341-signing.p12")
        );
        assert!(listed.contains(&"rsa/880315412341-signing.p12".to_string()));
        assert!(listed.contains(&"test/880315412341-revoked.p12".to_string()));
        // Both keys sign what the portal trusts.
        let trust = pki.trust(now).unwrap();
        for key in [&gost, &rsa] {
            let cms = qyzmet_eds::sign_detached(key, b"document", now as u64).unwrap();
            let verified = qyzmet_eds::verify_detached(
                &cms,
                b"document",
                &trust,
                Purpose::Signing,
                &qyzmet_eds::Expected::Iin("880315412341".into()),
                Some(now),
            );
            assert!(verified.is_ok(), "{verified:?}");
        }

        // A PKI whose holders predate the role EKUs gets its holders' keys issued again
        // under the same CAs: the company's head signs for it.
        std::fs::remove_file(dir.join("profile")).unwrap();
        let before = std::fs::read(keys.join("150440001236-signing.p12")).unwrap();
        let pki = open_or_create(data.path(), now).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("profile")).unwrap(),
            HOLDER_PROFILE
        );
        assert_ne!(
            std::fs::read(keys.join("150440001236-signing.p12")).unwrap(),
            before
        );
        let trust = pki.trust(now).unwrap();
        for file in ["150440001236-signing.p12", "rsa/150440001236-signing.p12"] {
            let key = open_key(&keys.join(file));
            let cms = qyzmet_eds::sign_detached(&key, b"document", now as u64).unwrap();
            let verified = qyzmet_eds::verify_detached(
                &cms,
                b"document",
                &trust,
                Purpose::Signing,
                &qyzmet_eds::Expected::Bin("150440001236".into()),
                Some(now),
            )
            .unwrap();
            assert_eq!(verified.holder().role, Some(qyzmet_eds::SignerRole::Head));
        }
    }

    fn const_oid_rsa() -> x509_cert::der::asn1::ObjectIdentifier {
        x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1")
    }
}
