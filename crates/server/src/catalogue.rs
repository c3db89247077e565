//! Reads the catalogue folder and hands its files to the domain loader, which checks them.

use anyhow::Context;
use qyzmet_domain::Lang;
use qyzmet_domain::api::{ServiceDetail, ServiceList, ServiceSummary};
use qyzmet_domain::catalogue::{Catalogue, loader};
use std::path::Path;

/// The catalogue in one language: the API's answer (made once, `catalogue_answers`) and what
/// the home page and the cabinet are rendered with.
pub fn list(c: &Catalogue, lang: Lang) -> ServiceList {
    let services = c
        .services
        .iter()
        .map(|s| ServiceSummary::new(s, lang, c.fee_index.tenge))
        .collect();
    ServiceList { lang, services }
}

/// One service's page in one language, if the catalogue has it.
pub fn detail(c: &Catalogue, id: &str, lang: Lang) -> Option<ServiceDetail> {
    let service = c.service(id)?;
    Some(ServiceDetail::new(
        service,
        &c.providers,
        lang,
        c.fee_index.tenge,
    ))
}

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

    /// Each service's process is its regulation's, step by step: who, what, how long —
    /// each step's source quoting the words that give its time.
    #[test]
    fn each_services_process_is_its_regulations_with_the_paragraph_quoted() {
        use qyzmet_domain::process::Performer::{self, *};
        use qyzmet_domain::process::StepAction::{self, *};
        use qyzmet_domain::process::StepTime::{self, *};
        type Row = (Performer, StepAction, StepTime, &'static str);
        let licence: &[Row] = &[
            (Office, Register, Minutes(10), "10 минут ішінде"),
            (
                Head,
                Assign,
                Minutes(30),
                "30-минут ішінде жауапты орындаушыны",
            ),
            (
                Executor,
                Examine,
                ServiceTerm,
                "Стандарттың 4-тармағында белгіленген мерзімде",
            ),
            (Head, Sign, SameWorkingDay, "сол жұмыс күні ішінде"),
            (Office, Issue, SameWorkingDay, "сол жұмыс күні ішінде"),
        ];
        let state_002 = |days: u32, words: &'static str| -> Vec<Row> {
            vec![
                (Office, Register, Minutes(15), "15 минуттың ішінде"),
                (Head, Assign, Minutes(15), "он бес минут ішінде"),
                (Executor, Examine, WorkingDays(days), words),
                (Office, Issue, ServiceTerm, "дайын екені туралы хабарлама"),
            ]
        };
        let table: Vec<(&str, &str, Vec<Row>)> = vec![
            (
                "guardianship",
                "main",
                vec![
                    (Office, Register, Minutes(30), "30 (отыз) минут"),
                    (Head, Assign, Minutes(20), "20 (жиырма) минут"),
                    (
                        Executor,
                        Examine,
                        CalendarDays(28),
                        "28 (жиырма сегіз) күнтізбелік күн",
                    ),
                    (Head, Sign, CalendarDays(1), "1 (бір) күнтізбелік күн"),
                    (Office, Issue, Minutes(30), "30 (отыз) минут"),
                ],
            ),
            ("survey-licence", "main", licence.to_vec()),
            ("design-licence", "main", licence.to_vec()),
            ("construction-licence", "main", licence.to_vec()),
            (
                "project-management-accreditation",
                "main",
                vec![
                    (Office, Accept, Minutes(15), "15-минут ішінде"),
                    (
                        Head,
                        Assign,
                        Minutes(30),
                        "30 минут ішінде жауапты орындаушыны",
                    ),
                    (
                        Executor,
                        Examine,
                        WorkingDays(2),
                        "екі жұмыс күнінің ішінде",
                    ),
                    (Head, Sign, SameWorkingDay, "сол жұмыс күні ішінде"),
                    (Office, Issue, Minutes(10), "10 минут ішінде"),
                ],
            ),
            (
                "expert-attestation-shymkent",
                "main",
                vec![
                    (Office, Register, Minutes(10), "10 минуттың ішінде"),
                    (Head, Assign, Minutes(30), "30 минут ішінде"),
                    (
                        Executor,
                        Examine,
                        ServiceTerm,
                        "Стандарттың 4-тармағында белгіленген мерзімде",
                    ),
                    (Head, Sign, SameWorkingDay, "жұмыс күні ішінде"),
                    (Office, Issue, Minutes(10), "10 минут ішінде"),
                ],
            ),
            (
                "cultural-export-certificate",
                "main",
                state_002(10, "он жұмыс күнінен көп емес"),
            ),
            (
                "monument-restoration-agreement",
                "main",
                state_002(15, "он бес жұмыс күнінен көп емес"),
            ),
            (
                "grain-warehouse-licence",
                "issue",
                vec![
                    (Office, Register, Minutes(30), "30 (отыз) минуттың ішінде"),
                    (Head, Assign, WorkingDays(1), "1 (бір) жұмыс күні ішінде"),
                    (
                        Executor,
                        Examine,
                        WorkingDays(2),
                        "2 (екі) жұмыс күні ішінде",
                    ),
                    (
                        InterestedBody,
                        Approve,
                        WorkingDays(5),
                        "5 (бес) жұмыс күні ішінде",
                    ),
                    (
                        Executor,
                        Examine,
                        WorkingDays(1),
                        "1 (бір) жұмыс күні ішінде",
                    ),
                    (Head, Sign, Hours(2), "2 (екі) сағат ішінде"),
                    (Office, Issue, Minutes(30), "30 (отыз) минуттың ішінде"),
                ],
            ),
            (
                "grain-warehouse-licence",
                "reissue",
                vec![
                    (Office, Register, Minutes(30), "30 (отыз) минут ішінде"),
                    (Head, Assign, Hours(2), "2 (екі) сағат ішінде"),
                    (
                        Executor,
                        Examine,
                        WorkingDays(2),
                        "2 (екі) жұмыс күні ішінде",
                    ),
                    (Head, Sign, Hours(2), "2 (екі) сағат ішінде"),
                    (Office, Issue, Minutes(30), "30 (отыз) минут ішінде"),
                ],
            ),
            (
                "grain-warehouse-licence",
                "duplicate",
                vec![
                    (Office, Register, Minutes(30), "30 (отыз) минут ішінде"),
                    (Head, Assign, Hours(2), "2 (екі) сағат ішінде"),
                    (
                        Executor,
                        Examine,
                        WorkingDays(1),
                        "1 (бір) жұмыс күні ішінде",
                    ),
                    (Head, Sign, Hours(2), "2 (екі) сағат ішінде"),
                    (Office, Issue, Minutes(30), "30 (отыз) минут ішінде"),
                ],
            ),
            (
                "expert-attestation-almaty",
                "main",
                vec![
                    (
                        Office,
                        Register,
                        WorkingDays(2),
                        "2 (екі) жұмыс күні ішінде орындауға",
                    ),
                    (
                        Executor,
                        Examine,
                        WorkingDays(2),
                        "2 (екі) жұмыс күні ішінде",
                    ),
                    (
                        Executor,
                        Examine,
                        WorkingDays(3),
                        "3 (үш) жұмыс күні ішінде",
                    ),
                    (Head, Sign, SameWorkingDay, "келіп түскен күні қол қоюы"),
                    (
                        Executor,
                        Examine,
                        WorkingDays(3),
                        "3 (үш) жұмыс күні ішінде",
                    ),
                    (
                        Executor,
                        Forward,
                        WorkingDays(1),
                        "1 (бір) жұмыс күні ішінде",
                    ),
                    (Head, Examine, WorkingDays(3), "3 (үш) жұмыс күні ішінде"),
                    (
                        Executor,
                        Schedule,
                        WorkingDays(3),
                        "3 (үш) жұмыс күні ішінде",
                    ),
                    (Executor, Notify, CalendarDays(3), "3 (үш) күнін ішінде"),
                    (Executor, Test, WorkingDays(1), "1 (бір) жұмыс күні ішінде"),
                    (
                        Executor,
                        Examine,
                        SameWorkingDay,
                        "тестілеу өткізілген күні",
                    ),
                    (
                        Executor,
                        Examine,
                        WorkingDays(3),
                        "3 (үш) жұмыс күні ішінде",
                    ),
                    (Head, Sign, SameWorkingDay, "келіп түскен күні қол қоюы"),
                    (
                        Executor,
                        Examine,
                        WorkingDays(3),
                        "3 (үш) жұмыс күні ішінде",
                    ),
                    (Head, Sign, SameWorkingDay, "келіп түскен күні қол қоюы"),
                    (
                        Executor,
                        Examine,
                        WorkingDays(3),
                        "3 (үш) жұмыс күні ішінде",
                    ),
                    (Head, Sign, SameWorkingDay, "келіп түскен күнінде"),
                ],
            ),
        ];
        let c = real();
        let variants: usize = c.services.iter().map(|s| s.variants.len()).sum();
        assert_eq!(
            table.len(),
            variants,
            "every variant of the catalogue has its row here"
        );
        for (service, variant, rows) in table {
            let v = c.service(service).and_then(|s| s.variant(variant)).unwrap();
            let got: Vec<_> = v
                .process
                .iter()
                .map(|s| (s.performer, s.action, s.time))
                .collect();
            let want: Vec<_> = rows.iter().map(|(p, a, t, _)| (*p, *a, *t)).collect();
            assert_eq!(got, want, "{service}/{variant}");
            for (step, (_, _, _, words)) in v.process.iter().zip(&rows) {
                assert!(
                    step.source.contains(words),
                    "{service}/{variant}: {words:?} not in {:?}",
                    step.source
                );
            }
        }
    }

    /// The State Corporation's own steps where a service is taken at its offices: around the
    /// provider's, each quoting its words (000 gives them no time; 004 its 20 minutes and
    /// the month it keeps an uncollected result).
    #[test]
    fn the_state_corporations_steps_wrap_the_providers_as_the_regulations_word_them() {
        use qyzmet_domain::catalogue::Channel::StateCorporation as Sc;
        use qyzmet_domain::process::Performer::*;
        use qyzmet_domain::process::StepAction::*;
        use qyzmet_domain::process::StepTime::*;
        let c = real();
        let taken: Vec<&str> = c
            .services
            .iter()
            .filter(|s| s.channels.contains(&Sc))
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(
            taken,
            [
                "survey-licence",
                "design-licence",
                "construction-licence",
                "guardianship"
            ]
        );
        let guardianship = c.service("guardianship").unwrap();
        let whole = guardianship.process_for(guardianship.main_variant(), Sc);
        let got: Vec<_> = whole
            .iter()
            .map(|s| (s.performer, s.action, s.time))
            .collect();
        assert_eq!(
            got,
            [
                (StateCorporation, Accept, Minutes(20)),
                (Accumulation, Forward, NotSet),
                (Office, Register, Minutes(30)),
                (Head, Assign, Minutes(20)),
                (Executor, Examine, CalendarDays(28)),
                (Head, Sign, CalendarDays(1)),
                (Office, Issue, Minutes(30)),
                (StateCorporation, Issue, CalendarMonths(1)),
            ]
        );
        for (step, words) in whole.iter().zip([
            "20 (жиырма) минут",
            "курьері құжаттарды көрсетілетін қызметті берушіге",
        ]) {
            assert!(
                step.source.contains(words),
                "{words:?} in {:?}",
                step.source
            );
        }
        assert!(whole[7].source.contains("бір ай ішінде сақтауды"));
        for id in ["survey-licence", "design-licence", "construction-licence"] {
            let s = c.service(id).unwrap();
            let whole = s.process_for(s.main_variant(), Sc);
            assert_eq!((whole[0].time, whole[1].time), (NotSet, NotSet), "{id}");
            let last = whole.last().unwrap();
            assert_eq!(
                (last.performer, last.action, last.time),
                (StateCorporation, Issue, NotSet)
            );
            assert!(last.source.contains("нәтижесін береді"), "{id}");
        }
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
                let terms = [&v.portal_term, &v.state_corporation_term];
                for term in std::iter::once(&v.term).chain(terms.into_iter().flatten()) {
                    assert!(term.days > 0 && !term.source.is_empty(), "{}: term", s.id);
                }
                for d in &v.documents {
                    assert!(d.name.missing().is_empty(), "{}: document {}", s.id, d.id);
                }
            }
        }
    }

    #[test]
    fn the_regulations_particulars_are_kept() {
        let c = real();
        // 004: at the State Corporation the day of acceptance is not counted; nowhere else.
        let guardianship = c.service("guardianship").unwrap().variant("main").unwrap();
        let at_state_corporation = guardianship.state_corporation_term.as_ref().unwrap();
        assert!(!at_state_corporation.acceptance_day_counted);
        assert!(at_state_corporation.source.contains("қабылдау күні"));
        assert!(guardianship.term.acceptance_day_counted);
        let others = c.services.iter().filter(|s| s.id != "guardianship");
        assert!(
            others
                .flat_map(|s| &s.variants)
                .all(|v| v.state_corporation_term.is_none())
        );
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

    /// Each service's due date for an application registered on the portal on Monday
    /// 14 December 2026 (the registration day not counted; 16 December, 1–2 and 7 January are
    /// holidays and 4 January a day off), counted by hand from the regulation's rule.
    #[test]
    fn a_portal_application_is_due_as_its_regulation_says() {
        use qyzmet_domain::calendar::WorkCalendar;
        let c = real();
        let registered = time::macros::date!(2026 - 12 - 14);
        let expected = [
            // 000 annexes 1–3, the Standard: 15 working days — across 16 Dec and the New Year.
            ("survey-licence", "main", "2027-01-08"),
            ("design-licence", "main", "2027-01-08"),
            ("construction-licence", "main", "2027-01-08"),
            // 000 annex 4: two working days (office only; the provider's term).
            ("project-management-accreditation", "main", "2026-12-17"),
            // 000 annex 5 and 001 §5: 30 working days.
            ("expert-attestation-shymkent", "main", "2027-01-29"),
            ("expert-attestation-almaty", "main", "2027-01-29"),
            // 002 §9 item 11: 10 and 15 *calendar* days from applying on the portal (the
            // office's 10 and 15 working days would end 29 Dec and 8 Jan).
            ("cultural-export-certificate", "main", "2026-12-24"),
            ("monument-restoration-agreement", "main", "2026-12-29"),
            // 003 §5: issue 9, re-issue 3, duplicate 2 working days.
            ("grain-warehouse-licence", "issue", "2026-12-28"),
            ("grain-warehouse-licence", "reissue", "2026-12-18"),
            ("grain-warehouse-licence", "duplicate", "2026-12-17"),
            // 004 §5: 30 calendar days.
            ("guardianship", "main", "2027-01-13"),
        ];
        let calendar = WorkCalendar::kazakhstan();
        for (service, variant, due) in expected {
            let s = c.service(service).unwrap_or_else(|| panic!("{service}"));
            let v = s
                .variant(variant)
                .unwrap_or_else(|| panic!("{service} {variant}"));
            let got = calendar.due_date(registered, v.term_on_portal());
            assert_eq!(got.to_string(), due, "{service} ({variant})");
        }
        // Every service is in the table.
        for s in &c.services {
            assert!(
                expected.iter().any(|(id, ..)| *id == s.id),
                "{}: add its due date",
                s.id
            );
        }
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
