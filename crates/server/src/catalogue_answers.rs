//! The catalogue's answer (`GET /api/services`), made once per language at start: the JSON and
//! its gzip and brotli forms, with an ETag. The catalogue only changes with a restart, so a
//! read costs a lookup — no serialising, no compressing — and a return visit a 304.

use bytes::Bytes;
use qyzmet_domain::Lang;
use qyzmet_domain::api::ServiceList;
use sha2::{Digest, Sha256};
use std::io::Write;

/// One language's answer in each encoding.
pub struct Answer {
    pub etag: String,
    /// The same, ready to send.
    pub etag_header: axum::http::HeaderValue,
    pub json: Bytes,
    pub gzip: Bytes,
    pub brotli: Bytes,
}

/// Which encoding a client takes, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

pub struct CatalogueAnswers {
    by_lang: [Answer; 3],
}

impl CatalogueAnswers {
    pub fn new(list: impl Fn(Lang) -> ServiceList) -> std::io::Result<CatalogueAnswers> {
        let make = |lang| Answer::of(&list(lang));
        Ok(CatalogueAnswers {
            by_lang: [make(Lang::Kk)?, make(Lang::Ru)?, make(Lang::En)?],
        })
    }

    pub fn get(&self, lang: Lang) -> &Answer {
        &self.by_lang[match lang {
            Lang::Kk => 0,
            Lang::Ru => 1,
            Lang::En => 2,
        }]
    }
}

impl Answer {
    fn of(list: &ServiceList) -> std::io::Result<Answer> {
        let json = serde_json::to_vec(list)?;
        let digest = Sha256::digest(&json);
        let etag = format!("\"{}\"", crate::hex::hex(&digest[..16]));
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&json)?;
        let gzip = gzip.finish()?;
        let mut brotli = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
            w.write_all(&json)?;
        }
        Ok(Answer {
            etag_header: axum::http::HeaderValue::from_str(&etag)
                .expect("a quoted hex digest is a valid header value"),
            etag,
            json: json.into(),
            gzip: gzip.into(),
            brotli: brotli.into(),
        })
    }

    pub fn body(&self, encoding: Encoding) -> Bytes {
        match encoding {
            Encoding::Brotli => self.brotli.clone(),
            Encoding::Gzip => self.gzip.clone(),
            Encoding::Identity => self.json.clone(),
        }
    }
}

/// The best encoding `accept_encoding` allows (one with `q=0` is refused).
pub fn negotiate(accept_encoding: &str) -> Encoding {
    let takes = |name: &str| {
        accept_encoding.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            coding.eq_ignore_ascii_case(name) && q > 0.0
        })
    };
    if takes("br") {
        Encoding::Brotli
    } else if takes("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_best_encoding_the_client_takes() {
        assert_eq!(negotiate("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(negotiate("gzip"), Encoding::Gzip);
        assert_eq!(negotiate("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(negotiate(""), Encoding::Identity);
        assert_eq!(negotiate("identity"), Encoding::Identity);
    }

    #[test]
    fn every_encoding_holds_the_same_json() {
        let list = ServiceList {
            lang: Lang::Ru,
            services: Vec::new(),
        };
        let answer = Answer::of(&list).unwrap();
        let mut from_gzip = Vec::new();
        flate2::read::GzDecoder::new(&answer.gzip[..])
            .read_to_end(&mut from_gzip)
            .unwrap();
        let mut from_brotli = Vec::new();
        brotli::Decompressor::new(&answer.brotli[..], 4096)
            .read_to_end(&mut from_brotli)
            .unwrap();
        assert_eq!(from_gzip, answer.json);
        assert_eq!(from_brotli, answer.json);
        assert_eq!(answer.etag.len(), 34);
    }
}
