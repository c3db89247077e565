//! Reads the catalogue folder and hands its files to the domain loader, which checks them.

use anyhow::Context;
use qyzmet_domain::catalogue::{Catalogue, loader};
use std::path::Path;

pub fn load_dir(dir: &Path) -> anyhow::Result<Catalogue> {
    let index_path = dir.join("index.toml");
    let index = std::fs::read_to_string(&index_path)
        .with_context(|| format!("cannot read {}", index_path.display()))?;
    let services_dir = dir.join("services");
    let mut paths: Vec<_> = std::fs::read_dir(&services_dir)
        .with_context(|| format!("cannot read {}", services_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for p in &paths {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        files.push((p.display().to_string(), text));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let index_name = index_path.display().to_string();
    loader::load((&index_name, &index), &refs).map_err(|e| anyhow::anyhow!("catalogue: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use qyzmet_domain::Lang;
    use qyzmet_domain::catalogue::{Applicants, Channel};
    use std::collections::BTreeSet;

    fn real() -> Catalogue {
        load_dir(Path::new(crate::DEFAULT_CATALOGUE_DIR)).expect("the real catalogue loads")
    }

    #[test]
    fn the_real_catalogue_has_every_service_of_the_regulations() {
        let c = real();
        let ids: BTreeSet<&str> = c.services.iter().map(|s| s.id.as_str()).collect();
        let expected = [
            "survey-licence",
            "design-licence",
            "construction-licence",
            "project-management-accreditation",
            "expert-attestation-shymkent",
            "expert-attestation-almaty",
            "cultural-export-certificate",
            "monument-restoration-agreement",
            "grain-warehouse-licence",
            "guardianship",
        ];
        assert_eq!(ids, expected.into_iter().collect());
    }

    #[test]
    fn every_service_is_complete_in_three_languages() {
        for s in real().services {
            for lang in Lang::ALL {
                assert!(!s.name.get(lang).trim().is_empty(), "{} name {lang}", s.id);
                assert!(
                    !s.description.get(lang).trim().is_empty(),
                    "{} description {lang}",
                    s.id
                );
            }
            let documents: usize = s.variants.iter().map(|v| v.documents.len()).sum();
            assert!(
                documents > 0 || !s.online(),
                "{}: documents or office-only",
                s.id
            );
            for v in &s.variants {
                assert!(
                    v.term.days > 0 && !v.term.source.is_empty(),
                    "{}: term",
                    s.id
                );
                for d in &v.documents {
                    assert!(d.name.missing().is_empty(), "{}: document {}", s.id, d.id);
                }
            }
        }
    }

    #[test]
    fn the_regulations_particulars_are_kept() {
        let c = real();
        let accreditation = c.service("project-management-accreditation").unwrap();
        assert!(!accreditation.online() && accreditation.office_directions.is_some());
        assert_eq!(accreditation.channels, vec![Channel::ProviderOffice]);
        let grain = c.service("grain-warehouse-licence").unwrap();
        let variants: Vec<&str> = grain.variants.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(variants, ["issue", "reissue", "duplicate"]);
        assert!(grain.variant("issue").unwrap().steps.interested_body);
        assert!(
            grain
                .variants
                .iter()
                .all(|v| v.fee.as_ref().is_some_and(|f| f.paid_before_signing))
        );
        assert_eq!(grain.applicants, Applicants::Company);
        for id in ["expert-attestation-shymkent", "expert-attestation-almaty"] {
            let s = c.service(id).unwrap();
            assert!(s.main_variant().steps.testing, "{id} has testing");
            assert_eq!(s.main_variant().term.days, 30);
            assert_eq!(s.applicants, Applicants::Individual);
        }
        let guardianship = c.service("guardianship").unwrap();
        assert_eq!(
            guardianship.main_variant().term.kind,
            qyzmet_domain::calendar::DayKind::Calendar
        );
        assert!(guardianship.channels.contains(&Channel::StateCorporation));
    }

    #[test]
    fn a_broken_catalogue_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("services")).unwrap();
        std::fs::copy(
            Path::new(crate::DEFAULT_CATALOGUE_DIR).join("index.toml"),
            dir.path().join("index.toml"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("services/broken.toml"),
            "[service]\nid = \"x\"\n",
        )
        .unwrap();
        let err = load_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("broken.toml"), "{err}");
    }
}
