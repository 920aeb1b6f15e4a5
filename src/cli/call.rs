//! `idl call TARGET METHOD`: the method's schema from the workspace, the request
//! from `-d`, the answer as proto3 JSON on stdout, a non-OK status on stderr.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use prost_reflect::{DynamicMessage, MethodDescriptor};

use super::args::{CallArgs, CallProtocolArg};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Reporter, discover_workspace};
use crate::checked_read;
use crate::diagnostic::Diagnostic;
use crate::report::OutputFormat;
use crate::serve::call::{Call, CallProtocol, call};
use crate::serve::status::Code;
use crate::source::Sources;

const CALL_RULE: &str = "CALL";

pub(super) fn run(args: &CallArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let fail = |message: String| {
        reporter.report(args.format, vec![Diagnostic::error(CALL_RULE, message)], &Sources::default(), false);
        EXIT_ERROR
    };
    let workspace = match discover_workspace(reporter, args.format, config, &[]) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let compilation = super::compile_until_exit(&workspace);
    if compilation.has_errors() {
        let mut sources = Sources::default();
        for file in &compilation.files {
            sources.insert(file.source.clone());
        }
        reporter.report(args.format, std::mem::take(&mut compilation.diagnostics), &sources, false);
        return EXIT_ERROR;
    }
    let Some(method) = find_method(&compilation.pool, &args.method) else {
        return fail(format!("no method {} in the workspace (expected package.Service/Method)", args.method));
    };
    let requests = match requests(&method, args.data.as_deref()) {
        Ok(requests) => requests,
        Err(message) => return fail(message),
    };
    let mut headers = Vec::new();
    for header in &args.headers {
        match header.split_once(':') {
            Some((name, value)) => headers.push((name.trim().to_string(), value.trim().to_string())),
            None => return fail(format!("header `{header}` is not NAME: VALUE")),
        }
    }
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return fail(format!("--timeout {} is not a positive number of seconds", args.timeout));
    }
    let protocol = match args.protocol {
        CallProtocolArg::Grpc => CallProtocol::Grpc,
        CallProtocolArg::Grpcweb => CallProtocol::GrpcWeb,
        CallProtocolArg::Connect => CallProtocol::Connect,
        CallProtocolArg::Http => CallProtocol::Http,
    };
    let outcome = match call(Call {
        target: &args.target,
        method: &method,
        requests,
        headers,
        protocol,
        timeout: Duration::from_secs_f64(args.timeout),
    }) {
        Ok(outcome) => outcome,
        Err(message) => return fail(message),
    };
    let mut stdout = io::stdout().lock();
    for response in &outcome.responses {
        let text = match args.format {
            OutputFormat::Json => serde_json::to_string(response),
            _ => serde_json::to_string_pretty(response),
        };
        let _ = writeln!(stdout, "{}", text.unwrap_or_default());
    }
    let _ = stdout.flush();
    if outcome.status.code == Code::Ok {
        return EXIT_CLEAN;
    }
    let status = &outcome.status;
    let line = match args.format {
        OutputFormat::Json => {
            let mut line = serde_json::json!({"code": status.code.connect_name(), "message": status.message});
            if let Some(info) = &status.info {
                line["reason"] = info.reason.clone().into();
                line["domain"] = info.domain.clone().into();
                line["metadata"] = serde_json::json!(info.metadata);
            }
            line.to_string()
        }
        _ => {
            let mut line = format!("idl call: {}: {}", status.code.grpc_name(), status.message);
            // The business error's details (google.rpc.ErrorInfo, or Kratos' reason).
            if let Some(info) = &status.info {
                line.push_str(&format!("\n  reason: {}", info.reason));
                if !info.domain.is_empty() {
                    line.push_str(&format!("\n  domain: {}", info.domain));
                }
                for (key, value) in &info.metadata {
                    line.push_str(&format!("\n  metadata {key}: {value}"));
                }
            }
            line
        }
    };
    let _ = writeln!(io::stderr(), "{line}");
    EXIT_FINDINGS
}

fn find_method(pool: &prost_reflect::DescriptorPool, name: &str) -> Option<MethodDescriptor> {
    let name = name.trim_start_matches('/');
    let (service, method) = name.split_once('/').or_else(|| name.rsplit_once('.'))?;
    pool.get_service_by_name(service)?.methods().find(|m| m.name() == method)
}

/// Request bodies (`-d @FILE`, `-d @-`) larger than this are refused: a link to
/// `/dev/zero` or an endless pipe would otherwise fill memory.
const MAX_REQUEST_BYTES: u64 = 64 << 20;

/// A request body as text: JSON is UTF-8.
fn request_text(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        io::Error::new(io::ErrorKind::InvalidData, format!("invalid UTF-8 at byte {at}; a JSON request must be UTF-8"))
    })
}

/// The request messages of `-d`: one JSON object, or several for a client stream.
fn requests(method: &MethodDescriptor, data: Option<&str>) -> Result<Vec<DynamicMessage>, String> {
    let text = match data {
        None => "{}".to_string(),
        Some("@-") => {
            let bytes = checked_read::read_bounded(io::stdin(), MAX_REQUEST_BYTES, "request bodies")
                .map_err(|error| format!("cannot read stdin: {error}"))?;
            request_text(bytes).map_err(|error| format!("cannot read stdin: {error}"))?
        }
        Some(data) => match data.strip_prefix('@') {
            Some(path) => checked_read::read_regular_file(Path::new(path), MAX_REQUEST_BYTES, "request bodies")
                .and_then(request_text)
                .map_err(|error| format!("cannot read {path}: {error}"))?,
            None => data.to_string(),
        },
    };
    let input = method.input();
    let mut messages = Vec::new();
    let stream = serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>();
    for value in stream {
        let value = value.map_err(|error| format!("the request is not JSON: {error}"))?;
        let message = DynamicMessage::deserialize(input.clone(), value)
            .map_err(|error| format!("the request is not a valid {}: {error}", input.full_name()))?;
        messages.push(message);
    }
    if messages.is_empty() {
        return Err("no request message in -d".to_string());
    }
    if messages.len() > 1 && !method.is_client_streaming() {
        return Err(format!("{} takes one request message, -d has {}", method.full_name(), messages.len()));
    }
    Ok(messages)
}
