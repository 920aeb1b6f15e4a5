use super::*;

const LIBRARY: &str = r#"
syntax = "proto3";
package acme.library.v1;
import "google/api/annotations.proto";
import "google/api/field_behavior.proto";
import "google/protobuf/field_mask.proto";
// Books on shelves.
service LibraryService {
  // Gets a book.
  rpc GetBook(GetBookRequest) returns (Book) {
    option (google.api.http) = {
      get: "/v1/{name=shelves/*/books/*}"
      additional_bindings { post: "/v1/{name=shelves/*/books/*}:get" body: "*" }
    };
  }
  rpc UpdateBook(UpdateBookRequest) returns (Book) {
    option (google.api.http) = { patch: "/v1/{book.name=shelves/*/books/*}" body: "book" };
  }
  rpc Plain(GetBookRequest) returns (Book);
}
message GetBookRequest {
  string name = 1 [(google.api.field_behavior) = REQUIRED];
  Filter filter = 2;
  repeated string tags = 3;
  map<string, string> labels = 4;
  repeated Book books = 5;
  google.protobuf.FieldMask read_mask = 6;
}
message Filter { int32 min_pages = 1; Filter next = 2; }
message UpdateBookRequest { Book book = 1; google.protobuf.FieldMask update_mask = 2; }
message Book { string name = 1; string title = 2 [(google.api.field_behavior) = OUTPUT_ONLY]; }
"#;

fn compiled() -> Compilation {
    crate::compile::compile_with_google_api(LIBRARY)
}

#[test]
fn resolves_path_body_and_query() {
    let compilation = compiled();
    let model = build(&compilation, Vec::new());
    assert_eq!(model.services.len(), 1);
    let service = &model.services[0];
    assert_eq!(service.leading_comment.trim(), "Books on shelves.");
    let get = &service.methods[0];
    assert_eq!(get.bindings.len(), 2);
    let primary = &get.bindings[0];
    assert_eq!(primary.route, "/v1/shelves/*/books/*");
    assert_eq!(primary.path_params[0].field.as_deref(), Some("acme.library.v1.GetBookRequest.name"));
    let query: Vec<&str> = primary.query_params.iter().map(|q| q.name.as_str()).collect();
    // Maps and repeated messages are left out; the cycle Filter.next stops at once.
    assert_eq!(query, ["filter.min_pages", "tags", "read_mask"]);
    assert_eq!(primary.query_params[0].json_name, "filter.minPages");
    assert!(get.bindings[1].query_params.is_empty(), "body * leaves no query parameters");
    assert_eq!(get.bindings[1].body_kind, Body::Whole);

    let update = &service.methods[1];
    assert_eq!(update.bindings[0].body_kind, Body::Field("book".into()));
    let query: Vec<&str> = update.bindings[0].query_params.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(query, ["update_mask"]);
    assert!(service.methods[2].bindings.is_empty());
}

#[test]
fn routes_requests_to_methods() {
    let compilation = compiled();
    let model = build(&compilation, Vec::new());
    let found = model.route("GET", "/v1/shelves/1/books/2").unwrap();
    assert_eq!(found.method.name, "GetBook");
    assert_eq!(found.values, [("name".to_string(), "shelves/1/books/2".to_string())]);
    let found = model.route("post", "/v1/shelves/1/books/2:get").unwrap();
    assert_eq!(found.binding.index, 1);
    assert!(model.route("DELETE", "/v1/shelves/1/books/2").is_none());
    let json = json::fields(&found.method.descriptor.output());
    assert!(json[1].output_only());
}
