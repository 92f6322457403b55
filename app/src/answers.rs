//! Reading and writing one answer by its field path (`description`, `parties.1.phone`),
//! the same paths `adal_core::form` uses in `shown()` and in field errors.

use adal_core::form::Answers;
use serde_json::Value;

/// The answer at `path`, if any.
pub fn get<'a>(answers: &'a Answers, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = answers.get(parts.next()?)?;
    while let Some(index) = parts.next() {
        let item = value.as_array()?.get(index.parse::<usize>().ok()?)?;
        value = item.as_object()?.get(parts.next()?)?;
    }
    Some(value)
}

/// The answer at `path` as text, for an input's value.
pub fn text(answers: &Answers, path: &str) -> String {
    match get(answers, path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Sets the answer at `path`, creating group items on the way; `Value::Null` removes it.
pub fn set(answers: &mut Answers, path: &str, new: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let [key, rest @ ..] = parts.as_slice() else { return };
    if rest.is_empty() {
        if new.is_null() {
            answers.remove(*key);
        } else {
            answers.insert((*key).to_owned(), new);
        }
        return;
    }
    let [index, _, ..] = rest else { return };
    let Ok(index) = index.parse::<usize>() else { return };
    let items = answers.entry((*key).to_owned()).or_insert_with(|| Value::Array(Vec::new()));
    if !items.is_array() {
        *items = Value::Array(Vec::new());
    }
    let Some(items) = items.as_array_mut() else { return };
    while items.len() <= index {
        items.push(Value::Object(Default::default()));
    }
    let Some(item) = items[index].as_object_mut() else { return };
    let mut inner: Answers = item.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    set(&mut inner, &rest[1..].join("."), new);
    *item = inner.into_iter().collect();
}

/// How many items the group at `key` holds.
pub fn group_len(answers: &Answers, key: &str) -> usize {
    answers.get(key).and_then(Value::as_array).map_or(0, Vec::len)
}

/// Makes the group at `key` hold at least `len` items (new ones empty).
pub fn ensure_items(answers: &mut Answers, key: &str, len: usize) {
    let items = answers.entry(key.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
    if !items.is_array() {
        *items = Value::Array(Vec::new());
    }
    if let Some(items) = items.as_array_mut() {
        while items.len() < len {
            items.push(Value::Object(Default::default()));
        }
    }
}

/// Removes item `index` of the group at `key`.
pub fn remove_item(answers: &mut Answers, key: &str, index: usize) {
    if let Some(items) = answers.get_mut(key).and_then(Value::as_array_mut)
        && index < items.len()
    {
        items.remove(index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_reach_into_groups_and_create_items() {
        let mut a = Answers::new();
        set(&mut a, "description", json!("x"));
        set(&mut a, "parties.1.name", json!("Asel"));
        assert_eq!(text(&a, "description"), "x");
        assert_eq!(text(&a, "parties.1.name"), "Asel");
        assert_eq!(group_len(&a, "parties"), 2);
        remove_item(&mut a, "parties", 0);
        assert_eq!(text(&a, "parties.0.name"), "Asel");
        set(&mut a, "description", Value::Null);
        assert!(get(&a, "description").is_none());
    }
}
