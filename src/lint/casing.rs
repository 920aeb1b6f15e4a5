//! Name casing conversions with buf's exact semantics: a name passes a casing rule
//! when converting it changes nothing, and the converted name is the suggestion in
//! the message. buf treats `name1` and `name_1` both as lower_snake_case (digits do
//! not start a new word), so these conversions do the same.

fn is_delimiter(c: char) -> bool {
    matches!(c, '.' | '-' | '_' | ' ' | '\t' | '\n' | '\r')
}

/// `foo_bar`, `FooBar`, `foo-bar` → `FooBar`. Delimiters are dropped; the first
/// letter and each letter after a delimiter are uppercased; other uppercase letters
/// stay, other letters are lowercased.
pub fn to_pascal_case(name: &str) -> String {
    let mut output = String::with_capacity(name.len());
    let mut previous: Option<char> = None;
    for c in name.trim().chars() {
        if !is_delimiter(c) {
            if previous.is_none_or(is_delimiter) || c.is_uppercase() {
                output.extend(c.to_uppercase());
            } else {
                output.extend(c.to_lowercase());
            }
        }
        previous = Some(c);
    }
    output
}

/// `FooBar` → `foo_bar`; `HTTPServer` → `http_server`; `name1` stays.
pub fn to_lower_snake_case(name: &str) -> String {
    to_snake_case(name).to_lowercase()
}

/// `fooBar` → `FOO_BAR`.
pub fn to_upper_snake_case(name: &str) -> String {
    to_snake_case(name).to_uppercase()
}

/// Inserts `_` before an uppercase letter that starts a word: one that follows a
/// lowercase letter, or that is followed by a lowercase letter (the last capital of
/// an acronym, `HTTPServer` → `HTTP_Server`). Runs of delimiters become one `_`;
/// delimiters at either end are dropped.
fn to_snake_case(name: &str) -> String {
    let chars: Vec<char> = name.trim_matches(is_delimiter).chars().collect();
    let mut output = String::with_capacity(name.len() + 4);
    for (i, &original) in chars.iter().enumerate() {
        let c = if is_delimiter(original) { '_' } else { original };
        if i == 0 {
            output.push(c);
            continue;
        }
        let last_is_underscore = output.ends_with('_');
        let next = chars.get(i + 1).copied();
        let next_starts_lowercase_word =
            next.is_some_and(|n| !(n.is_uppercase() || n.is_ascii_digit() || is_delimiter(n)));
        let previous_is_lower = chars[i - 1].is_lowercase();
        if c.is_uppercase() && !last_is_underscore && (next_starts_lowercase_word || previous_is_lower) {
            output.push('_');
            output.push(c);
        } else if !(c == '_' && last_is_underscore) {
            output.push(c);
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case() {
        assert_eq!(to_pascal_case("foo_bar"), "FooBar");
        assert_eq!(to_pascal_case("fooBar"), "FooBar");
        assert_eq!(to_pascal_case("FOOBar"), "FOOBar");
        assert_eq!(to_pascal_case("_foo"), "Foo");
        assert_eq!(to_pascal_case("foo2bar"), "Foo2bar");
    }

    #[test]
    fn snake_case() {
        assert_eq!(to_lower_snake_case("FooBar"), "foo_bar");
        assert_eq!(to_lower_snake_case("HTTPServer"), "http_server");
        assert_eq!(to_lower_snake_case("name1"), "name1");
        assert_eq!(to_lower_snake_case("name_1"), "name_1");
        assert_eq!(to_lower_snake_case("foo__bar_"), "foo_bar");
        assert_eq!(to_upper_snake_case("fooBar"), "FOO_BAR");
        assert_eq!(to_upper_snake_case("FOO_BAR"), "FOO_BAR");
        assert_eq!(to_upper_snake_case("MyEnum"), "MY_ENUM");
    }
}
