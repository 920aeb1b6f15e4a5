use std::collections::HashMap;

use prost_reflect::ServiceDescriptor;

use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// No two `google.api.http` bindings in the workspace may serve the same route:
    /// the same verb and the same path once variables are replaced by what they match
    /// (`/v1/{name=shelves/*}` and `/v1/shelves/{shelf}` are both `/v1/shelves/*`).
    /// A gateway serving both services routes every such request to one of them,
    /// silently. Services that declare different `google.api.default_host`s are
    /// served by different hosts, so their routes never clash (googleapis is many
    /// APIs on many hosts). Every binding after the first is reported, naming the first; files
    /// are taken in path order, services and RPCs in declaration order.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service ShelfService {
    ///   rpc GetShelf(GetShelfRequest) returns (Shelf) {
    ///     option (google.api.http) = { get: "/v1/{name=shelves/*}" };
    ///   }
    ///   rpc GetShelfInfo(GetShelfInfoRequest) returns (Shelf) {
    ///     option (google.api.http) = { get: "/v1/shelves/{shelf}" };
    ///   }
    /// }
    /// message GetShelfRequest { string name = 1; }
    /// message GetShelfInfoRequest { string shelf = 1; }
    /// message Shelf { string name = 1; }
    /// // Valid
    /// import "google/api/annotations.proto";
    /// service ShelfService {
    ///   rpc GetShelf(GetShelfRequest) returns (Shelf) {
    ///     option (google.api.http) = { get: "/v1/{name=shelves/*}" };
    ///   }
    ///   rpc GetShelfInfo(GetShelfInfoRequest) returns (Shelf) {
    ///     option (google.api.http) = { get: "/v1/shelves/{shelf}:info" };
    ///   }
    /// }
    /// message GetShelfRequest { string name = 1; }
    /// message GetShelfInfoRequest { string shelf = 1; }
    /// message Shelf { string name = 1; }
    /// ```
    pub struct HttpRouteUnique {
        id: "HTTP_ROUTE_UNIQUE",
        summary: "No two `google.api.http` bindings in the workspace serve the same verb and route.",
        severity: Error,
        fixable: false,
    }
}

/// `google.api.default_host` (ServiceOptions extension 1049): services served by
/// different hosts never share a route. Empty when unset.
fn default_host(service: &ServiceDescriptor) -> String {
    service
        .options()
        .extensions()
        .find(|(ext, _)| ext.full_name() == "google.api.default_host" || ext.number() == 1049)
        .and_then(|(_, value)| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Where a route was first bound, for the message of later ones.
struct FirstBinding {
    method: String,
    path: String,
    place: String,
}

impl Rule for HttpRouteUnique {
    fn needs_compiled_workspace(&self) -> bool {
        true
    }

    fn check_workspace(&self, cx: &mut Context<'_>, files: &[&CompiledFile]) {
        let mut files: Vec<&CompiledFile> = files.to_vec();
        files.sort_by(|a, b| a.source.display_path.cmp(&b.source.display_path));
        let mut first: HashMap<(String, String, String), FirstBinding> = HashMap::new();
        for file in files {
            let Some(descriptor) = cx.pool().get_file_by_name(&file.source.name) else { continue };
            for service in descriptor.services() {
                let host = default_host(&service);
                for method in service.methods() {
                    for located in located_bindings(file, &method) {
                        let Ok(template) = located.binding.template() else { continue };
                        let key = (host.clone(), located.binding.verb.clone(), template.route());
                        let range = located.path_range();
                        match first.get(&key) {
                            Some(earlier) => {
                                let message = format!(
                                    "{} {} of RPC {} serves the same route as {} of RPC {} ({}).",
                                    key.1,
                                    located.binding.path,
                                    method.full_name(),
                                    earlier.path,
                                    earlier.method,
                                    earlier.place
                                );
                                cx.report_range_in(file, Some(&located.option_path), range, message);
                            }
                            None => {
                                let position = file.source.position(range.start);
                                first.insert(
                                    key,
                                    FirstBinding {
                                        method: method.full_name().to_string(),
                                        path: located.binding.path.clone(),
                                        place: format!(
                                            "{}:{}:{}",
                                            file.source.display_path, position.line, position.column
                                        ),
                                    },
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
