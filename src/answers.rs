//! Reading and writing one answer in the draft's answers: a top-level field, or a field of
//! one item of a repeatable group. The path matches the validator's (`children[0].iin`), so a
//! field's element id is the path its errors name.

use qyzmet_domain::Lang;
use qyzmet_domain::form::{Answer, Answers, Field, FieldKind};

#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub group: Option<(String, usize)>,
    pub field: String,
}

impl Slot {
    pub fn top(field: &str) -> Slot {
        Slot {
            group: None,
            field: field.to_string(),
        }
    }

    pub fn path(&self) -> String {
        match &self.group {
            Some((g, i)) => format!("{g}[{i}].{}", self.field),
            None => self.field.clone(),
        }
    }
}

/// The answers a field's visibility condition is read in: the item's own for a group field.
pub fn scope<'a>(answers: &'a Answers, group: &Option<(String, usize)>) -> Option<&'a Answers> {
    match group {
        None => Some(answers),
        Some((g, i)) => match answers.get(g) {
            Some(Answer::Items(items)) => items.get(*i),
            _ => None,
        },
    }
}

pub fn text(answers: &Answers, slot: &Slot) -> String {
    match scope(answers, &slot.group).and_then(|s| s.get(&slot.field)) {
        Some(Answer::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

pub fn set_text(answers: &mut Answers, slot: &Slot, value: String) {
    match &slot.group {
        None => {
            answers.insert(slot.field.clone(), Answer::Text(value));
        }
        Some((g, i)) => {
            let items = items_mut(answers, g);
            while items.len() <= *i {
                items.push(Answers::new());
            }
            items[*i].insert(slot.field.clone(), Answer::Text(value));
        }
    }
}

fn items_mut<'a>(answers: &'a mut Answers, group: &str) -> &'a mut Vec<Answers> {
    let entry = answers
        .entry(group.to_string())
        .or_insert_with(|| Answer::Items(Vec::new()));
    if !matches!(entry, Answer::Items(_)) {
        *entry = Answer::Items(Vec::new());
    }
    match entry {
        Answer::Items(items) => items,
        Answer::Text(_) => unreachable!("replaced above"),
    }
}

pub fn item_count(answers: &Answers, group: &str) -> usize {
    match answers.get(group) {
        Some(Answer::Items(items)) => items.len(),
        _ => 0,
    }
}

pub fn add_item(answers: &mut Answers, group: &str) {
    items_mut(answers, group).push(Answers::new());
}

pub fn remove_item(answers: &mut Answers, group: &str, index: usize) {
    let items = items_mut(answers, group);
    if index < items.len() {
        items.remove(index);
    }
}

/// Whether the user has typed anything for these fields (a step "in progress").
pub fn any_answered(fields: &[Field], answers: &Answers) -> bool {
    fields.iter().any(|f| match answers.get(&f.id) {
        Some(Answer::Text(t)) => !t.trim().is_empty(),
        Some(Answer::Items(items)) => !items.is_empty(),
        None => false,
    })
}

/// The label a path's error is introduced with in the error summary: "Child 2 – IIN".
pub fn label_of(fields: &[Field], path: &str, lang: Lang) -> Option<String> {
    let (head, rest) = match path.split_once('[') {
        Some((g, rest)) => (g, Some(rest)),
        None => (path, None),
    };
    let field = fields.iter().find(|f| f.id == head)?;
    match (&field.kind, rest) {
        (
            FieldKind::Group {
                item_label,
                fields: inner,
                ..
            },
            Some(rest),
        ) => {
            let (index, inner_id) = rest.split_once("].")?;
            let n: usize = index.parse().ok()?;
            let inner = inner.iter().find(|f| f.id == inner_id)?;
            Some(format!(
                "{} {} – {}",
                item_label.get(lang),
                n + 1,
                inner.label.get(lang)
            ))
        }
        _ => Some(field.label.get(lang).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_answers_are_written_and_read_by_path() {
        let mut a = Answers::new();
        let slot = Slot {
            group: Some(("children".into(), 1)),
            field: "iin".into(),
        };
        set_text(&mut a, &slot, "123".into());
        assert_eq!(item_count(&a, "children"), 2);
        assert_eq!(text(&a, &slot), "123");
        assert_eq!(slot.path(), "children[1].iin");
        remove_item(&mut a, "children", 0);
        let first = Slot {
            group: Some(("children".into(), 0)),
            field: "iin".into(),
        };
        assert_eq!(text(&a, &first), "123");
    }

    fn words(kk: &str, ru: &str, en: &str) -> qyzmet_domain::lang::Text {
        qyzmet_domain::lang::Text {
            kk: kk.into(),
            ru: ru.into(),
            en: en.into(),
        }
    }

    fn field(id: &str, kind: FieldKind) -> Field {
        Field {
            id: id.into(),
            label: words(
                &format!("{id} kk"),
                &format!("{id} ru"),
                &format!("{id} en"),
            ),
            hint: None,
            kind,
            required: false,
            rules: Default::default(),
            visible_when: None,
        }
    }

    #[test]
    fn an_error_path_is_introduced_by_its_labels() {
        let children = Field {
            label: words("Балалар", "Дети", "Children"),
            ..field(
                "children",
                FieldKind::Group {
                    item_label: words("Бала", "Ребёнок", "Child"),
                    fields: vec![field("iin", FieldKind::Iin)],
                    min_items: 0,
                    max_items: 5,
                },
            )
        };
        let fields = [field("phone", FieldKind::Phone), children];
        assert_eq!(
            label_of(&fields, "children[1].iin", Lang::En).as_deref(),
            Some("Child 2 – iin en")
        );
        assert_eq!(
            label_of(&fields, "phone", Lang::Ru).as_deref(),
            Some("phone ru")
        );
        assert_eq!(label_of(&fields, "children[x].iin", Lang::En), None);
        assert_eq!(label_of(&fields, "unknown", Lang::En), None);
    }

    #[test]
    fn a_step_is_in_progress_once_anything_is_typed() {
        let fields = [field("phone", FieldKind::Phone)];
        let mut a = Answers::new();
        assert!(!any_answered(&fields, &a));
        set_text(&mut a, &Slot::top("phone"), "  ".into());
        assert!(!any_answered(&fields, &a));
        set_text(&mut a, &Slot::top("phone"), "+7 701".into());
        assert!(any_answered(&fields, &a));
        // A text where a group is expected is replaced, not panicked on.
        a.insert("children".into(), Answer::Text("x".into()));
        add_item(&mut a, "children");
        assert_eq!(item_count(&a, "children"), 1);
        assert_eq!(scope(&a, &Some(("children".into(), 3))), None);
    }
}
