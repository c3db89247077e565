//! What signatures are verified against: NCA RK's two chains — GOST R 34.10-2015 (what it
//! issues today) and RSA — each a root and an issuing CA with its current CRL, and the TSA
//! that time-stamps them. In production the chains are read from files (`open_trust`,
//! `--trust-dir`); the CRL file is read again when the operator replaces it. In the demo they
//! are the TEST certification authority's (`test_doubles::test_ca`), whose issuing CA's key is
//! held here ([`HeldAuthority`]): its CRLs are re-signed, and its delegated OCSP responder and
//! TSA answer in-process.

use base64::Engine;
use qyzmet_eds::issue::Issued;
use qyzmet_eds::{Certificate, CertificateList, TrustStore};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use x509_cert::der::Encode;
use x509_cert::serial_number::SerialNumber;

/// One chain: a root, the issuing CA under it, and the issuing CA's CRL — and, in the demo's
/// test PKI only, what signs for the issuing CA.
pub struct Chain {
    /// Where its files are (`root-ca.cer`, `issuing-ca.cer`, `issuing-ca.crl`; the test
    /// PKI's also `.key`, `revoked.txt`, `issued.txt`).
    dir: PathBuf,
    pub root: Certificate,
    pub issuing: Certificate,
    /// What signs for the issuing CA where its key is held here (the demo's test CA);
    /// `None` for trust roots read from files (production).
    authority: Option<Box<dyn HeldAuthority>>,
    crl: Mutex<LoadedCrl>,
}

/// What signs for an issuing CA whose key is held here — only the demo's test CA
/// (`test_doubles::test_ca`): its CRLs and its delegated OCSP responder's answers.
pub trait HeldAuthority: Send + Sync {
    /// A CRL to replace `current` when it is due to be re-signed; `None` keeps it.
    fn renewed_crl(
        &self,
        current: &CertificateList,
        now: i64,
    ) -> anyhow::Result<Option<CertificateList>>;
    /// The responder's answer to an OCSP request about a certificate of `issuing` (the
    /// chain's files in `dir`).
    fn ocsp_response(&self, request: &[u8], issuing: &Certificate, dir: &Path, now: i64)
    -> Vec<u8>;
}

/// A CRL and the modification time of the file it was read from (a CRL from files is read
/// again when the operator replaces it).
struct LoadedCrl {
    crl: CertificateList,
    modified: Option<std::time::SystemTime>,
}

pub struct Pki {
    dir: PathBuf,
    pub rsa: Chain,
    pub gost: Chain,
    /// The test time-stamp authorities; `None` for trust roots from files.
    tsa: Option<TestTsa>,
}

/// The test PKI's time-stamp authorities, one under each issuing CA. The GOST one answers a
/// query that asks NCA RK's GOST-2015 policy (as the portal asks for a GOST signature's
/// stamp), as NCA RK's TSA does; the RSA one anything else (OpenSSL can check its tokens).
pub(crate) struct TestTsa {
    pub(crate) rsa: Issued,
    pub(crate) gost: Issued,
}

/// One key file made for the demo, for printing where it is.
#[derive(Debug, Clone)]
pub struct KeyFile {
    pub path: PathBuf,
    pub what: String,
}

impl Pki {
    /// A PKI whose chains and TSA the caller made (the demo's test CA).
    pub(crate) fn from_parts(dir: PathBuf, rsa: Chain, gost: Chain, tsa: Option<TestTsa>) -> Pki {
        Pki {
            dir,
            rsa,
            gost,
            tsa,
        }
    }

    /// Where its files are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Trust roots from files, as production runs (`--trust-dir`): NCA RK's two chains in
    /// the test PKI's layout — `root-ca.cer`, `issuing-ca.cer`, `issuing-ca.crl` (RSA) and the
    /// same in `gost/` (DER or PEM). No key is read or made; a CRL file the operator
    /// replaces is read again.
    pub fn open_trust(dir: &Path) -> anyhow::Result<Pki> {
        let pki = Pki {
            rsa: Chain::open_public(dir.to_path_buf())?,
            gost: Chain::open_public(dir.join("gost"))?,
            tsa: None,
            dir: dir.to_path_buf(),
        };
        Ok(pki)
    }

    /// Whether this is the demo's test PKI, with its CA keys, responder and TSA.
    pub fn is_test(&self) -> bool {
        self.tsa.is_some()
    }

    /// What submissions and logins are verified against: both chains, with current CRLs.
    pub fn trust(&self, now: i64) -> anyhow::Result<TrustStore> {
        Ok(TrustStore {
            anchors: vec![self.gost.root.clone(), self.rsa.root.clone()],
            intermediates: vec![self.gost.issuing.clone(), self.rsa.issuing.clone()],
            crls: vec![self.gost.current_crl(now)?, self.rsa.current_crl(now)?],
            ocsp: Vec::new(),
        })
    }

    /// The test PKI's OCSP responder: the answer of the chain whose issuing CA the request
    /// asks about (the RSA chain's, "unknown", when it is neither), signed by that CA's
    /// delegated responder, as NCA RK's OCSP service answers.
    /// A request about neither chain's certificates is signed by neither: `unauthorized`.
    /// `None` for trust roots from files (no responder of ours).
    pub fn ocsp_response(&self, request: &[u8], now: i64) -> Option<Vec<u8>> {
        let chain = if qyzmet_eds::ocsp::asks_about(request, &self.gost.issuing) {
            &self.gost
        } else {
            &self.rsa
        };
        let authority = chain.authority.as_ref()?;
        Some(authority.ocsp_response(request, &chain.issuing, &chain.dir, now))
    }

    /// The test TSA's answer (RFC 3161 `TimeStampResp`) to a time-stamp query.
    pub fn time_stamp(&self, query: &[u8], now: i64) -> anyhow::Result<Vec<u8>> {
        let tsas = self
            .tsa
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no test TSA here: --tsa-url names the TSA"))?;
        let tsa = match qyzmet_eds::tsp::asked_policy(query) {
            Some(policy) if policy == qyzmet_eds::cades::NCA_GOST_2015_TSA_POLICY => &tsas.gost,
            _ => &tsas.rsa,
        };
        let mut serial = [0u8; 8];
        getrandom::fill(&mut serial).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        // Positive and never zero: a token's serial must be unique, not secret.
        let serial = (u64::from_be_bytes(serial) >> 1) | 1;
        Ok(tsa.time_stamp(query, serial, now))
    }

    /// The RSA chain's CA certificates, root last, as PEM (what `openssl -CAfile` takes;
    /// OpenSSL without the GOST engine cannot read the GOST chain).
    pub fn chain_pem(&self) -> anyhow::Result<String> {
        self.rsa.chain_pem()
    }
}

impl Chain {
    /// A chain whose issuing CA's key is held here (the demo's test CA), with its CRL.
    pub(crate) fn held(
        dir: PathBuf,
        root: Certificate,
        issuing: Certificate,
        crl: CertificateList,
        authority: Box<dyn HeldAuthority>,
    ) -> Chain {
        Chain {
            dir,
            root,
            issuing,
            authority: Some(authority),
            crl: Mutex::new(LoadedCrl {
                crl,
                modified: None,
            }),
        }
    }

    /// A chain of CA certificates and its CRL from files, without keys (production).
    fn open_public(dir: PathBuf) -> anyhow::Result<Chain> {
        let root = read_certificate(&dir.join("root-ca.cer"))?;
        let issuing = read_certificate(&dir.join("issuing-ca.cer"))?;
        let (crl, modified) = read_crl(&dir.join("issuing-ca.crl"))?;
        Ok(Chain {
            dir,
            root,
            issuing,
            authority: None,
            crl: Mutex::new(LoadedCrl {
                crl,
                modified: Some(modified),
            }),
        })
    }

    /// The issuing CA's CRL: the test CA's re-signed when it is a day old; one from files
    /// read again when its file changed.
    pub fn current_crl(&self, now: i64) -> anyhow::Result<CertificateList> {
        let mut loaded = self.crl.lock().unwrap_or_else(|p| p.into_inner());
        match &self.authority {
            Some(authority) => {
                if let Some(fresh) = authority.renewed_crl(&loaded.crl, now)? {
                    write_atomically(&self.dir.join("issuing-ca.crl"), &fresh.to_der()?)?;
                    loaded.crl = fresh;
                }
            }
            None => {
                let path = self.dir.join("issuing-ca.crl");
                let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                if modified.is_some() && modified != loaded.modified {
                    match read_crl(&path) {
                        Ok((crl, modified)) => {
                            tracing::info!(path = %path.display(), "CRL read again");
                            *loaded = LoadedCrl {
                                crl,
                                modified: Some(modified),
                            };
                        }
                        // Half-written while being replaced: the last one stands until then.
                        Err(e) => tracing::warn!(path = %path.display(), "CRL not readable: {e:#}"),
                    }
                }
            }
        }
        Ok(loaded.crl.clone())
    }

    /// The CA certificates, root last, as PEM.
    pub fn chain_pem(&self) -> anyhow::Result<String> {
        Ok(format!(
            "{}{}",
            pem("CERTIFICATE", &self.issuing.to_der()?),
            pem("CERTIFICATE", &self.root.to_der()?)
        ))
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

pub(crate) fn parse_revoked(text: &str) -> anyhow::Result<Vec<(SerialNumber, i64)>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (hex, at) = line
                .split_once(' ')
                .ok_or_else(|| anyhow::anyhow!("revoked.txt: bad line {line:?}"))?;
            Ok((SerialNumber::new(&hex_bytes(hex)?)?, at.parse()?))
        })
        .collect()
}

/// A certificate file, DER or PEM (as CAs publish them).
pub(crate) fn read_certificate(path: &Path) -> anyhow::Result<Certificate> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    qyzmet_eds::parse_certificate(&bytes)
        .ok_or_else(|| anyhow::anyhow!("{}: not a certificate", path.display()))
}

/// A CRL file, DER or PEM, and when it was written.
pub(crate) fn read_crl(path: &Path) -> anyhow::Result<(CertificateList, std::time::SystemTime)> {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let crl = qyzmet_eds::parse_crl(&bytes)
        .ok_or_else(|| anyhow::anyhow!("{}: not a CRL", path.display()))?;
    Ok((crl, modified))
}

/// Appends serials to a test chain's register of what it issued (`issued.txt`), when the
/// chain keeps one (its OCSP responder vouches for no other).
pub fn record_issued(chain_dir: &Path, certificates: &[&Certificate]) -> anyhow::Result<()> {
    let path = chain_dir.join("issued.txt");
    let Ok(mut text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    for c in certificates {
        text.push_str(&crate::hex::hex(c.tbs_certificate.serial_number.as_bytes()));
        text.push('\n');
    }
    write_atomically(&path, text.as_bytes())
}

pub(crate) fn parse_serials(text: &str) -> anyhow::Result<Vec<SerialNumber>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|hex| Ok(SerialNumber::new(&hex_bytes(hex.trim())?)?))
        .collect()
}

pub(crate) fn hex_bytes(hex: &str) -> anyhow::Result<Vec<u8>> {
    Ok((0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()?)
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
