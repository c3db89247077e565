//! How a field and an answer are read, written by hand. The derive would read a field (its
//! kind flattened into it, internally tagged) and an answer (a string or a list, untagged)
//! through serde's buffered `Content`, a second copy of the whole parsing code; in the
//! browser that copy was most of what parsing a service's form cost (#28). The JSON and the
//! catalogue's files are as before: one flat object per field, `kind` naming its kind.

use super::{Answer, Answers, ChoiceOption, Condition, Field, FieldKind, Rules};
use crate::lang::Text;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// Every key a field may have, whichever its kind.
#[derive(Deserialize)]
struct Flat {
    id: String,
    label: Text,
    #[serde(default)]
    hint: Option<Text>,
    kind: Kind,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    rules: Rules,
    #[serde(default)]
    visible_when: Option<Condition>,
    // The kinds' own keys.
    #[serde(default)]
    integer: bool,
    #[serde(default)]
    options: Option<Vec<ChoiceOption>>,
    #[serde(default)]
    item_label: Option<Text>,
    #[serde(default)]
    fields: Option<Vec<Field>>,
    #[serde(default)]
    min_items: u32,
    #[serde(default)]
    max_items: Option<u32>,
}

/// `kind`'s values, as `FieldKind`'s variants are written.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Text,
    LongText,
    Number,
    Date,
    Choice,
    YesNo,
    Iin,
    Bin,
    Phone,
    Email,
    Address,
    Group,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let f = Flat::deserialize(deserializer)?;
        fn needs<T, E: de::Error>(value: Option<T>, key: &'static str) -> Result<T, E> {
            value.ok_or_else(|| E::missing_field(key))
        }
        let kind = match f.kind {
            Kind::Text => FieldKind::Text,
            Kind::LongText => FieldKind::LongText,
            Kind::Number => FieldKind::Number { integer: f.integer },
            Kind::Date => FieldKind::Date,
            Kind::Choice => FieldKind::Choice {
                options: needs(f.options, "options")?,
            },
            Kind::YesNo => FieldKind::YesNo,
            Kind::Iin => FieldKind::Iin,
            Kind::Bin => FieldKind::Bin,
            Kind::Phone => FieldKind::Phone,
            Kind::Email => FieldKind::Email,
            Kind::Address => FieldKind::Address,
            Kind::Group => FieldKind::Group {
                item_label: needs(f.item_label, "item_label")?,
                fields: needs(f.fields, "fields")?,
                min_items: f.min_items,
                max_items: needs(f.max_items, "max_items")?,
            },
        };
        Ok(Field {
            id: f.id,
            label: f.label,
            hint: f.hint,
            kind,
            required: f.required,
            rules: f.rules,
            visible_when: f.visible_when,
        })
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;
        impl<'de> Visitor<'de> for AnswerVisitor {
            type Value = Answer;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of items")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
                Ok(Answer::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Answer, E> {
                Ok(Answer::Text(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
                let mut items = Vec::<Answers>::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Answer::Items(items))
            }
        }
        deserializer.deserialize_any(AnswerVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Answer, Answers, ChoiceOption, DateRule, Field, FieldKind, Rules};
    use crate::lang::Text;
    use serde_json::json;

    fn text(s: &str) -> Text {
        serde_json::from_value(json!({ "kk": s, "ru": s, "en": s })).unwrap()
    }

    fn field(id: &str, kind: FieldKind) -> Field {
        Field {
            id: id.into(),
            label: text(id),
            hint: None,
            kind,
            required: true,
            rules: Rules::default(),
            visible_when: None,
        }
    }

    /// Every kind reads back as written, its own keys and the field's together.
    #[test]
    fn a_field_of_every_kind_reads_back_as_it_is_written() {
        let mut fields = vec![
            FieldKind::Text,
            FieldKind::LongText,
            FieldKind::Number { integer: true },
            FieldKind::Date,
            FieldKind::Choice {
                options: vec![ChoiceOption {
                    id: "a".into(),
                    label: text("A"),
                }],
            },
            FieldKind::YesNo,
            FieldKind::Iin,
            FieldKind::Bin,
            FieldKind::Phone,
            FieldKind::Email,
            FieldKind::Address,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, kind)| field(&format!("f{i}"), kind))
        .collect::<Vec<_>>();
        fields[0].hint = Some(text("hint"));
        fields[0].rules.pattern = Some("[0-9]+".into());
        fields[3].rules.date = Some(DateRule::NotFuture);
        let group = field(
            "children",
            FieldKind::Group {
                item_label: text("child"),
                fields: fields.clone(),
                min_items: 1,
                max_items: 5,
            },
        );
        fields.push(group);
        let json = serde_json::to_string(&fields).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Field>>(&json).unwrap(), fields);
        // The kind is a key of the field itself, as the catalogue writes it.
        assert!(json.contains(r#""kind":"number","integer":true"#), "{json}");
    }

    /// The kind `reading` reads for each `FieldKind`: a match the compiler holds to every
    /// variant: a new kind stops the build here, where `Kind` (above) and the samples below
    /// must take it too.
    fn written_as(kind: &FieldKind) -> &'static str {
        match kind {
            FieldKind::Text => "text",
            FieldKind::LongText => "long_text",
            FieldKind::Number { .. } => "number",
            FieldKind::Date => "date",
            FieldKind::Choice { .. } => "choice",
            FieldKind::YesNo => "yes_no",
            FieldKind::Iin => "iin",
            FieldKind::Bin => "bin",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
            FieldKind::Address => "address",
            FieldKind::Group { .. } => "group",
        }
    }

    #[test]
    fn every_kind_is_written_under_the_name_it_is_read_by() {
        let label = json!({ "kk": "a", "ru": "a", "en": "a" });
        let samples = [
            json!({ "kind": "text" }),
            json!({ "kind": "long_text" }),
            json!({ "kind": "number", "integer": true }),
            json!({ "kind": "date" }),
            json!({ "kind": "choice", "options": [] }),
            json!({ "kind": "yes_no" }),
            json!({ "kind": "iin" }),
            json!({ "kind": "bin" }),
            json!({ "kind": "phone" }),
            json!({ "kind": "email" }),
            json!({ "kind": "address" }),
            json!({ "kind": "group", "item_label": label, "fields": [], "max_items": 2 }),
        ];
        for mut sample in samples {
            sample["id"] = json!("x");
            sample["label"] = label.clone();
            let field: Field = serde_json::from_value(sample.clone()).unwrap();
            assert_eq!(written_as(&field.kind), sample["kind"]);
            let written = serde_json::to_value(&field).unwrap();
            assert_eq!(written["kind"], sample["kind"]);
        }
    }

    #[test]
    fn a_field_without_its_kinds_keys_or_with_an_unknown_kind_is_refused_by_name() {
        let label = json!({ "kk": "a", "ru": "a", "en": "a" });
        let err =
            serde_json::from_value::<Field>(json!({ "id": "x", "label": label, "kind": "choice" }))
                .unwrap_err()
                .to_string();
        assert!(err.contains("missing field `options`"), "{err}");
        let err = serde_json::from_value::<Field>(
            json!({ "id": "x", "label": label, "kind": "group", "fields": [], "item_label": label }),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("missing field `max_items`"), "{err}");
        let err =
            serde_json::from_value::<Field>(json!({ "id": "x", "label": label, "kind": "colour" }))
                .unwrap_err()
                .to_string();
        assert!(err.contains("unknown variant `colour`"), "{err}");
    }

    #[test]
    fn an_answer_is_a_string_or_a_list_of_items_and_nothing_else() {
        let answers: Answers = serde_json::from_value(json!({
            "name": "Айгүл",
            "children": [{ "first_name": "Нұрлан" }, {}],
        }))
        .unwrap();
        assert_eq!(answers["name"], Answer::Text("Айгүл".into()));
        let Answer::Items(items) = &answers["children"] else {
            panic!("items expected")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["first_name"], Answer::Text("Нұрлан".into()));
        assert_eq!(
            serde_json::from_str::<Answers>(&serde_json::to_string(&answers).unwrap()).unwrap(),
            answers
        );
        for wrong in [json!(12), json!(true), json!({ "a": "b" }), json!([1])] {
            assert!(
                serde_json::from_value::<Answer>(wrong.clone()).is_err(),
                "{wrong}"
            );
        }
    }
}
