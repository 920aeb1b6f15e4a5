use prost_reflect::{FieldDescriptor, Kind};

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// A field of type `google.protobuf.Timestamp` is named `time` or ends in
    /// `_time`, and a `google.protobuf.Duration` field is named `duration` or ends
    /// in `_duration` (Uber V2, prototool's WKT_TIMESTAMP_SUFFIX and
    /// WKT_DURATION_SUFFIX), so the unit of a point or a span of time is in the
    /// name. Repeated fields may use the plural (`times`, `_durations`).
    ///
    /// ```proto
    /// // Invalid
    /// import "google/protobuf/timestamp.proto";
    /// message Trip { google.protobuf.Timestamp started = 1; }
    /// // Valid
    /// import "google/protobuf/timestamp.proto";
    /// message Trip { google.protobuf.Timestamp start_time = 1; }
    /// ```
    pub struct WktFieldNameSuffix {
        id: "WKT_FIELD_NAME_SUFFIX",
        summary: "Timestamp fields end in `_time`, Duration fields in `_duration`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for WktFieldNameSuffix {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        let Kind::Message(message) = field.kind() else { return };
        let word = match message.full_name() {
            "google.protobuf.Timestamp" => "time",
            "google.protobuf.Duration" => "duration",
            _ => return,
        };
        if field.parent_message().is_map_entry() {
            return;
        }
        let name = field.name();
        let mut names = vec![word.to_string()];
        if field.is_list() {
            names.push(format!("{word}s"));
        }
        if names.iter().any(|accepted| name == accepted || name.ends_with(&format!("_{accepted}"))) {
            return;
        }
        cx.report(
            &name_path(field.path()),
            format!("Field {name:?} of type {} should be named {word:?} or end in \"_{word}\".", message.full_name()),
        );
    }
}
