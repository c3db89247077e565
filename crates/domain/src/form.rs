//! Form schemas and the one validator both sides run.
//!
//! The app runs [`validate`] when the user continues or submits; the server runs it again on
//! submission and rejects what fails with the same [`FieldError`]s. Answers travel as strings
//! (what HTML inputs hold) and come back normalised (an IIN without spaces, a phone as
//! `+7XXXXXXXXXX`), with hidden fields dropped.

use crate::identifiers::{Bin, Iin};
use crate::lang::Text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

mod reading;

/// A service's form: one topic per step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormSchema {
    pub steps: Vec<FormStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormStep {
    pub id: String,
    pub title: Text,
    pub fields: Vec<Field>,
}

/// Read by hand (`reading`): one flat object, `kind` naming its kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub id: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(flatten)]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Rules::is_empty")]
    pub rules: Rules,
    /// Shown (and validated) only when another field of the same scope has one of the values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
}

/// Written flattened into its field, `kind` naming it; read with the field (`reading`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Number {
        #[serde(default)]
        integer: bool,
    },
    Date,
    Choice {
        options: Vec<ChoiceOption>,
    },
    YesNo,
    Iin,
    Bin,
    Phone,
    Email,
    Address,
    /// A repeatable group of fields, e.g. each child in the guardianship service.
    Group {
        item_label: Text,
        fields: Vec<Field>,
        #[serde(default)]
        min_items: u32,
        max_items: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub id: String,
    pub label: Text,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_len: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// A regular expression the whole value must match (the field's hint explains it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DateRule>,
}

impl Rules {
    fn is_empty(&self) -> bool {
        *self == Rules::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRule {
    NotFuture,
    NotPast,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: String,
    /// Any of these values shows the field.
    pub any_of: Vec<String>,
}

/// A user's answer: a string, or the items of a repeatable group (read by hand: `reading`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Text(String),
    Items(Vec<Answers>),
}

/// Written by hand because the schema refers to itself (a group's items are answers), which
/// the derive cannot express without losing what the items are.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Answer {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
        let answers = ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(utoipa::openapi::Ref::from_schema_name("Answer")));
        OneOfBuilder::new()
            .description(Some(
                "A user's answer: a string, or the items of a repeatable group (each an object of answers).",
            ))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(ArrayBuilder::new().items(answers))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Answer {
    fn name() -> std::borrow::Cow<'static, str> {
        "Answer".into()
    }
}

pub type Answers = BTreeMap<String, Answer>;

/// Answers that passed [`validate`]: normalised, hidden and unknown fields removed. Only
/// `validate` makes one (the field is private and it is not deserialised), so holding one is
/// proof the answers were checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidAnswers(Answers);

impl ValidAnswers {
    pub fn answers(&self) -> &Answers {
        &self.0
    }

    pub fn into_answers(self) -> Answers {
        self.0
    }
}

/// One field's problem. `field` is a path such as `children[1].iin`; `code` is stable and the
/// locale files translate it (`params` fill its placeholders).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

/// Every code [`validate`] can give besides the identifier codes.
pub const FORM_ERROR_CODES: &[&str] = &[
    "form.required",
    "form.too_short",
    "form.too_long",
    "form.not_a_number",
    "form.not_integer",
    "form.too_small",
    "form.too_large",
    "form.pattern",
    "form.date",
    "form.date_no_day",
    "form.date_no_month",
    "form.date_no_year",
    "form.date_incomplete",
    "form.date_year",
    "form.date_in_future",
    "form.date_in_past",
    "form.choice",
    "form.yes_no",
    "form.phone",
    "form.email",
    "form.too_few_items",
    "form.too_many_items",
    "form.invalid",
];

/// What validation needs from outside: the date today (the crate has no clock).
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub today: Date,
}

/// Default maximum lengths, so no free-text field is unbounded.
fn default_max_len(kind: &FieldKind) -> Option<u32> {
    match kind {
        FieldKind::Text => Some(200),
        FieldKind::Address => Some(300),
        FieldKind::LongText => Some(4000),
        _ => None,
    }
}

pub fn validate(
    schema: &FormSchema,
    answers: &Answers,
    ctx: &Context,
) -> Result<ValidAnswers, Vec<FieldError>> {
    let fields: Vec<&Field> = schema.steps.iter().flat_map(|s| &s.fields).collect();
    let mut errors = Vec::new();
    let out = validate_scope(&fields, answers, "", ctx, &mut errors);
    if errors.is_empty() {
        Ok(ValidAnswers(out))
    } else {
        Err(errors)
    }
}

/// Validates only the fields of one step (the app checks a step when the user continues).
pub fn validate_step(step: &FormStep, answers: &Answers, ctx: &Context) -> Vec<FieldError> {
    let fields: Vec<&Field> = step.fields.iter().collect();
    let mut errors = Vec::new();
    validate_scope(&fields, answers, "", ctx, &mut errors);
    errors
}

/// Whether a field is shown, given the answers of its scope.
pub fn is_visible(field: &Field, scope: &Answers) -> bool {
    match &field.visible_when {
        None => true,
        Some(cond) => match scope.get(&cond.field) {
            Some(Answer::Text(v)) => cond.any_of.iter().any(|a| a == v.trim()),
            _ => false,
        },
    }
}

fn validate_scope(
    fields: &[&Field],
    answers: &Answers,
    prefix: &str,
    ctx: &Context,
    errors: &mut Vec<FieldError>,
) -> Answers {
    let mut out = Answers::new();
    for field in fields {
        if !is_visible(field, answers) {
            continue;
        }
        let path = format!("{prefix}{}", field.id);
        match (&field.kind, answers.get(&field.id)) {
            (
                FieldKind::Group {
                    fields: inner,
                    min_items,
                    max_items,
                    ..
                },
                value,
            ) => {
                let bounds = (*min_items, *max_items);
                if let Some(valid) = validate_group(field, inner, bounds, value, &path, ctx, errors)
                {
                    out.insert(field.id.clone(), valid);
                }
            }
            (_, Some(Answer::Items(_))) => push_error(errors, &path, "form.invalid", &[]),
            (kind, value) => {
                let raw = match value {
                    Some(Answer::Text(t)) => t.trim(),
                    _ => "",
                };
                if raw.is_empty() {
                    if field.required {
                        push_error(errors, &path, "form.required", &[]);
                    }
                    continue;
                }
                match check_scalar(kind, &field.rules, raw, ctx) {
                    Ok(normalised) => {
                        out.insert(field.id.clone(), Answer::Text(normalised));
                    }
                    Err((code, params)) => push_error(errors, &path, code, &params),
                }
            }
        }
    }
    out
}

fn push_error(errors: &mut Vec<FieldError>, path: &str, code: &str, params: &[(&str, String)]) {
    errors.push(FieldError {
        field: path.to_string(),
        code: code.to_string(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    })
}

/// A repeatable group's answer: its number of items within `(min, max)` (at least one when
/// required), each item validated as a scope of its own (`path[i].field`); the valid items,
/// if any.
fn validate_group(
    field: &Field,
    inner: &[Field],
    (min_items, max_items): (u32, u32),
    value: Option<&Answer>,
    path: &str,
    ctx: &Context,
    errors: &mut Vec<FieldError>,
) -> Option<Answer> {
    let items: &[Answers] = match value {
        None => &[],
        Some(Answer::Items(items)) => items,
        Some(Answer::Text(t)) if t.trim().is_empty() => &[],
        Some(Answer::Text(_)) => {
            push_error(errors, path, "form.invalid", &[]);
            return None;
        }
    };
    let min = if field.required {
        min_items.max(1)
    } else {
        min_items
    };
    if (items.len() as u32) < min {
        let code = if items.is_empty() && field.required {
            "form.required"
        } else {
            "form.too_few_items"
        };
        push_error(errors, path, code, &[("min", min.to_string())]);
    }
    if items.len() as u32 > max_items {
        push_error(
            errors,
            path,
            "form.too_many_items",
            &[("max", max_items.to_string())],
        );
    }
    let inner: Vec<&Field> = inner.iter().collect();
    let valid: Vec<Answers> = items
        .iter()
        .enumerate()
        .map(|(i, item)| validate_scope(&inner, item, &format!("{path}[{i}]."), ctx, errors))
        .collect();
    (!valid.is_empty()).then_some(Answer::Items(valid))
}

type Failure = (&'static str, Vec<(&'static str, String)>);

fn check_scalar(
    kind: &FieldKind,
    rules: &Rules,
    raw: &str,
    ctx: &Context,
) -> Result<String, Failure> {
    let value = match kind {
        FieldKind::Text | FieldKind::LongText | FieldKind::Address => raw.to_string(),
        FieldKind::Number { integer } => check_number(*integer, rules, raw)?,
        FieldKind::Date => check_date(rules, raw, ctx)?,
        FieldKind::Choice { options } => {
            if !options.iter().any(|o| o.id == raw) {
                return Err(("form.choice", vec![]));
            }
            raw.to_string()
        }
        FieldKind::YesNo => match raw {
            "yes" | "no" => raw.to_string(),
            _ => return Err(("form.yes_no", vec![])),
        },
        FieldKind::Iin => Iin::parse(raw).map_err(|e| (e.code(), vec![]))?.as_string(),
        FieldKind::Bin => Bin::parse(raw).map_err(|e| (e.code(), vec![]))?.as_string(),
        FieldKind::Phone => normalise_phone(raw).ok_or(("form.phone", vec![]))?,
        FieldKind::Email => {
            if !is_email(raw) {
                return Err(("form.email", vec![]));
            }
            raw.to_string()
        }
        FieldKind::Group { .. } => return Err(("form.invalid", vec![])),
    };
    let len = value.chars().count() as u32;
    if let Some(min) = rules.min_len.filter(|m| len < *m) {
        return Err(("form.too_short", vec![("min", min.to_string())]));
    }
    if let Some(max) = rules.max_len.or(default_max_len(kind)).filter(|m| len > *m) {
        return Err(("form.too_long", vec![("max", max.to_string())]));
    }
    if let Some(pattern) = &rules.pattern {
        let re = regex_lite::Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|_| ("form.invalid", vec![]))?;
        if !re.is_match(&value) {
            return Err(("form.pattern", vec![]));
        }
    }
    Ok(value)
}

/// A number as typed (a decimal comma, spaces between thousands), within the rules' bounds.
fn check_number(integer: bool, rules: &Rules, raw: &str) -> Result<String, Failure> {
    let n: f64 = raw
        .replace(',', ".")
        .replace(' ', "")
        .parse()
        .map_err(|_| ("form.not_a_number", vec![]))?;
    if !n.is_finite() {
        return Err(("form.not_a_number", vec![]));
    }
    if integer && n.fract() != 0.0 {
        return Err(("form.not_integer", vec![]));
    }
    if let Some(min) = rules.min.filter(|m| n < *m) {
        return Err(("form.too_small", vec![("min", fmt_num(min))]));
    }
    if let Some(max) = rules.max.filter(|m| n > *m) {
        return Err(("form.too_large", vec![("max", fmt_num(max))]));
    }
    Ok(fmt_num(n))
}

/// A date from its boxes, not in the future or past where the rules say so; ISO.
fn check_date(rules: &Rules, raw: &str, ctx: &Context) -> Result<String, Failure> {
    let date = DateParts::of_answer(raw)
        .ok_or("form.date")
        .and_then(|parts| parts.date())
        .map_err(|code| (code, vec![]))?;
    match rules.date {
        Some(DateRule::NotFuture) if date > ctx.today => Err(("form.date_in_future", vec![])),
        Some(DateRule::NotPast) if date < ctx.today => Err(("form.date_in_past", vec![])),
        _ => Ok(date.to_string()),
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// A date question's three boxes, as GOV.UK's date input asks it: day, month and year as
/// typed. Until they make a date the answer holds them as `year-month-day` (`5-` stays what
/// was typed: nothing is lost when a step fails), and [`validate`] says which part is missing
/// or that the date is not real; a real date is normalised to `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateParts {
    pub day: String,
    pub month: String,
    pub year: String,
}

impl DateParts {
    /// The parts of a stored answer; `None` for an answer not in the `year-month-day` shape
    /// (an API client's `23.11.2026`).
    pub fn of_answer(raw: &str) -> Option<DateParts> {
        if raw.is_empty() {
            return Some(DateParts::default());
        }
        let mut parts = raw.splitn(3, '-').map(str::to_string);
        Some(DateParts {
            year: parts.next()?,
            month: parts.next()?,
            day: parts.next()?,
        })
    }

    /// The answer that holds these parts: empty when all three are.
    pub fn answer(&self) -> String {
        // A hyphen typed into a box would shift the parts: it is the separator.
        let clean = |s: &str| s.trim().replace('-', "");
        let (day, month, year) = (clean(&self.day), clean(&self.month), clean(&self.year));
        if day.is_empty() && month.is_empty() && year.is_empty() {
            String::new()
        } else {
            format!("{year}-{month}-{day}")
        }
    }

    /// The date the parts make, or the code saying why not.
    pub fn date(&self) -> Result<Date, &'static str> {
        let (day, month, year) = (self.day.trim(), self.month.trim(), self.year.trim());
        match (day.is_empty(), month.is_empty(), year.is_empty()) {
            (false, false, false) => {}
            (true, false, false) => return Err("form.date_no_day"),
            (false, true, false) => return Err("form.date_no_month"),
            (false, false, true) => return Err("form.date_no_year"),
            _ => return Err("form.date_incomplete"),
        }
        let number = |s: &str| {
            (s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u16>().ok())
                .flatten()
                .ok_or("form.date")
        };
        let (day, month) = (number(day)?, number(month)?);
        if year.len() != 4 {
            return Err("form.date_year");
        }
        let year = number(year)?;
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or("form.date")?;
        u8::try_from(day)
            .ok()
            .and_then(|d| Date::from_calendar_date(i32::from(year), month, d).ok())
            .ok_or("form.date")
    }
}

/// `YYYY-MM-DD`, as dates are stored.
pub fn parse_date(raw: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, &format).ok()
}

/// A Kazakhstan mobile or landline number: `+7`, `7` or `8` then 10 digits; spaces, hyphens
/// and brackets allowed. Normalised to `+7XXXXXXXXXX`.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let kept: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let rest = kept
        .strip_prefix("+7")
        .or_else(|| kept.strip_prefix('8'))
        .or_else(|| kept.strip_prefix('7'))?;
    (rest.len() == 10 && rest.chars().all(|c| c.is_ascii_digit())).then(|| format!("+7{rest}"))
}

/// A phone as it may be shown before its holder is proven: the operator code and the last two
/// digits, `+7 701 *** ** 67`. Anything that is not a normalised number shows nothing of it.
pub fn mask_phone(phone: &str) -> String {
    match normalise_phone(phone) {
        Some(p) => format!("+7 {} *** ** {}", &p[2..5], &p[10..]),
        None => "*** ** **".to_string(),
    }
}

/// A plausible email address: one `@`, a dotted domain, no spaces, at most 254 characters.
pub fn is_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.rsplit_once('@') else {
        return false;
    };
    raw.len() <= 254
        && !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A schema mistake, found when the catalogue is loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {reason}")]
pub struct SchemaError {
    pub field: String,
    pub reason: String,
}

impl FormSchema {
    /// Checks the schema itself: unique ids, conditions that name a field of their scope,
    /// patterns that compile, choices with options, sane group bounds, all labels translated.
    pub fn check(&self) -> Result<(), SchemaError> {
        let fields: Vec<&Field> = self.steps.iter().flat_map(|s| &s.fields).collect();
        for step in &self.steps {
            if !step.title.missing().is_empty() {
                return Err(SchemaError {
                    field: step.id.clone(),
                    reason: "step title lacks a language".into(),
                });
            }
        }
        check_scope(&fields, "")
    }
}

fn check_scope(fields: &[&Field], prefix: &str) -> Result<(), SchemaError> {
    let mut ids = BTreeSet::new();
    for f in fields {
        let path = format!("{prefix}{}", f.id);
        let err = |reason: &str| SchemaError {
            field: path.clone(),
            reason: reason.to_string(),
        };
        if f.id.is_empty() || !f.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(err("id must be ascii letters, digits and _"));
        }
        if !ids.insert(f.id.as_str()) {
            return Err(err("id used twice"));
        }
        if let Some(missing) = f.label.missing().first() {
            return Err(err(&format!("label lacks {missing}")));
        }
        if let Some(p) = &f.rules.pattern {
            regex_lite::Regex::new(p).map_err(|_| err("pattern does not compile"))?;
        }
        match &f.kind {
            FieldKind::Choice { options } if options.is_empty() => {
                return Err(err("choice without options"));
            }
            FieldKind::Group {
                fields: inner,
                min_items,
                max_items,
                ..
            } => {
                if min_items > max_items || *max_items == 0 {
                    return Err(err("group bounds"));
                }
                let inner: Vec<&Field> = inner.iter().collect();
                check_scope(&inner, &format!("{path}[]."))?;
            }
            _ => {}
        }
    }
    for f in fields {
        if let Some(cond) = &f.visible_when
            && !fields.iter().any(|o| o.id == cond.field && o.id != f.id)
        {
            return Err(SchemaError {
                field: format!("{prefix}{}", f.id),
                reason: format!("condition names unknown field `{}`", cond.field),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn masked_phones_show_the_operator_and_two_digits() {
        assert_eq!(super::mask_phone("+77011234567"), "+7 701 *** ** 67");
        assert_eq!(super::mask_phone("8 (702) 765-43-21"), "+7 702 *** ** 21");
        assert_eq!(super::mask_phone("not a phone"), "*** ** **");
    }

    use super::*;
    use time::macros::date;

    fn text(s: &str) -> Text {
        Text {
            kk: s.into(),
            ru: s.into(),
            en: s.into(),
        }
    }

    fn field(id: &str, kind: FieldKind, required: bool) -> Field {
        Field {
            id: id.into(),
            label: text(id),
            hint: None,
            kind,
            required,
            rules: Rules::default(),
            visible_when: None,
        }
    }

    fn schema(fields: Vec<Field>) -> FormSchema {
        FormSchema {
            steps: vec![FormStep {
                id: "s".into(),
                title: text("s"),
                fields,
            }],
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Answer::Text(v.to_string())))
            .collect()
    }

    const CTX: Context = Context {
        today: date!(2026 - 11 - 23),
    };

    fn codes(r: Result<ValidAnswers, Vec<FieldError>>) -> Vec<(String, String)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    fn one(kind: FieldKind, rules: Rules, value: &str) -> Result<String, String> {
        let mut f = field("x", kind, true);
        f.rules = rules;
        match validate(&schema(vec![f]), &answers(&[("x", value)]), &CTX) {
            Ok(ValidAnswers(a)) => match a.get("x") {
                Some(Answer::Text(t)) => Ok(t.clone()),
                other => panic!("{other:?}"),
            },
            Err(e) => Err(e[0].code.clone()),
        }
    }

    #[test]
    fn required_and_optional() {
        let s = schema(vec![
            field("a", FieldKind::Text, true),
            field("b", FieldKind::Text, false),
        ]);
        assert_eq!(
            codes(validate(&s, &answers(&[("a", "   ")]), &CTX)),
            vec![("a".into(), "form.required".into())]
        );
        let ok = validate(&s, &answers(&[("a", " x "), ("zzz", "unknown")]), &CTX).unwrap();
        assert_eq!(
            ok.0,
            answers(&[("a", "x")]),
            "trimmed, unknown and empty optional dropped"
        );
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let r = Rules {
            min_len: Some(2),
            max_len: Some(5),
            ..Rules::default()
        };
        assert_eq!(one(FieldKind::Text, r.clone(), "Әліқ"), Ok("Әліқ".into()));
        assert_eq!(
            one(FieldKind::Text, r.clone(), "Ә"),
            Err("form.too_short".into())
        );
        assert_eq!(
            one(FieldKind::Text, r, "Әліқұлы"),
            Err("form.too_long".into())
        );
        assert_eq!(
            one(FieldKind::Text, Rules::default(), &"a".repeat(201)),
            Err("form.too_long".into())
        );
    }

    #[test]
    fn numbers_and_ranges() {
        let r = Rules {
            min: Some(1.0),
            max: Some(10.0),
            ..Rules::default()
        };
        assert_eq!(
            one(FieldKind::Number { integer: true }, r.clone(), "7"),
            Ok("7".into())
        );
        assert_eq!(
            one(FieldKind::Number { integer: false }, r.clone(), "2,5"),
            Ok("2.5".into())
        );
        assert_eq!(
            one(FieldKind::Number { integer: true }, r.clone(), "2.5"),
            Err("form.not_integer".into())
        );
        assert_eq!(
            one(FieldKind::Number { integer: true }, r.clone(), "0"),
            Err("form.too_small".into())
        );
        assert_eq!(
            one(FieldKind::Number { integer: true }, r.clone(), "11"),
            Err("form.too_large".into())
        );
        assert_eq!(
            one(FieldKind::Number { integer: true }, r.clone(), "seven"),
            Err("form.not_a_number".into())
        );
        assert_eq!(
            one(FieldKind::Number { integer: false }, r, "NaN"),
            Err("form.not_a_number".into())
        );
    }

    #[test]
    fn dates_and_their_rules() {
        let past = Rules {
            date: Some(DateRule::NotFuture),
            ..Rules::default()
        };
        let future = Rules {
            date: Some(DateRule::NotPast),
            ..Rules::default()
        };
        assert_eq!(
            one(FieldKind::Date, past.clone(), "2026-11-23"),
            Ok("2026-11-23".into())
        );
        assert_eq!(
            one(FieldKind::Date, past, "2026-11-24"),
            Err("form.date_in_future".into())
        );
        assert_eq!(
            one(FieldKind::Date, future, "2026-11-22"),
            Err("form.date_in_past".into())
        );
        assert_eq!(
            one(FieldKind::Date, Rules::default(), "2026-02-30"),
            Err("form.date".into())
        );
        assert_eq!(
            one(FieldKind::Date, Rules::default(), "23.11.2026"),
            Err("form.date".into())
        );
    }

    #[test]
    fn a_date_asked_in_three_boxes_says_what_is_missing_or_wrong() {
        let typed = |day: &str, month: &str, year: &str| {
            DateParts {
                day: day.into(),
                month: month.into(),
                year: year.into(),
            }
            .answer()
        };
        let check = |answer: String| one(FieldKind::Date, Rules::default(), &answer);
        // What was typed is kept as typed, and read back into the same boxes.
        assert_eq!(typed("4", "5", "2016"), "2016-5-4");
        assert_eq!(
            DateParts::of_answer("2016--4"),
            Some(DateParts {
                day: "4".into(),
                month: "".into(),
                year: "2016".into()
            })
        );
        assert_eq!(typed(" ", "", ""), "");
        assert_eq!(check(typed("4", "5", "2016")), Ok("2016-05-04".into()));
        assert_eq!(check(typed(" 04", "05 ", "2016")), Ok("2016-05-04".into()));
        assert_eq!(
            check(typed("", "5", "2016")),
            Err("form.date_no_day".into())
        );
        assert_eq!(
            check(typed("4", "", "2016")),
            Err("form.date_no_month".into())
        );
        assert_eq!(check(typed("4", "5", "")), Err("form.date_no_year".into()));
        assert_eq!(
            check(typed("4", "", "")),
            Err("form.date_incomplete".into())
        );
        assert_eq!(check(typed("4", "5", "16")), Err("form.date_year".into()));
        assert_eq!(check(typed("30", "2", "2016")), Err("form.date".into()));
        assert_eq!(check(typed("4", "13", "2016")), Err("form.date".into()));
        assert_eq!(check(typed("4", "May", "2016")), Err("form.date".into()));
        assert_eq!(check(typed("4-5", "5", "2016")), Err("form.date".into()));
    }

    #[test]
    fn choices_yes_no_identifiers_phone_email() {
        let choice = FieldKind::Choice {
            options: vec![ChoiceOption {
                id: "a".into(),
                label: text("a"),
            }],
        };
        assert_eq!(one(choice.clone(), Rules::default(), "a"), Ok("a".into()));
        assert_eq!(
            one(choice, Rules::default(), "b"),
            Err("form.choice".into())
        );
        assert_eq!(
            one(FieldKind::YesNo, Rules::default(), "maybe"),
            Err("form.yes_no".into())
        );
        assert_eq!(
            one(FieldKind::Iin, Rules::default(), "801201700123"),
            Err("identifier.century".into())
        );
        assert_eq!(
            one(FieldKind::Bin, Rules::default(), "150444000123"),
            Err("identifier.division".into())
        );
        assert_eq!(
            one(FieldKind::Phone, Rules::default(), "8 (701) 234-56-78"),
            Ok("+77012345678".into())
        );
        assert_eq!(
            one(FieldKind::Phone, Rules::default(), "+7 701 234 56 7"),
            Err("form.phone".into())
        );
        assert_eq!(
            one(FieldKind::Phone, Rules::default(), "+1 701 234 56 78"),
            Err("form.phone".into())
        );
        assert_eq!(
            one(FieldKind::Email, Rules::default(), "a.b@mail.kz"),
            Ok("a.b@mail.kz".into())
        );
        for bad in ["a@b", "@mail.kz", "a b@mail.kz", "a@.kz", "a@mail."] {
            assert_eq!(
                one(FieldKind::Email, Rules::default(), bad),
                Err("form.email".into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn patterns_match_the_whole_value() {
        let r = Rules {
            pattern: Some("[0-9]{2}:[0-9]{2}:[0-9]{3}".into()),
            ..Rules::default()
        };
        assert_eq!(
            one(FieldKind::Text, r.clone(), "01:02:003"),
            Ok("01:02:003".into())
        );
        assert_eq!(
            one(FieldKind::Text, r, "01:02:0034"),
            Err("form.pattern".into())
        );
    }

    #[test]
    fn conditional_fields_are_validated_only_when_shown() {
        let mut reason = field("reason", FieldKind::LongText, true);
        reason.visible_when = Some(Condition {
            field: "other".into(),
            any_of: vec!["yes".into()],
        });
        let s = schema(vec![field("other", FieldKind::YesNo, true), reason]);
        assert!(
            !validate(
                &s,
                &answers(&[("other", "no"), ("reason", "kept but hidden")]),
                &CTX
            )
            .unwrap()
            .0
            .contains_key("reason")
        );
        assert_eq!(
            codes(validate(&s, &answers(&[("other", "yes")]), &CTX)),
            vec![("reason".into(), "form.required".into())]
        );
    }

    #[test]
    fn repeatable_groups_validate_each_item_with_its_path() {
        let children = Field {
            kind: FieldKind::Group {
                item_label: text("child"),
                fields: vec![
                    field("name", FieldKind::Text, true),
                    field("iin", FieldKind::Iin, true),
                ],
                min_items: 1,
                max_items: 2,
            },
            ..field("children", FieldKind::Text, true)
        };
        let s = schema(vec![children]);
        let item = |name: &str, iin: &str| answers(&[("name", name), ("iin", iin)]);
        let with =
            |items: Vec<Answers>| BTreeMap::from([("children".to_string(), Answer::Items(items))]);
        assert_eq!(
            codes(validate(&s, &Answers::new(), &CTX)),
            vec![("children".into(), "form.required".into())]
        );
        let errs = codes(validate(
            &s,
            &with(vec![item("A", ""), item("", "801201700123")]),
            &CTX,
        ));
        assert_eq!(
            errs,
            vec![
                ("children[0].iin".into(), "form.required".into()),
                ("children[1].name".into(), "form.required".into()),
                ("children[1].iin".into(), "identifier.century".into()),
            ]
        );
        let three = vec![item("A", ""), item("B", ""), item("C", "")];
        assert!(
            codes(validate(&s, &with(three), &CTX))
                .contains(&("children".into(), "form.too_many_items".into()))
        );
        let bad_shape = answers(&[("children", "text")]);
        assert_eq!(
            codes(validate(&s, &bad_shape, &CTX)),
            vec![("children".into(), "form.invalid".into())]
        );
    }

    #[test]
    fn schema_mistakes_are_named() {
        let mut f = field("a", FieldKind::Text, true);
        f.visible_when = Some(Condition {
            field: "nope".into(),
            any_of: vec![],
        });
        assert!(schema(vec![f]).check().unwrap_err().reason.contains("nope"));
        let dup = schema(vec![
            field("a", FieldKind::Text, true),
            field("a", FieldKind::Date, true),
        ]);
        assert_eq!(dup.check().unwrap_err().reason, "id used twice");
        let mut p = field("p", FieldKind::Text, true);
        p.rules.pattern = Some("(".into());
        assert_eq!(schema(vec![p]).check().unwrap_err().field, "p");
        let c = field("c", FieldKind::Choice { options: vec![] }, true);
        assert!(schema(vec![c]).check().is_err());
        let mut l = field("l", FieldKind::Text, true);
        l.label.ru.clear();
        assert!(schema(vec![l]).check().unwrap_err().reason.contains("ru"));
    }

    #[test]
    fn schemas_round_trip_through_json() {
        let s = schema(vec![
            field("a", FieldKind::Number { integer: true }, true),
            field("b", FieldKind::YesNo, false),
        ]);
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"kind\":\"number\""));
        assert_eq!(serde_json::from_str::<FormSchema>(&json).unwrap(), s);
    }
}
