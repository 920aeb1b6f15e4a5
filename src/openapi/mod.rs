//! `idl openapi`: OpenAPI documents rendered from the API model. The OpenAPI 3
//! document is the one gnostic's `protoc-gen-openapi` writes for the same options
//! (`v3.rs` follows its generator rule by rule); beyond it, Kratos error responses
//! from the error table (`errors.rs`) and Swagger 2.0 for grpc-gateway users
//! (`swagger2.rs`).
//!
//! The entry point for every caller (the CLI, `idl generate`'s built-in
//! `idl:openapi`, the docs site) is [`render`].

mod errors;
mod findings;
pub mod node;
pub mod options;
mod swagger2;
mod v3;

pub use findings::{QUERY_DEPTH_RULE, RESPONSE_BODY_RULE};
pub use options::{Options, OutputMode};
pub use v3::OperationRef;

use crate::api::Model;
use crate::diagnostic::Diagnostic;

/// One file the renderer produced, named relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub content: String,
}

/// What [`render`] produced: the files, and warnings about bindings the
/// documents describe otherwise than a transcoder serves them (located at the
/// binding; they do not fail the run).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
}

/// The header above Swagger 2.0 documents, which gnostic does not write.
const SWAGGER2_HEADER: &str = "Generated with idl openapi (format=swagger2)";

/// The header comment gnostic writes above its documents.
const HEADER: &str =
    "Generated with protoc-gen-openapi\nhttps://github.com/google/gnostic/tree/master/cmd/protoc-gen-openapi";

/// The documents for `model` under `options`: one `openapi.yaml` (merged) or one
/// `<file>.openapi.yaml` per target file (source_relative); `.json` names when
/// `options.json`, with the warnings of every document. The `Err` holds the
/// reasons nothing could be written.
pub fn render(model: &Model<'_>, options: &Options) -> Result<Rendered, Vec<Diagnostic>> {
    let extension = if options.json { "json" } else { "yaml" };
    let mut files: Vec<String> =
        model.compilation.files.iter().filter(|f| f.is_target).map(|f| f.source.name.clone()).collect();
    files.sort();
    let groups: Vec<(String, Vec<String>)> = match options.output_mode {
        OutputMode::Merged => vec![(format!("openapi.{extension}"), files)],
        OutputMode::SourceRelative => files
            .into_iter()
            .map(|file| {
                let stem = file.strip_suffix(".proto").unwrap_or(&file).to_string();
                (format!("{stem}.openapi.{extension}"), vec![file])
            })
            .collect(),
    };
    let mut warnings = Vec::new();
    let files = groups
        .into_iter()
        .map(|(name, inputs)| {
            let (content, _, unfaithful) = render_document(model, options, &inputs);
            warnings.extend(unfaithful.iter().filter_map(|u| findings::diagnostic(model, options, u)));
            OutputFile { name, content }
        })
        .collect();
    crate::diagnostic::sort_and_dedup(&mut warnings);
    Ok(Rendered { files, warnings })
}

/// One document for the services of `inputs` (import names of target files),
/// ignoring `output_mode`: what `render` writes per group, and what a caller
/// wanting one package's document asks for.
pub fn render_files(model: &Model<'_>, options: &Options, inputs: &[String]) -> String {
    render_files_with_operations(model, options, inputs).0
}

/// [`render_files`] and the operations the document holds, each with the
/// method and binding it describes (for links from the docs site).
pub fn render_files_with_operations(
    model: &Model<'_>,
    options: &Options,
    inputs: &[String],
) -> (String, Vec<OperationRef>) {
    let (text, operations, _) = render_document(model, options, inputs);
    (text, operations)
}

fn render_document(
    model: &Model<'_>,
    options: &Options,
    inputs: &[String],
) -> (String, Vec<OperationRef>, Vec<v3::Unfaithful>) {
    let (mut document, operations, unfaithful) = v3::document(model, options, inputs);
    if options.errors_enabled(model) {
        errors::add_error_responses(&mut document, model, &operations);
    }
    if options.format == options::Format::Swagger2 {
        document = swagger2::convert(&document);
    }
    let header = match options.format {
        options::Format::OpenApi3 => HEADER,
        options::Format::Swagger2 => SWAGGER2_HEADER,
    };
    let text = if options.json { document.to_json_string() } else { document.to_yaml_string(header) };
    (text, operations, unfaithful)
}
