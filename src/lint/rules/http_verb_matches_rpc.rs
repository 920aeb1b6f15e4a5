use prost_reflect::{FileDescriptor, MethodDescriptor};

use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption};

/// The standard methods of AIP-131..135: RPC name prefix and the HTTP verbs it may use.
const STANDARD_PREFIXES: &[(&str, &[&str])] = &[
    ("BatchGet", &["GET"]),
    ("Create", &["POST"]),
    ("Delete", &["DELETE"]),
    ("Get", &["GET"]),
    ("List", &["GET"]),
    ("Update", &["PATCH", "PUT"]),
];

const HTTP_VERBS: &[&str] = &["GET", "PUT", "POST", "DELETE", "PATCH"];

declare_rule! {
    /// The HTTP verb of an RPC's primary `google.api.http` binding must match the
    /// verb its name announces (AIP-131..135): `Get*`, `List*` and `BatchGet*` bind
    /// to `GET`, `Create*` to `POST`, `Update*` to `PATCH` or `PUT`, `Delete*` to
    /// `DELETE`. A prefix counts when a capital letter, a digit or the end follows it
    /// (`Getaway` is not a `Get`). `GetBook` bound to `POST` surprises clients and
    /// caches, hence a warning. `additional_bindings` are not checked: they exist to
    /// offer other verbs. Nor are bindings whose path ends in a custom verb
    /// (`:getIamPolicy`): those are custom methods (AIP-136), served by POST; except
    /// `BatchGet*`, which AIP-231 binds to `GET .../resources:batchGet`.
    ///
    /// Option `prefixes` adds or overrides prefixes: a comma-separated list of
    /// `Prefix=VERB` or `Prefix=VERB|VERB` (`"Search=GET, Undelete=POST"`).
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc GetBook(GetBookRequest) returns (Book) {
    ///     option (google.api.http) = { post: "/v1/{name=books/*}" body: "*" };
    ///   }
    /// }
    /// message GetBookRequest { string name = 1; }
    /// message Book { string name = 1; }
    /// // Valid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc GetBook(GetBookRequest) returns (Book) {
    ///     option (google.api.http) = { get: "/v1/{name=books/*}" };
    ///   }
    /// }
    /// message GetBookRequest { string name = 1; }
    /// message Book { string name = 1; }
    /// ```
    pub struct HttpVerbMatchesRpc {
        id: "HTTP_VERB_MATCHES_RPC",
        summary: "The HTTP verb of an RPC's `google.api.http` binding matches its name (GetX → GET).",
        severity: Warn,
        fixable: false,
        options: [RuleOption {
            name: "prefixes",
            default: OptionDefault::String(""),
            help: "More RPC name prefixes and their verbs: `\"Search=GET, Undelete=POST\"` (adds to or overrides Get, List, BatchGet, Create, Update, Delete).",
        }],
    }
}

/// The prefix table: the standard one with the option's entries added or replacing.
fn prefix_table(option: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut table: Vec<(String, Vec<String>)> = STANDARD_PREFIXES
        .iter()
        .map(|(prefix, verbs)| (prefix.to_string(), verbs.iter().map(|v| v.to_string()).collect()))
        .collect();
    for entry in option.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
        let Some((prefix, verbs)) = entry.split_once('=') else {
            return Err(format!("entry {entry:?} is not Prefix=VERB"));
        };
        let prefix = prefix.trim();
        let verbs: Vec<String> = verbs.split('|').map(|v| v.trim().to_ascii_uppercase()).collect();
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("entry {entry:?} has no valid RPC name prefix"));
        }
        if let Some(bad) = verbs.iter().find(|v| !HTTP_VERBS.contains(&v.as_str())) {
            return Err(format!("entry {entry:?}: {bad:?} is not one of GET, PUT, POST, DELETE, PATCH"));
        }
        table.retain(|(known, _)| known != prefix);
        table.push((prefix.to_string(), verbs));
    }
    Ok(table)
}

/// The longest prefix of the table that `name` starts with at a word boundary.
fn matching_prefix<'t>(table: &'t [(String, Vec<String>)], name: &str) -> Option<&'t (String, Vec<String>)> {
    table
        .iter()
        .filter(|(prefix, _)| {
            name.strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.chars().next().is_none_or(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        })
        .max_by_key(|(prefix, _)| prefix.len())
}

impl Rule for HttpVerbMatchesRpc {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        if file.services().next().is_none() {
            return;
        }
        if let Err(error) = prefix_table(cx.option_str("prefixes")) {
            cx.report_file(format!("Option `prefixes` of HTTP_VERB_MATCHES_RPC is invalid: {error}."));
        }
    }

    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        let Ok(table) = prefix_table(cx.option_str("prefixes")) else { return };
        let Some((prefix, verbs)) = matching_prefix(&table, method.name()) else { return };
        let Some(primary) = located_bindings(cx.file(), method).into_iter().next() else { return };
        if primary.binding.index != 0 || primary.binding.custom || verbs.contains(&primary.binding.verb) {
            return;
        }
        // A `:verb` path makes it a custom method (AIP-136), which POST serves
        // whatever its name: `GetIamPolicy` is `POST /v1/{resource=**}:getIamPolicy`.
        // BatchGet is the exception: AIP-231 binds `:batchGet` to GET.
        if prefix != "BatchGet" && primary.binding.template().is_ok_and(|template| template.verb.is_some()) {
            return;
        }
        let expected = verbs.join(" or ");
        cx.report_range(
            &primary.option_path,
            primary.path_range(),
            format!("RPC {:?} is bound to {}; {prefix}* RPCs use {expected}.", method.name(), primary.binding.verb),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_at_word_boundaries_and_extend() {
        let table = prefix_table("Search=GET, Update=PUT").unwrap();
        assert_eq!(matching_prefix(&table, "GetBook").unwrap().0, "Get");
        assert_eq!(matching_prefix(&table, "BatchGetBooks").unwrap().0, "BatchGet");
        assert!(matching_prefix(&table, "Getaway").is_none());
        assert_eq!(matching_prefix(&table, "SearchBooks").unwrap().1, ["GET"]);
        assert_eq!(matching_prefix(&table, "UpdateBook").unwrap().1, ["PUT"]);
        assert!(prefix_table("Search").is_err());
        assert!(prefix_table("Search=FETCH").is_err());
    }
}
