//! The API category: changes that break clients of a gRPC/HTTP API without
//! touching the wire or JSON encoding, which buf does not see. Field behaviours
//! (`google.api.field_behavior`), HTTP bindings (`google.api.http`) and method
//! idempotency. Off by default: `use = ["FILE", "API"]`.

use prost_reflect::{FieldDescriptor, MethodDescriptor};

use super::support::field_description;
use crate::annotations::field_behavior::{FIELD_BEHAVIOR_EXTENSION_NUMBER, field_behaviors};
use crate::annotations::http::{HTTP_EXTENSION_NUMBER, HttpBinding, http_bindings};
use crate::breaking::rule::{Findings, at_any, sub};
use crate::breaking::{Pairs, SideFile};
use crate::breaking_rule;

/// `FieldDescriptorProto.options` and `MethodDescriptorProto.options`.
const FIELD_OPTIONS: i32 = 8;
const METHOD_OPTIONS: i32 = 4;
/// `MethodOptions.idempotency_level`.
const IDEMPOTENCY_LEVEL: i32 = 34;

/// Where a field's behaviours are written, else the field.
fn behavior_paths(field: &FieldDescriptor) -> Vec<Vec<i32>> {
    vec![sub(field.path(), &[FIELD_OPTIONS, FIELD_BEHAVIOR_EXTENSION_NUMBER as i32]), field.path().to_vec()]
}

fn has(field: &FieldDescriptor, behavior: &str) -> bool {
    field_behaviors(field).iter().any(|b| b == behavior)
}

/// Reports every paired field that gains `behavior`.
fn behavior_added(pairs: &Pairs<'_>, out: &mut Findings, behavior: &str, consequence: &str) {
    for (base, head) in &pairs.fields {
        if has(head, behavior) && !has(base, behavior) {
            let file = pairs.head_file(&head.parent_file());
            let message = format!(
                "{} changed option \"google.api.field_behavior\" to include {behavior}: {consequence}",
                field_description(head)
            );
            out.report(at_any(file, behavior_paths(head)), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

breaking_rule! {
    /// Fields do not become `REQUIRED`, and no `REQUIRED` field is added to an existing message.
    ///
    /// A client that does not set the field, as every existing client does, is rejected.
    /// buf does not report this: the encoding does not change.
    ///
    /// ```proto
    /// // Invalid: in the base, `device_info` had no behaviour.
    /// message AdEvent {
    ///   DeviceInfo device_info = 3 [(google.api.field_behavior) = REQUIRED];
    /// }
    /// // Valid: new fields are OPTIONAL (or have no behaviour).
    /// message AdEvent {
    ///   DeviceInfo device_info = 3 [(google.api.field_behavior) = OPTIONAL];
    /// }
    /// ```
    pub static API_FIELD_BEHAVIOR_REQUIRED_ADDED = "API_FIELD_BEHAVIOR_REQUIRED_ADDED", [API] => api_field_behavior_required_added;
}

fn api_field_behavior_required_added(pairs: &Pairs<'_>, out: &mut Findings) {
    behavior_added(pairs, out, "REQUIRED", "clients that do not set it will be rejected.");
    for (base, head) in &pairs.messages {
        for field in head.fields().filter(|f| base.get_field(f.number()).is_none() && has(f, "REQUIRED")) {
            let file = pairs.head_file(&head.parent_file());
            let message = format!(
                "{} was added with option \"google.api.field_behavior\" REQUIRED: existing clients do not set it and will be rejected.",
                field_description(&field)
            );
            out.report(at_any(file, behavior_paths(&field)), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

breaking_rule! {
    /// Fields do not become `IMMUTABLE`.
    ///
    /// Update requests that change the field, valid before, are rejected.
    pub static API_FIELD_BEHAVIOR_IMMUTABLE_ADDED = "API_FIELD_BEHAVIOR_IMMUTABLE_ADDED", [API] => api_field_behavior_immutable_added;
}

fn api_field_behavior_immutable_added(pairs: &Pairs<'_>, out: &mut Findings) {
    behavior_added(pairs, out, "IMMUTABLE", "updates that change it will be rejected.");
}

breaking_rule! {
    /// `OUTPUT_ONLY` fields stay output only.
    ///
    /// Clients send back what they read (get, modify, update); once the field is
    /// input, the value they echo is taken as a request to change it.
    pub static API_FIELD_BEHAVIOR_OUTPUT_ONLY_REMOVED = "API_FIELD_BEHAVIOR_OUTPUT_ONLY_REMOVED", [API] => api_field_behavior_output_only_removed;
}

fn api_field_behavior_output_only_removed(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.fields {
        if has(base, "OUTPUT_ONLY") && !has(head, "OUTPUT_ONLY") {
            let file = pairs.head_file(&head.parent_file());
            let message = format!(
                "{} changed option \"google.api.field_behavior\" to exclude OUTPUT_ONLY: the values clients echo back are now taken as input.",
                field_description(head)
            );
            out.report(at_any(file, behavior_paths(head)), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

/// A binding as people write it: `GET /v1/{name=users/*}`.
fn shown(binding: &HttpBinding) -> String {
    format!("{} {}", binding.verb, binding.path)
}

/// The URLs a binding accepts: variables named differently match the same URLs.
fn route(binding: &HttpBinding) -> String {
    binding.template().map_or_else(|_| binding.path.clone(), |t| t.route())
}

/// How a base binding fares in the head.
enum Fate<'h> {
    /// Same verb and route: compare body and response body.
    Kept(&'h HttpBinding),
    /// Same route, another verb.
    VerbChanged(&'h HttpBinding),
    /// Same verb and position (primary, or n-th additional), another route.
    PathChanged(&'h HttpBinding),
    Deleted,
}

impl<'h> Fate<'h> {
    /// The head binding this one became, whatever changed.
    fn paired(&self) -> Option<&'h HttpBinding> {
        match self {
            Fate::Kept(h) | Fate::VerbChanged(h) | Fate::PathChanged(h) => Some(h),
            Fate::Deleted => None,
        }
    }
}

/// Pairs base bindings with head bindings: first by verb and route, then by route
/// alone, then by verb and position. Each head binding is used once.
fn pair_bindings<'h>(base: &[HttpBinding], head: &'h [HttpBinding]) -> Vec<Fate<'h>> {
    let mut used = vec![false; head.len()];
    let mut fates: Vec<Option<Fate<'h>>> = (0..base.len()).map(|_| None).collect();
    for pass in 0..3 {
        for (i, b) in base.iter().enumerate() {
            if fates[i].is_some() {
                continue;
            }
            let matches = |h: &HttpBinding| match pass {
                0 => b.verb == h.verb && route(b) == route(h),
                1 => route(b) == route(h),
                _ => b.verb == h.verb && b.index == h.index,
            };
            if let Some(j) = (0..head.len()).find(|&j| !used[j] && matches(&head[j])) {
                used[j] = true;
                let h = &head[j];
                fates[i] = Some(match pass {
                    0 => Fate::Kept(h),
                    1 => Fate::VerbChanged(h),
                    _ => Fate::PathChanged(h),
                });
            }
        }
    }
    fates.into_iter().map(|f| f.unwrap_or(Fate::Deleted)).collect()
}

/// Where a method's HTTP rule is written, else the method.
fn http_paths(method: &MethodDescriptor) -> Vec<Vec<i32>> {
    vec![sub(method.path(), &[METHOD_OPTIONS, HTTP_EXTENSION_NUMBER as i32]), method.path().to_vec()]
}

/// Runs `check` on every paired method with its base and head bindings.
fn each_binding_pair(
    pairs: &Pairs<'_>,
    mut check: impl FnMut(&MethodDescriptor, &HttpBinding, &Fate<'_>, &SideFile<'_>, &SideFile<'_>),
) {
    for (base, head) in &pairs.methods {
        let (base_bindings, head_bindings) = (http_bindings(base), http_bindings(head));
        if base_bindings.is_empty() {
            continue;
        }
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        for (b, fate) in base_bindings.iter().zip(pair_bindings(&base_bindings, &head_bindings)) {
            check(head, b, &fate, file, base_file);
        }
    }
}

fn rpc(method: &MethodDescriptor) -> String {
    format!("RPC {:?} on service {:?}", method.name(), method.parent_service().name())
}

breaking_rule! {
    /// HTTP bindings (`google.api.http`, additional bindings included) are not deleted.
    ///
    /// A binding whose verb and route both changed counts as deleted; a changed verb
    /// or path alone is API_HTTP_SAME_VERB or API_HTTP_SAME_PATH.
    pub static API_HTTP_NO_DELETE = "API_HTTP_NO_DELETE", [API] => api_http_no_delete;
}

fn api_http_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    each_binding_pair(pairs, |head, b, fate, file, base_file| {
        if matches!(fate, Fate::Deleted) {
            let message = format!("Previously present HTTP binding {:?} of {} was deleted.", shown(b), rpc(head));
            out.report(at_any(file, http_paths(head)), Some(base_file), message);
        }
    });
}

breaking_rule! {
    /// HTTP bindings keep their verb.
    pub static API_HTTP_SAME_VERB = "API_HTTP_SAME_VERB", [API] => api_http_same_verb;
}

fn api_http_same_verb(pairs: &Pairs<'_>, out: &mut Findings) {
    each_binding_pair(pairs, |head, b, fate, file, base_file| {
        if let Fate::VerbChanged(h) = fate {
            let message = format!(
                "{} changed the verb of HTTP binding {:?} from {:?} to {:?}.",
                rpc(head),
                b.path,
                b.verb,
                h.verb
            );
            out.report(at_any(file, http_paths(head)), Some(base_file), message);
        }
    });
}

breaking_rule! {
    /// HTTP bindings keep their path (compared by the URLs it matches, so renaming a
    /// path variable is not a change).
    pub static API_HTTP_SAME_PATH = "API_HTTP_SAME_PATH", [API] => api_http_same_path;
}

fn api_http_same_path(pairs: &Pairs<'_>, out: &mut Findings) {
    each_binding_pair(pairs, |head, b, fate, file, base_file| {
        if let Fate::PathChanged(h) = fate {
            let message = format!(
                "{} changed the path of its {} HTTP binding from {:?} to {:?}.",
                rpc(head),
                b.verb,
                b.path,
                h.path
            );
            out.report(at_any(file, http_paths(head)), Some(base_file), message);
        }
    });
}

breaking_rule! {
    /// HTTP bindings keep their `body` (which request fields travel in the body).
    pub static API_HTTP_SAME_BODY = "API_HTTP_SAME_BODY", [API] => api_http_same_body;
}

fn api_http_same_body(pairs: &Pairs<'_>, out: &mut Findings) {
    each_binding_pair(pairs, |head, b, fate, file, base_file| {
        if let Some(h) = fate.paired()
            && b.body != h.body
        {
            let message = format!(
                "{} changed the body of HTTP binding {:?} from {:?} to {:?}.",
                rpc(head),
                shown(b),
                b.body,
                h.body
            );
            out.report(at_any(file, http_paths(head)), Some(base_file), message);
        }
    });
}

breaking_rule! {
    /// HTTP bindings keep their `response_body`.
    pub static API_HTTP_SAME_RESPONSE_BODY = "API_HTTP_SAME_RESPONSE_BODY", [API] => api_http_same_response_body;
}

fn api_http_same_response_body(pairs: &Pairs<'_>, out: &mut Findings) {
    each_binding_pair(pairs, |head, b, fate, file, base_file| {
        if let Some(h) = fate.paired()
            && b.response_body != h.response_body
        {
            let message = format!(
                "{} changed the response body of HTTP binding {:?} from {:?} to {:?}.",
                rpc(head),
                shown(b),
                b.response_body,
                h.response_body
            );
            out.report(at_any(file, http_paths(head)), Some(base_file), message);
        }
    });
}

/// How strong a promise an idempotency level makes: NO_SIDE_EFFECTS (1) implies
/// IDEMPOTENT (2), which implies nothing unknown (0) does not.
fn idempotency_strength(level: i32) -> u8 {
    match level {
        1 => 2,
        2 => 1,
        _ => 0,
    }
}

fn idempotency_name(level: i32) -> &'static str {
    match level {
        1 => "NO_SIDE_EFFECTS",
        2 => "IDEMPOTENT",
        _ => "IDEMPOTENCY_UNKNOWN",
    }
}

breaking_rule! {
    /// Methods do not weaken their `idempotency_level` (NO_SIDE_EFFECTS → IDEMPOTENT or
    /// unknown, IDEMPOTENT → unknown).
    ///
    /// Clients retry, cache or send as HTTP GET what the level allows; a weaker
    /// level makes those calls unsafe. Strengthening it is fine (RPC_SAME_IDEMPOTENCY_LEVEL,
    /// in buf's categories, reports any change).
    pub static API_RPC_IDEMPOTENCY_WEAKENED = "API_RPC_IDEMPOTENCY_WEAKENED", [API] => api_rpc_idempotency_weakened;
}

fn api_rpc_idempotency_weakened(pairs: &Pairs<'_>, out: &mut Findings) {
    let level = |m: &MethodDescriptor| m.typed_options().and_then(|o| o.idempotency_level).unwrap_or(0);
    for (base, head) in &pairs.methods {
        let (b, h) = (level(base), level(head));
        if idempotency_strength(h) < idempotency_strength(b) {
            let file = pairs.head_file(&head.parent_file());
            let message = format!(
                "{} weakened option \"idempotency_level\" from {:?} to {:?}.",
                rpc(head),
                idempotency_name(b),
                idempotency_name(h)
            );
            let paths = vec![sub(head.path(), &[METHOD_OPTIONS, IDEMPOTENCY_LEVEL]), head.path().to_vec()];
            out.report(at_any(file, paths), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(verb: &str, path: &str, index: usize) -> HttpBinding {
        HttpBinding {
            verb: verb.into(),
            custom: false,
            path: path.into(),
            body: String::new(),
            response_body: String::new(),
            index,
        }
    }

    #[test]
    fn bindings_pair_by_route_then_position() {
        let base = [binding("GET", "/v1/{name=users/*}", 0), binding("GET", "/v1/{name=people/*}", 1)];
        // Renamed variable, reordered additional binding, verb change on the second.
        let head = [binding("POST", "/v1/{id=people/*}", 0), binding("GET", "/v1/{user=users/*}", 1)];
        let fates = pair_bindings(&base, &head);
        assert!(matches!(fates[0], Fate::Kept(h) if h.index == 1));
        assert!(matches!(fates[1], Fate::VerbChanged(h) if h.verb == "POST"));
        let other = [binding("POST", "/v2/x", 0)];
        assert!(matches!(pair_bindings(&base[..1], &other)[0], Fate::Deleted));
        let moved = [binding("GET", "/v2/{name=users/*}", 0)];
        assert!(matches!(pair_bindings(&base[..1], &moved)[0], Fate::PathChanged(_)));
    }

    #[test]
    fn idempotency_weakening_is_ordered() {
        assert!(idempotency_strength(2) < idempotency_strength(1));
        assert!(idempotency_strength(0) < idempotency_strength(2));
    }
}
