//! The Google API annotations that lint, breaking, docs and errors all read from
//! compiled descriptors: `google.api.http` bindings with their path templates, and
//! `google.api.field_behavior`. One reader, so every command agrees on what a
//! binding or a behaviour is.
//!
//! Extensions are matched by full name or by field number: repositories vendor
//! `google/api/*.proto` and sometimes rename the package.

pub mod field_behavior;
pub mod http;

use prost_reflect::{DynamicMessage, Value};

/// The value of the extension named `full_name` or numbered `number` in `options`.
fn extension_value<'a>(options: &'a DynamicMessage, full_name: &str, number: u32) -> Option<&'a Value> {
    options
        .extensions()
        .find_map(|(ext, value)| (ext.full_name() == full_name || ext.number() == number).then_some(value))
}

#[cfg(test)]
mod tests {
    use super::field_behavior::field_behaviors;
    use super::http::{FieldPathError, http_bindings, resolve_field_path};

    const LIBRARY: &str = r#"
syntax = "proto3";
package acme.library.v1;
import "google/api/annotations.proto";
import "google/api/field_behavior.proto";
service LibraryService {
  rpc GetBook(GetBookRequest) returns (Book) {
    option (google.api.http) = {
      get: "/v1/{name=shelves/*/books/*}"
      additional_bindings { post: "/v1/{name=shelves/*/books/*}:get" body: "*" }
      additional_bindings { custom { kind: "HEAD" path: "/v1/{name=shelves/*/books/*}" } }
    };
  }
  rpc Plain(GetBookRequest) returns (Book);
}
message GetBookRequest {
  string name = 1 [(google.api.field_behavior) = REQUIRED, (google.api.field_behavior) = IDENTIFIER];
  Book book = 2;
  repeated Book books = 3;
}
message Book { string title = 1 [(google.api.field_behavior) = OUTPUT_ONLY]; }
"#;

    fn compiled() -> crate::compile::Compilation {
        crate::compile::compile_with_google_api(LIBRARY)
    }

    #[test]
    fn reads_bindings_and_behaviors() {
        let compilation = compiled();
        let service = compilation.pool.get_service_by_name("acme.library.v1.LibraryService").unwrap();
        let methods: Vec<_> = service.methods().collect();
        let bindings = http_bindings(&methods[0]);
        let summary: Vec<(String, String, String, usize)> =
            bindings.iter().map(|b| (b.verb.clone(), b.path.clone(), b.body.clone(), b.index)).collect();
        assert_eq!(
            summary,
            [
                ("GET".into(), "/v1/{name=shelves/*/books/*}".into(), String::new(), 0),
                ("POST".into(), "/v1/{name=shelves/*/books/*}:get".into(), "*".into(), 1),
                ("HEAD".into(), "/v1/{name=shelves/*/books/*}".into(), String::new(), 2),
            ]
        );
        assert!(bindings[2].custom);
        assert!(http_bindings(&methods[1]).is_empty());

        let request = methods[0].input();
        assert_eq!(field_behaviors(&request.get_field_by_name("name").unwrap()), ["REQUIRED", "IDENTIFIER"]);
        assert!(field_behaviors(&request.get_field_by_name("book").unwrap()).is_empty());

        let path = |p: &str| p.split('.').map(str::to_string).collect::<Vec<_>>();
        let fields = resolve_field_path(&request, &path("book.title")).unwrap();
        assert_eq!(fields.last().unwrap().full_name(), "acme.library.v1.Book.title");
        assert_eq!(field_behaviors(fields.last().unwrap()), ["OUTPUT_ONLY"]);
        assert_eq!(
            resolve_field_path(&request, &path("book.author")),
            Err(FieldPathError::NoSuchField { index: 1, message: "acme.library.v1.Book".into() })
        );
        assert_eq!(resolve_field_path(&request, &path("books.title")), Err(FieldPathError::NotAMessage { index: 0 }));
    }
}
