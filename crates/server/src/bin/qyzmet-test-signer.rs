//! TEST signer on the command line: plays the signing apps that cannot run here, with a key
//! file, for the browser tests (and for a developer trying the flows by hand).
//!
//! - `qyzmet-test-signer egov-mobile <QR text or cross link> <key.p12> [password] [lang]`:
//!   eGov mobile's part of the QR / cross-link protocol (`qyzmet_server::test_doubles::mobile_signer`);
//!   prints the portal's answer (status and message), exits 0 only on 200.
//! - `qyzmet-test-signer cms <key.p12> [password]`: what NCALayer's `basics.sign` makes of the
//!   bytes on standard input — a detached CMS (the key's own algorithm: GOST for the demo
//!   keys, which OpenSSL's engine cannot read in NCA RK's profile), base64 on standard output.

use std::io::{Read, Write};

fn key(file: &str, password: Option<&String>) -> anyhow::Result<qyzmet_eds::SigningKey> {
    let password = password
        .map(String::as_str)
        .unwrap_or(qyzmet_server::test_doubles::test_ca::DEMO_PASSWORD);
    qyzmet_eds::open_pkcs12(&std::fs::read(file)?, password)
        .map_err(|e| anyhow::anyhow!("{file}: {e}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    use base64::Engine;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match args.as_slice() {
        [mode, link, key_file, rest @ ..] if mode == "egov-mobile" => {
            let key = key(key_file, rest.first())?;
            let lang = rest.get(1).map(String::as_str).unwrap_or("kk");
            let answer =
                qyzmet_server::test_doubles::mobile_signer::sign(link, &key, lang, now).await?;
            println!("{} {}", answer.status, answer.message);
            if answer.status != 200 {
                std::process::exit(1);
            }
        }
        [mode, key_file, rest @ ..] if mode == "cms" => {
            let key = key(key_file, rest.first())?;
            let mut document = Vec::new();
            std::io::stdin().read_to_end(&mut document)?;
            let cms = qyzmet_eds::sign_detached(&key, &document, u64::try_from(now)?)?;
            std::io::stdout().write_all(
                base64::engine::general_purpose::STANDARD
                    .encode(cms)
                    .as_bytes(),
            )?;
        }
        _ => anyhow::bail!(
            "usage: qyzmet-test-signer egov-mobile <QR text or cross link> <key.p12> [password] [lang]\n       qyzmet-test-signer cms <key.p12> [password] < document"
        ),
    }
    Ok(())
}
