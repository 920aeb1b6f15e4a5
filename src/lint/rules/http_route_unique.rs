use std::collections::HashMap;

use crate::declare_rule;
use crate::lint::facts::{FileFacts, WorkspaceFacts};
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

/// Where a route was first bound, for the message of later ones.
struct FirstBinding<'a> {
    method: &'a str,
    path: &'a str,
    place: String,
}

impl Rule for HttpRouteUnique {
    fn needs_route_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        let mut files: Vec<&FileFacts> = facts.targets().iter().collect();
        files.sort_by(|a, b| a.display_path.cmp(&b.display_path));
        let mut first: HashMap<(&str, &str, &str), FirstBinding> = HashMap::new();
        for file in files {
            for method in &file.methods {
                for route in &method.routes {
                    let key = (route.host.as_str(), route.verb.as_str(), route.route.as_str());
                    match first.get(&key) {
                        Some(earlier) => {
                            let message = format!(
                                "{} {} of RPC {} serves the same route as {} of RPC {} ({}).",
                                route.verb, route.path, method.full_name, earlier.path, earlier.method, earlier.place
                            );
                            cx.report_at(file, &route.site, message);
                        }
                        None => {
                            let start = route.site.span.start;
                            let place = format!("{}:{}:{}", file.display_path, start.line, start.column);
                            first.insert(key, FirstBinding { method: &method.full_name, path: &route.path, place });
                        }
                    }
                }
            }
        }
    }
}
