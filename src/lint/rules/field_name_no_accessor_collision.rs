use std::collections::HashMap;

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

use crate::declare_rule;
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// A field or oneof name must not be the name of an accessor protoc
    /// generates for another field of the same message. Field names become
    /// accessors, as earlier revisions of the style guide showed ("Using this
    /// naming convention for field names gives you accessors like ...
    /// `set_song_name` ... `getSongName`"; the current text keeps only "Use
    /// snake_case for field names"); a field named `has_song` next to a field
    /// `song` takes the name of `song`'s C++ `has_song()`, and code generators
    /// then rename one of them or fail.
    ///
    /// The accessors considered, for a field `foo`:
    /// - C++: `foo()`, `has_foo`, `clear_foo`, `set_foo`, `mutable_foo`,
    ///   `release_foo`, `set_allocated_foo`, and for repeated fields `add_foo`,
    ///   `foo_size`; for a oneof `foo`: `foo_case`, `clear_foo`.
    /// - Java: `getFoo` and `setFoo`, `hasFoo`, `clearFoo`; repeated:
    ///   `getFooList`, `getFooCount`, `addFoo`, `addAllFoo`; enums: `getFooValue`;
    ///   strings and bytes: `getFooBytes`; messages: `getFooOrBuilder`,
    ///   `getFooBuilder`; maps: `getFooMap`, `getFooCount`, `containsFoo`,
    ///   `putFoo`, `removeFoo`; a oneof `foo`: `getFooCase`, `clearFoo`.
    /// - Go: the struct field `Foo` against the getter `GetFoo`.
    ///
    /// ```proto
    /// // Invalid
    /// message Song {
    ///   string name = 1;
    ///   bool has_name = 2;
    /// }
    /// // Valid
    /// message Song {
    ///   string name = 1;
    ///   bool name_set = 2;
    /// }
    /// ```
    pub struct FieldNameNoAccessorCollision {
        id: "FIELD_NAME_NO_ACCESSOR_COLLISION",
        summary: "Field and oneof names do not collide with accessors generated for other fields.",
        severity: Error,
        fixable: false,
    }
}

/// A language whose generated accessors are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Language {
    Cpp,
    Java,
    Go,
}

impl Language {
    fn name(self) -> &'static str {
        match self {
            Language::Cpp => "C++",
            Language::Java => "Java",
            Language::Go => "Go",
        }
    }
}

/// A field or a oneof of the message, with the descriptor path of its declaration.
struct Member {
    name: String,
    path: Vec<i32>,
    /// `None` for a oneof.
    field: Option<FieldDescriptor>,
}

impl Rule for FieldNameNoAccessorCollision {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        if message.is_map_entry() {
            return;
        }
        let mut members: Vec<Member> = message
            .fields()
            .map(|field| Member { name: field.name().to_string(), path: field.path().to_vec(), field: Some(field) })
            .collect();
        members.extend(message.oneofs().filter(|oneof| !oneof.is_synthetic()).map(|oneof| Member {
            name: oneof.name().to_string(),
            path: oneof.path().to_vec(),
            field: None,
        }));
        // Every derived accessor, by language and name, with the member it is for.
        let mut derived: HashMap<(Language, String), usize> = HashMap::new();
        for (index, member) in members.iter().enumerate() {
            for (language, accessor) in derived_accessors(member) {
                derived.entry((language, accessor)).or_insert(index);
            }
        }
        for (index, member) in members.iter().enumerate() {
            for (language, name) in own_names(&member.name) {
                let Some(&owner) = derived.get(&(language, name.clone())) else { continue };
                if owner == index || members[owner].name == member.name {
                    continue;
                }
                let kind = if member.field.is_some() { "Field" } else { "Oneof" };
                let owner_kind = if members[owner].field.is_some() { "field" } else { "oneof" };
                cx.report(
                    &name_path(&member.path),
                    format!(
                        "{kind} name {:?} collides with the {} accessor {name:?} generated for {owner_kind} {:?}.",
                        member.name,
                        language.name(),
                        members[owner].name
                    ),
                );
                break;
            }
        }
    }
}

/// The names a member takes itself: its C++ getter, its Java getter and its Go
/// struct field.
fn own_names(name: &str) -> Vec<(Language, String)> {
    let pascal = to_pascal_case(name);
    vec![(Language::Cpp, name.to_string()), (Language::Java, format!("get{pascal}")), (Language::Go, pascal)]
}

/// The accessors generated for a member besides its own names.
fn derived_accessors(member: &Member) -> Vec<(Language, String)> {
    let name = &member.name;
    let pascal = to_pascal_case(name);
    let mut accessors = Vec::new();
    let mut cpp = |text: String| accessors.push((Language::Cpp, text));
    let Some(field) = &member.field else {
        cpp(format!("{name}_case"));
        cpp(format!("clear_{name}"));
        accessors.push((Language::Java, format!("get{pascal}Case")));
        return accessors;
    };
    for prefix in ["has", "clear", "set", "mutable", "release", "set_allocated"] {
        cpp(format!("{prefix}_{name}"));
    }
    if field.is_list() {
        cpp(format!("add_{name}"));
        cpp(format!("{name}_size"));
    }
    let mut java = vec![format!("set{pascal}"), format!("has{pascal}"), format!("clear{pascal}")];
    if field.is_map() {
        java.extend([format!("get{pascal}Map"), format!("get{pascal}Count"), format!("contains{pascal}")]);
        java.extend([format!("put{pascal}"), format!("remove{pascal}")]);
    } else if field.is_list() {
        java.extend([format!("get{pascal}List"), format!("get{pascal}Count")]);
        java.extend([format!("add{pascal}"), format!("addAll{pascal}")]);
    }
    match field.kind() {
        Kind::Enum(_) => java.push(format!("get{pascal}Value")),
        Kind::String | Kind::Bytes => java.push(format!("get{pascal}Bytes")),
        Kind::Message(_) if !field.is_map() => {
            java.extend([format!("get{pascal}OrBuilder"), format!("get{pascal}Builder")]);
        }
        _ => {}
    }
    accessors.extend(java.into_iter().map(|text| (Language::Java, text)));
    accessors.push((Language::Go, format!("Get{pascal}")));
    accessors
}
