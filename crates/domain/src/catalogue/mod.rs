//! The service catalogue: every state service of the regulations, as data.
//!
//! The data lives in TOML files under the repository's `catalogue/` folder; the server loads
//! and checks them at start ([`loader`], feature `loader`) and the app receives them as JSON.
//! Values the regulations defer to a Standard carry a `source` naming where they come from.

#[cfg(feature = "loader")]
pub mod loader;

use crate::calendar::{DayKind, Term};
use crate::form::FormSchema;
use crate::lang::Text;
use crate::status::ServiceSteps;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub fee_index: FeeIndex,
    pub providers: Vec<Provider>,
    pub services: Vec<Service>,
}

impl Catalogue {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }
}

/// The monthly calculation index (АЕК / МРП) that fees are stated in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeIndex {
    pub year: i32,
    pub tenge: u32,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    pub id: String,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub source: String,
}

crate::coded::coded_enum! {
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Category {
        Construction = "construction",
        Culture = "culture",
        Agriculture = "agriculture",
        Family = "family",
    }
}

/// Who may apply.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicants {
    /// Individuals, by IIN.
    Individual,
    /// Legal entities and sole proprietors, by BIN.
    Company,
    Both,
}

impl Applicants {
    pub fn admits_individual(self) -> bool {
        matches!(self, Applicants::Individual | Applicants::Both)
    }
    pub fn admits_company(self) -> bool {
        matches!(self, Applicants::Company | Applicants::Both)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// This portal (e-government).
    #[default]
    Portal,
    /// The provider's own office, on paper.
    ProviderOffice,
    /// The State Corporation "Government for Citizens" (ХҚО / ЦОН).
    StateCorporation,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    Licence,
    Certificate,
    Attestat,
    LetterOfAgreement,
    Resolution,
    AccreditationCertificate,
}

/// A term with where its value comes from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermSpec {
    pub days: u32,
    pub kind: DayKind,
    /// False where the regulation says the day the documents are accepted is not counted
    /// (004 at the State Corporation); counted unless said.
    #[serde(default = "counted", skip_serializing_if = "is_counted")]
    pub acceptance_day_counted: bool,
    pub source: String,
}

fn counted() -> bool {
    true
}

fn is_counted(counted: &bool) -> bool {
    *counted
}

impl TermSpec {
    pub fn term(&self) -> Term {
        Term {
            days: self.days,
            kind: self.kind,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fee {
    /// The amount in monthly calculation indices (0: free).
    pub mci: f64,
    /// Paid through the payment gateway before the application can be signed (003).
    pub paid_before_signing: bool,
    pub source: String,
}

impl Fee {
    /// Whether the applicant must pay before signing: the regulation says so and there is
    /// something to pay. The app's task list and the server's payment and signing checks
    /// ask this one rule.
    pub fn due_before_signing(&self) -> bool {
        due_before_signing(self.paid_before_signing, self.mci)
    }
}

/// See `Fee::due_before_signing` (also asked of the fee as the API shows it).
pub fn due_before_signing(paid_before_signing: bool, mci: f64) -> bool {
    paid_before_signing && mci > 0.0
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }
}

/// One required (or optional) document of the Standard's item 9 list: an attachment slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub name: Text,
    pub required: bool,
    pub types: Vec<FileType>,
    pub max_size_mb: u32,
    pub source: String,
}

/// A variant of a service with its own documents, form and term (grain licence: issue,
/// re-issue, duplicate). A service without variants has exactly one, `main`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub id: String,
    pub name: Text,
    /// The term as the regulation states it for the provider (at its office, or where it
    /// states only one).
    pub term: TermSpec,
    /// The term of an application made on the portal, where the regulation gives one of its
    /// own (002: "10 (он) күнтізбелік күн from applying on the portal").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_term: Option<TermSpec>,
    /// The term of an application made at a State Corporation office, where the regulation
    /// gives it a rule of its own (004: the day of acceptance is not counted). The portal
    /// does not receive those applications; the service page states it, with its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_corporation_term: Option<TermSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
    pub documents: Vec<Document>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<FormSchema>,
    #[serde(default)]
    pub steps: ServiceSteps,
    /// The provider's process as the regulation prescribes it, step by step with who makes
    /// each and how long it may take (`process`), each with the paragraph it comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub process: Vec<crate::process::ProcessStep>,
}

impl Variant {
    /// The term an application made here, on the portal, is due by.
    pub fn term_on_portal(&self) -> Term {
        self.portal_term.as_ref().unwrap_or(&self.term).term()
    }

    /// The term of an application that came in by `channel`, as the regulation words it for
    /// that door (whether the day of acceptance counts, too).
    pub fn term_for(&self, channel: Channel) -> &TermSpec {
        let own = match channel {
            Channel::Portal => self.portal_term.as_ref(),
            Channel::StateCorporation => self.state_corporation_term.as_ref(),
            Channel::ProviderOffice => None,
        };
        own.unwrap_or(&self.term)
    }
}

/// The required documents (id, required) with no file among `attached` (document ids), in
/// the catalogue's order: what still keeps an application from being signed. The server's
/// completeness check (`Variant`) and the app's task list (`api::VariantView`) both ask this.
pub fn missing_documents<'d, 'a>(
    documents: impl IntoIterator<Item = (&'d str, bool)>,
    attached: impl IntoIterator<Item = &'a str>,
) -> Vec<&'d str> {
    let attached: std::collections::BTreeSet<&str> = attached.into_iter().collect();
    documents
        .into_iter()
        .filter(|&(id, required)| required && !attached.contains(id))
        .map(|(id, _)| id)
        .collect()
}

impl Variant {
    /// See [`missing_documents`].
    pub fn missing_documents<'a>(&self, attached: impl IntoIterator<Item = &'a str>) -> Vec<&str> {
        missing_documents(
            self.documents.iter().map(|d| (d.id.as_str(), d.required)),
            attached,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    /// Which regulation (and annex) defines it, e.g. `000 annex 1` (the file in
    /// `regulations/`; the catalogue's order).
    pub regulation: String,
    /// The act as a reader cites it, in each language ("Shymkent city akimat resolution
    /// No. 219 of 29 October 2018, annex 4").
    pub regulation_title: Text,
    pub name: Text,
    pub description: Text,
    pub category: Category,
    pub providers: Vec<String>,
    pub applicants: Applicants,
    pub channels: Vec<Channel>,
    pub result: ResultKind,
    pub result_description: Text,
    pub variants: Vec<Variant>,
    /// For a service with no portal channel: where and when to go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_directions: Option<Text>,
    /// Taken at the State Corporation's offices: its steps before the provider's (its worker
    /// accepts the documents and gives the receipt, its accumulation department sends them
    /// on) and after them (the result given out, or kept and returned), each quoting its
    /// paragraph. Required exactly when `channels` has `state_corporation`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub state_corporation_before: Vec<crate::process::ProcessStep>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub state_corporation_after: Vec<crate::process::ProcessStep>,
}

impl Service {
    pub fn online(&self) -> bool {
        self.channels.contains(&Channel::Portal)
    }

    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }

    /// The default variant (the first): what the catalogue shows as the service's term and fee.
    pub fn main_variant(&self) -> &Variant {
        &self.variants[0]
    }

    /// The whole process of `variant` for a request that came in by `channel`: the
    /// provider's steps, within the State Corporation's where it came through its office.
    pub fn process_for(
        &self,
        variant: &Variant,
        channel: Channel,
    ) -> Vec<crate::process::ProcessStep> {
        match channel {
            Channel::Portal | Channel::ProviderOffice => variant.process.clone(),
            Channel::StateCorporation => self
                .state_corporation_before
                .iter()
                .chain(&variant.process)
                .chain(&self.state_corporation_after)
                .cloned()
                .collect(),
        }
    }
}

impl Channel {
    /// The step a request starts its process at: one accepted at a counter (the State
    /// Corporation's or the provider's office) has had its first step — acceptance with the
    /// receipt — done by being accepted; one from the portal has not (the office registers
    /// what arrived).
    pub fn first_step(self) -> usize {
        match self {
            Channel::Portal => 0,
            Channel::ProviderOffice | Channel::StateCorporation => 1,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::ProviderOffice => "provider_office",
            Channel::StateCorporation => "state_corporation",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        [
            Channel::Portal,
            Channel::ProviderOffice,
            Channel::StateCorporation,
        ]
        .into_iter()
        .find(|c| c.code() == code)
    }
}

impl TryFrom<String> for Channel {
    type Error = crate::coded::UnknownCode;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Channel::from_code(&code).ok_or(crate::coded::UnknownCode(code))
    }
}

#[cfg(test)]
mod fee_tests {
    use super::Fee;

    #[test]
    fn a_fee_is_due_before_signing_only_when_the_regulation_says_so_and_it_is_not_free() {
        let fee = |mci, paid_before_signing| Fee {
            mci,
            paid_before_signing,
            source: "003".into(),
        };
        assert!(fee(0.5, true).due_before_signing());
        assert!(!fee(0.5, false).due_before_signing());
        assert!(!fee(0.0, true).due_before_signing());
        // The API's view of the fee answers the same.
        let view = crate::api::FeeView::new(&fee(0.5, true), 4325);
        assert!(view.due_before_signing());
        assert!(!crate::api::FeeView::new(&fee(0.0, true), 4325).due_before_signing());
    }
}
