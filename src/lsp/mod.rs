//! `idl lsp`: a language server on stdin/stdout.
//!
//! It publishes compile and lint diagnostics of open documents (on open, on save,
//! and shortly after the last change), formats documents, and offers quick fixes:
//! a finding's own fix, and an ignore comment for lint findings. Every open
//! document stands in for its file on disk, for itself and for the files that
//! import it. The config is the one `idl lint FILE` would use, found from the
//! deepest workspace folder containing the file.
//!
//! The transport is rust-analyzer's `lsp-server` (its message types and
//! synchronous channel API, so the server is one plain loop with no async
//! runtime: its work is short CPU-bound compiles) with idl's own bounded frame
//! reader (`transport.rs`) in place of lsp-server's; `lsp-types` has the
//! protocol's types. Positions are UTF-16 code units, the protocol's default
//! and the one encoding every client supports.

mod analysis;
mod complete;
mod convert;
mod index;
mod navigate;
pub mod transport;

pub use transport::DEFAULT_MAX_MESSAGE_BYTES;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;

use crate::diagnostic::{Diagnostic, Edit};
use crate::format::{self, FormatError};
use analysis::{Analysis, Buffers};
use index::{FileIndex, Index};

/// At most this many `workspace/symbol` results (googleapis has ~400,000 declarations).
const WORKSPACE_SYMBOL_LIMIT: usize = 1000;

/// How long after the last change a document is checked again: no time. A
/// burst of edits is still taken as one: the messages the client has already
/// sent are read before any document is analysed (`main_loop`), and changes
/// that arrive during an analysis are taken together after it. A fixed delay
/// only added itself to every round trip.
const DEBOUNCE: Duration = Duration::ZERO;

/// Exit codes: the LSP specification wants 0 after `shutdown` then `exit`, and 1
/// when the client exits (or goes away) without asking for a shutdown first.
const EXIT_AFTER_SHUTDOWN: i32 = 0;
const EXIT_WITHOUT_SHUTDOWN: i32 = 1;

/// Runs the server until the client says `exit`; returns the process exit code.
/// Message bodies longer than `max_message_bytes` are refused (see `transport`).
pub fn run(config: Option<&Path>, max_message_bytes: u64) -> i32 {
    let (connection, io_threads) = transport::stdio(max_message_bytes);
    let outcome = serve(&connection, config);
    drop(connection);
    match outcome {
        Ok(code) => {
            // The writer thread finishes sending what is queued; the reader stopped at `exit`.
            if let Err(error) = io_threads.join() {
                eprintln!("idl lsp: {error}");
            }
            code
        }
        Err(error) => {
            eprintln!("idl lsp: {error}");
            EXIT_WITHOUT_SHUTDOWN
        }
    }
}

fn serve(connection: &Connection, config: Option<&Path>) -> Result<i32, String> {
    let (id, params) = connection.initialize_start().map_err(|error| error.to_string())?;
    // Unknown or missing fields are the client's business; only the folders matter.
    let params: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "idl", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result).map_err(|error| error.to_string())?;
    let config = config.map(|config| std::path::absolute(config).unwrap_or_else(|_| config.to_path_buf()));
    let folders = workspace_folders(&params);
    let force_rename = params
        .initialization_options
        .as_ref()
        .and_then(|options| options.get("renameForce"))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let window = params.capabilities.window.as_ref();
    let progress = window.and_then(|w| w.work_done_progress).unwrap_or(false);
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let index_built = start_indexing(&folders, config.clone());
    let mut server = Server {
        connection,
        config,
        folders,
        documents: HashMap::new(),
        due: HashMap::new(),
        index: Index::default(),
        index_built,
        progress: progress.then(|| "idl-index".to_string()),
        force_rename,
        next_request: 0,
        single_file_notices: std::collections::HashSet::new(),
        pending_index: HashMap::new(),
        load_cache: crate::compile::LoadCache::default(),
    };
    server.begin_progress();
    if watch {
        server.watch_proto_files();
    }
    server.main_loop()
}

/// What the background index sends when done: the entries, and a summary.
type Built = (Vec<FileIndex>, String);

/// Compiles every workspace folder once, in the background, and indexes every
/// file it read (imports and well-known types included).
fn start_indexing(folders: &[PathBuf], config: Option<PathBuf>) -> Receiver<Built> {
    let (sender, receiver) = crossbeam_channel::bounded(1);
    let folders = folders.to_vec();
    let spawned = std::thread::Builder::new().name("idl-lsp-index".into()).spawn(move || {
        let started = Instant::now();
        let mut entries = Vec::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for folder in &folders {
                let Ok(workspace) = crate::workspace::discover(folder, config.as_deref(), &[]) else { continue };
                let compilation = crate::compile::compile(&workspace);
                let names: Vec<&str> = compilation.files.iter().map(|f| f.source.name.as_str()).collect();
                entries.extend(analysis::index_compilation(&compilation, &workspace, &names));
            }
        }));
        let summary = match outcome {
            Ok(()) => format!("indexed {} files in {:.1} s", entries.len(), started.elapsed().as_secs_f64()),
            Err(_) => "indexing failed (the server's stderr has the details)".to_string(),
        };
        let _ = sender.send((entries, summary));
    });
    if spawned.is_err() {
        return crossbeam_channel::never();
    }
    receiver
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..lsp::TextDocumentSyncOptions::default()
        })),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        type_definition_provider: Some(lsp::TypeDefinitionProviderCapability::Simple(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into(), "(".into(), "[".into(), " ".into()]),
            ..lsp::CompletionOptions::default()
        }),
        semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
            lsp::SemanticTokensOptions {
                legend: lsp::SemanticTokensLegend {
                    token_types: navigate::TOKEN_TYPES.to_vec(),
                    token_modifiers: navigate::TOKEN_MODIFIERS.to_vec(),
                },
                full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            },
        )),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
            ..lsp::CodeActionOptions::default()
        })),
        ..lsp::ServerCapabilities::default()
    }
}

/// The client's workspace folders as local paths (the older `rootUri` and
/// `rootPath` when it sends no folders).
#[allow(deprecated)] // root_uri and root_path: still what some clients send.
fn workspace_folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> =
        params.workspace_folders.iter().flatten().filter_map(|folder| convert::file_path(&folder.uri)).collect();
    if !folders.is_empty() {
        return folders;
    }
    params
        .root_uri
        .as_ref()
        .and_then(convert::file_path)
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
        .into_iter()
        .collect()
}

/// An open document.
struct Document {
    uri: lsp::Uri,
    /// Its local path; `None` for documents that are not files (`untitled:`),
    /// which have no workspace and are only formatted.
    path: Option<PathBuf>,
    version: i32,
    text: Arc<str>,
    /// The last analysis, of `analysed` (the text it saw).
    analysis: Option<Analysis>,
    /// Ignore-comment edits already tried, by index into the analysis's findings:
    /// the edit when it silences the finding, `None` when it does not.
    ignore_edits: HashMap<usize, Option<Edit>>,
}

struct Server<'a> {
    connection: &'a Connection,
    /// `--config`, absolute.
    config: Option<PathBuf>,
    folders: Vec<PathBuf>,
    /// By URI as the client spells it.
    documents: HashMap<String, Document>,
    /// Documents to analyse again, and when.
    due: HashMap<String, Instant>,
    /// Declarations and references of every file seen.
    index: Index,
    /// The background index, until it arrives (then `never`).
    index_built: Receiver<Built>,
    /// The `$/progress` token of the background index, when the client shows progress.
    progress: Option<String>,
    /// `initializationOptions.renameForce`: renames that break compatibility go ahead.
    force_rename: bool,
    /// Ids of requests the server sends to the client.
    next_request: i32,
    /// Documents already told they are outside every workspace folder.
    single_file_notices: std::collections::HashSet<PathBuf>,
    /// By document: what its last analysis left to index.
    pending_index: HashMap<String, analysis::ToIndex>,
    /// Imports parsed by earlier analyses, so a change re-parses only its document.
    load_cache: crate::compile::LoadCache,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<i32, String> {
        loop {
            let next_due = self.due.values().min().copied();
            let timer = next_due.map_or_else(crossbeam_channel::never, crossbeam_channel::at);
            crossbeam_channel::select! {
                recv(self.connection.receiver) -> message => {
                    if let Some(code) = self.handle_message(message)? {
                        return Ok(code);
                    }
                },
                recv(self.index_built) -> built => {
                    self.index_built = crossbeam_channel::never();
                    if let Ok((entries, summary)) = built {
                        self.merge_background_index(entries);
                        self.end_progress(summary);
                    }
                },
                recv(timer) -> _ => {
                    // Messages the client has already sent go first: a burst of
                    // changes is analysed once, at its last version.
                    while let Ok(message) = self.connection.receiver.try_recv() {
                        if let Some(code) = self.handle_message(Ok(message))? {
                            return Ok(code);
                        }
                    }
                    self.analyse_due(Instant::now());
                },
            }
        }
    }

    /// Handles one message from the client; the exit code once the server is to stop.
    fn handle_message(
        &mut self,
        message: Result<Message, crossbeam_channel::RecvError>,
    ) -> Result<Option<i32>, String> {
        match message {
            // The client went away without `exit`.
            Err(_) => return Ok(Some(EXIT_WITHOUT_SHUTDOWN)),
            Ok(Message::Request(request)) => {
                if self.connection.handle_shutdown(&request).map_err(|error| error.to_string())? {
                    return Ok(Some(EXIT_AFTER_SHUTDOWN));
                }
                self.handle_request(request);
            }
            Ok(Message::Notification(notification)) => {
                if notification.method == lsp::notification::Exit::METHOD {
                    return Ok(Some(EXIT_WITHOUT_SHUTDOWN));
                }
                self.handle_notification(notification);
            }
            Ok(Message::Response(_)) => {}
        }
        Ok(None)
    }

    /// Adds the background index's entries, except where an open document's own
    /// (newer) entry is already there.
    fn merge_background_index(&mut self, entries: Vec<FileIndex>) {
        let open: std::collections::HashSet<String> = self
            .documents
            .values()
            .filter_map(|d| d.analysis.as_ref().and_then(|a| a.files.first().cloned()))
            .collect();
        for entry in entries {
            if !open.contains(&entry.name) {
                self.index.insert(entry);
            }
        }
    }

    fn request_client(&mut self, method: &str, params: serde_json::Value) {
        self.next_request += 1;
        let id = RequestId::from(format!("idl-{}", self.next_request));
        self.send(Request::new(id, method.to_string(), params).into());
    }

    fn begin_progress(&mut self) {
        let Some(token) = self.progress.clone() else { return };
        self.request_client("window/workDoneProgress/create", serde_json::json!({ "token": token }));
        let begin = serde_json::json!({"token": token, "value": {"kind": "begin", "title": "idl: indexing the workspace", "cancellable": false}});
        self.send(Notification::new("$/progress".into(), begin).into());
    }

    fn end_progress(&mut self, summary: String) {
        let Some(token) = self.progress.clone() else { return };
        let end = serde_json::json!({"token": token, "value": {"kind": "end", "message": summary}});
        self.send(Notification::new("$/progress".into(), end).into());
    }

    /// Asks the client to report changes to `.proto` files made outside it.
    fn watch_proto_files(&mut self) {
        let registration = serde_json::json!({"registrations": [{
            "id": "idl-watch-proto",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": [{"globPattern": "**/*.proto"}]},
        }]});
        self.request_client("client/registerCapability", registration);
    }

    fn send(&self, message: Message) {
        // A failed send means the client is gone; the loop notices on the next receive.
        let _ = self.connection.sender.send(message);
    }

    fn handle_request(&mut self, request: Request) {
        self.flush_pending_index();
        let response = match request.method.as_str() {
            lsp::request::Formatting::METHOD => self.dispatch::<lsp::request::Formatting>(request, Self::formatting),
            lsp::request::CodeActionRequest::METHOD => {
                self.dispatch::<lsp::request::CodeActionRequest>(request, Self::code_actions)
            }
            lsp::request::GotoDefinition::METHOD => {
                self.dispatch::<lsp::request::GotoDefinition>(request, |server, params| {
                    let at = params.text_document_position_params;
                    let found = server.at_position(&at, navigate::definition);
                    Ok(found.flatten().map(lsp::GotoDefinitionResponse::Scalar))
                })
            }
            lsp::request::GotoTypeDefinition::METHOD => {
                self.dispatch::<lsp::request::GotoTypeDefinition>(request, |server, params| {
                    let at = params.text_document_position_params;
                    let found = server.at_position(&at, navigate::type_definition);
                    Ok(found.flatten().map(lsp::GotoDefinitionResponse::Scalar))
                })
            }
            lsp::request::References::METHOD => self.dispatch::<lsp::request::References>(request, |server, params| {
                let include = params.context.include_declaration;
                let at = params.text_document_position;
                Ok(server.at_position(&at, |index, file, offset| navigate::references(index, file, offset, include)))
            }),
            lsp::request::DocumentHighlightRequest::METHOD => {
                self.dispatch::<lsp::request::DocumentHighlightRequest>(request, |server, params| {
                    let at = params.text_document_position_params;
                    Ok(server.at_position(&at, navigate::highlights))
                })
            }
            lsp::request::HoverRequest::METHOD => {
                self.dispatch::<lsp::request::HoverRequest>(request, |server, params| {
                    let at = params.text_document_position_params;
                    Ok(server.at_position(&at, navigate::hover).flatten())
                })
            }
            lsp::request::DocumentSymbolRequest::METHOD => {
                self.dispatch::<lsp::request::DocumentSymbolRequest>(request, |server, params| {
                    let found =
                        server.in_document(&params.text_document.uri, |_, file| navigate::document_symbols(file));
                    Ok(found.map(lsp::DocumentSymbolResponse::Nested))
                })
            }
            lsp::request::WorkspaceSymbolRequest::METHOD => {
                self.dispatch::<lsp::request::WorkspaceSymbolRequest>(request, |server, params| {
                    let found = navigate::workspace_symbols(&server.index, &params.query, WORKSPACE_SYMBOL_LIMIT);
                    Ok(Some(lsp::WorkspaceSymbolResponse::Flat(found)))
                })
            }
            lsp::request::PrepareRenameRequest::METHOD => self
                .dispatch::<lsp::request::PrepareRenameRequest>(request, |server, params| {
                    server.at_position(&params, navigate::prepare_rename).transpose()
                }),
            lsp::request::Rename::METHOD => self.dispatch::<lsp::request::Rename>(request, |server, params| {
                let force = server.force_rename;
                let new_name = params.new_name.clone();
                server
                    .at_position(&params.text_document_position, |index, file, offset| {
                        navigate::rename(index, file, offset, &new_name, force)
                    })
                    .transpose()
            }),
            lsp::request::Completion::METHOD => self.dispatch::<lsp::request::Completion>(request, |server, params| {
                // Completion reads the live text (usually mid-edit, so not compiling):
                // the offset is of that text, the index is the last that compiled.
                let at = params.text_document_position;
                let Some(file) = server.file_index(&at.text_document.uri) else { return Ok(None) };
                let key = at.text_document.uri.as_str();
                let text = server.documents.get(key).map_or_else(|| file.source.text.clone(), |d| d.text.clone());
                let offset = convert::offset(&text, at.position);
                let items = complete::complete(&server.index, &file, &text, offset);
                Ok(Some(lsp::CompletionResponse::Array(items)))
            }),
            lsp::request::SemanticTokensFullRequest::METHOD => self
                .dispatch::<lsp::request::SemanticTokensFullRequest>(request, |server, params| {
                    let found = server.in_document(&params.text_document.uri, navigate::semantic_tokens);
                    Ok(found
                        .map(|data| lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens { result_id: None, data })))
                }),
            lsp::request::FoldingRangeRequest::METHOD => {
                self.dispatch::<lsp::request::FoldingRangeRequest>(request, |server, params| {
                    Ok(server.in_document(&params.text_document.uri, |_, file| navigate::folding_ranges(file)))
                })
            }
            lsp::request::DocumentLinkRequest::METHOD => {
                self.dispatch::<lsp::request::DocumentLinkRequest>(request, |server, params| {
                    Ok(server.in_document(&params.text_document.uri, |_, file| navigate::document_links(file)))
                })
            }
            method => Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("idl lsp does not handle {method}"),
            ),
        };
        self.send(response.into());
    }

    /// Decodes a request's parameters and runs its handler. A panic in idl ends
    /// that request with an error, not the server (the panic hook has logged it).
    fn dispatch<R: lsp::request::Request>(
        &mut self,
        request: Request,
        handler: fn(&mut Self, R::Params) -> Result<R::Result, String>,
    ) -> Response {
        let params = match serde_json::from_value::<R::Params>(request.params) {
            Ok(params) => params,
            Err(error) => {
                let message = format!("invalid parameters for {}: {error}", R::METHOD);
                return Response::new_err(request.id, ErrorCode::InvalidParams as i32, message);
            }
        };
        match catch_unwind(AssertUnwindSafe(|| handler(self, params))) {
            Ok(Ok(result)) => Response::new_ok(request.id, result),
            Ok(Err(message)) => Response::new_err(request.id, ErrorCode::RequestFailed as i32, message),
            Err(_) => {
                let message = "internal error in idl (the server's stderr has the details)".to_string();
                Response::new_err(request.id, ErrorCode::InternalError as i32, message)
            }
        }
    }

    fn handle_notification(&mut self, notification: Notification) {
        use lsp::notification::{
            DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
            DidSaveTextDocument,
        };
        let now = Instant::now();
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return;
                };
                let document = params.text_document;
                let key = document.uri.as_str().to_string();
                self.documents.insert(
                    key.clone(),
                    Document {
                        path: convert::file_path(&document.uri),
                        uri: document.uri,
                        version: document.version,
                        text: document.text.into(),
                        analysis: None,
                        ignore_edits: HashMap::new(),
                    },
                );
                self.due.insert(key, now);
                self.analyse_due(now);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) =
                    notification.extract::<lsp::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                else {
                    return;
                };
                let key = params.text_document.uri.as_str().to_string();
                let Some(document) = self.documents.get_mut(&key) else { return };
                // A full-text change (the last one without a range) replaces what
                // came before it, so the old text is not copied just to be dropped.
                let last_full = params.content_changes.iter().rposition(|change| change.range.is_none());
                let mut changes = params.content_changes.into_iter();
                let mut text = match last_full {
                    Some(index) => changes.nth(index).map(|change| change.text).unwrap_or_default(),
                    None => document.text.to_string(),
                };
                for change in changes {
                    if let Some(range) = change.range {
                        let start = convert::offset(&text, range.start);
                        let end = convert::offset(&text, range.end).max(start);
                        text.replace_range(start..end, &change.text);
                    }
                }
                document.text = text.into();
                document.version = params.text_document.version;
                // Open documents importing this one see the change too.
                let name = document.analysis.as_ref().and_then(|analysis| analysis.files.first().cloned());
                let importers: Vec<String> = self
                    .documents
                    .iter()
                    .filter(|(other, document)| {
                        **other != key
                            && document.analysis.as_ref().is_some_and(|analysis| {
                                name.as_ref().is_some_and(|name| analysis.files[1..].contains(name))
                            })
                    })
                    .map(|(other, _)| other.clone())
                    .collect();
                for other in importers.into_iter().chain([key]) {
                    self.due.insert(other, now + DEBOUNCE);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(params) =
                    notification.extract::<lsp::DidChangeWatchedFilesParams>(DidChangeWatchedFiles::METHOD)
                {
                    self.reindex_changed(&params.changes);
                }
                // Any open document may import them.
                for key in self.documents.keys() {
                    self.due.insert(key.clone(), now);
                }
                self.analyse_due(now);
            }
            DidSaveTextDocument::METHOD => {
                // Files on disk changed: any open document may import them.
                for key in self.documents.keys() {
                    self.due.insert(key.clone(), now);
                }
                self.analyse_due(now);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return;
                };
                let key = params.text_document.uri.as_str();
                self.due.remove(key);
                if let Some(document) = self.documents.remove(key) {
                    self.publish(document.uri, Vec::new(), None);
                }
                // The others now see the file on disk instead of the closed buffer.
                for key in self.documents.keys() {
                    self.due.insert(key.clone(), now + DEBOUNCE);
                }
            }
            _ => {}
        }
    }

    /// Analyses every document due by `now` and publishes its diagnostics.
    fn analyse_due(&mut self, now: Instant) {
        let mut due: Vec<(Instant, String)> =
            self.due.iter().filter(|(_, at)| **at <= now).map(|(key, at)| (*at, key.clone())).collect();
        due.sort();
        for (_, key) in due {
            self.due.remove(&key);
            self.analyse(&key);
        }
    }

    fn buffers(&self) -> Buffers {
        self.documents.values().filter_map(|document| Some((document.path.clone()?, document.text.clone()))).collect()
    }

    fn analyse(&mut self, key: &str) {
        let buffers = self.buffers();
        let Some(document) = self.documents.get_mut(key) else { return };
        // Only .proto files have a workspace (a client may send others).
        let Some(path) = document.path.clone().filter(|path| path.extension().is_some_and(|e| e == "proto")) else {
            return;
        };
        let cwd = analysis::working_dir(&self.folders, &path);
        let config = self.config.as_deref();
        let (index, cache) = (&self.index, &self.load_cache);
        let Ok(mut analysis) =
            catch_unwind(AssertUnwindSafe(|| analysis::analyse(&cwd, config, &path, &buffers, Some(index), cache)))
        else {
            // The panic hook has logged it; the previous diagnostics stay.
            return;
        };
        let to_index = analysis.to_index.take();
        let outside = !self.folders.is_empty() && !self.folders.iter().any(|folder| path.starts_with(folder));
        if outside && self.single_file_notices.insert(path.clone()) {
            let message = format!(
                "{} is outside every workspace folder: idl checks it on its own (single-file mode), with the \
                 idl.toml and roots found from its own directory",
                path.display()
            );
            let params = lsp::ShowMessageParams { typ: lsp::MessageType::INFO, message };
            self.send(Notification::new(lsp::notification::ShowMessage::METHOD.to_string(), params).into());
        }
        let Some(document) = self.documents.get_mut(key) else { return };
        let mut diagnostics: Vec<lsp::Diagnostic> = analysis.own.iter().map(convert::diagnostic).collect();
        for (diag, anchor) in &analysis.elsewhere {
            let range = anchor
                .as_ref()
                .map_or_else(lsp::Range::default, |anchor| convert::range(&analysis.source, anchor.start, anchor.end));
            diagnostics.push(convert::foreign_diagnostic(diag, range));
        }
        // The previous analysis (and below, its compile) is dropped on another
        // thread: freeing a huge file's descriptors takes milliseconds the
        // diagnostics need not wait for.
        drop_elsewhere(document.analysis.replace(analysis));
        document.ignore_edits.clear();
        let (uri, version) = (document.uri.clone(), document.version);
        self.publish(uri, diagnostics, Some(version));
        // Indexed when a request needs it: the diagnostics of the next change
        // wait for no indexing, and a document edited faster than it can be
        // indexed is indexed once, at the next request.
        if let Some(to_index) = to_index {
            drop_elsewhere(self.pending_index.insert(key.to_string(), to_index));
        }
    }

    /// Builds the index entries still pending from the analyses since the last request.
    fn flush_pending_index(&mut self) {
        for (_, to_index) in std::mem::take(&mut self.pending_index) {
            if let Ok(entries) = catch_unwind(AssertUnwindSafe(|| to_index.build())) {
                for entry in entries {
                    self.index.insert(entry);
                }
            }
        }
    }

    fn publish(&self, uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        let params = lsp::PublishDiagnosticsParams { uri, diagnostics, version };
        self.send(transport::encoded_notification(lsp::notification::PublishDiagnostics::METHOD, &params));
    }

    /// Analyses the document now if its analysis does not match its text (a change
    /// still waiting for the debounce); whether it then has an analysis.
    fn ensure_analysed(&mut self, key: &str) -> bool {
        let stale = self.documents.get(key).is_some_and(|document| {
            document.analysis.as_ref().is_none_or(|analysis| analysis.source.text != document.text)
        });
        if stale {
            self.due.remove(key);
            self.analyse(key);
        }
        self.documents.get(key).is_some_and(|document| document.analysis.is_some())
    }

    /// The index entry of a document (analysed first if its text changed since),
    /// or of a file on disk the index has.
    fn file_index(&mut self, uri: &lsp::Uri) -> Option<std::sync::Arc<FileIndex>> {
        let key = uri.as_str().to_string();
        if self.documents.contains_key(&key) {
            self.ensure_analysed(&key);
            self.flush_pending_index();
        }
        let path = convert::file_path(uri)?;
        if let Some(file) = self.index.file_by_path(&path) {
            return Some(file.clone());
        }
        let name = self.documents.get(&key)?.analysis.as_ref()?.files.first()?.clone();
        self.index.file(&name).cloned()
    }

    /// Runs `answer` on the document's index entry.
    fn in_document<T>(&mut self, uri: &lsp::Uri, answer: impl FnOnce(&Index, &FileIndex) -> T) -> Option<T> {
        let file = self.file_index(uri)?;
        Some(answer(&self.index, &file))
    }

    /// Runs `answer` at a position (as a byte offset of the indexed text).
    fn at_position<T>(
        &mut self,
        at: &lsp::TextDocumentPositionParams,
        answer: impl FnOnce(&Index, &FileIndex, usize) -> T,
    ) -> Option<T> {
        let file = self.file_index(&at.text_document.uri)?;
        let offset = convert::offset(&file.source.text, at.position);
        Some(answer(&self.index, &file, offset))
    }

    /// Re-indexes files changed on disk that are not open (an open buffer wins);
    /// a deleted file leaves the index.
    fn reindex_changed(&mut self, changes: &[lsp::FileEvent]) {
        let buffers = self.buffers();
        for change in changes {
            let Some(path) = convert::file_path(&change.uri) else { continue };
            if path.extension().is_none_or(|e| e != "proto") || buffers.contains_key(&path) {
                continue;
            }
            if change.typ == lsp::FileChangeType::DELETED {
                self.index.remove_path(&path);
                continue;
            }
            let mut buffers = buffers.clone();
            // Through the checked reader: a FIFO would block the server for good.
            let Ok(text) = crate::checked_read::read_proto_text(&path, &path.to_string_lossy()) else { continue };
            buffers.insert(path.clone(), text);
            let cwd = analysis::working_dir(&self.folders, &path);
            let config = self.config.as_deref();
            let (index, cache) = (&self.index, &self.load_cache);
            let Ok(entries) = catch_unwind(AssertUnwindSafe(|| {
                let analysis = analysis::analyse(&cwd, config, &path, &buffers, Some(index), cache);
                analysis.to_index.map(|to_index| to_index.build()).unwrap_or_default()
            })) else {
                continue;
            };
            for entry in entries {
                self.index.insert(entry);
            }
        }
    }

    fn formatting(&mut self, params: lsp::DocumentFormattingParams) -> Result<Option<Vec<lsp::TextEdit>>, String> {
        // The client's tab size and spaces are not used: idl.toml's [format] decides,
        // as for `idl format`, so editors and CI agree.
        let Some(document) = self.documents.get(params.text_document.uri.as_str()) else { return Ok(None) };
        let options = match &document.path {
            Some(path) => {
                let cwd = analysis::working_dir(&self.folders, path);
                match analysis::format_options(&cwd, self.config.as_deref(), path)? {
                    Some(options) => options,
                    None => return Ok(None),
                }
            }
            None => format::FormatOptions::default(),
        };
        match format::format_with(&document.text, &options) {
            Ok(formatted) => Ok(Some(convert::text_edits(&document.text, &formatted))),
            // The document's diagnostics show the syntax errors; nothing to change.
            Err(FormatError::Syntax(_)) => Ok(None),
            Err(FormatError::Unsupported) => {
                Err("idl cannot format this file (nesting too deep or several package statements); left unchanged"
                    .to_string())
            }
        }
    }

    fn code_actions(&mut self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>, String> {
        let wanted = params.context.only.as_ref().is_none_or(|only| {
            let quickfix = lsp::CodeActionKind::QUICKFIX;
            let quickfix = quickfix.as_str();
            only.iter().any(|kind| quickfix == kind.as_str() || quickfix.starts_with(&format!("{}.", kind.as_str())))
        });
        let key = params.text_document.uri.as_str().to_string();
        if !wanted || !self.ensure_analysed(&key) {
            return Ok(None);
        }
        let overlaps = |range: &lsp::Range| range.start <= params.range.end && params.range.start <= range.end;
        let in_range: Vec<usize> = {
            let analysis = self.documents[&key].analysis.as_ref().expect("analysed above");
            (0..analysis.own.len()).filter(|&i| overlaps(&convert::diagnostic(&analysis.own[i]).range)).collect()
        };
        let mut actions = Vec::new();
        for index in in_range {
            let ignore = self.ignore_edit(&key, index);
            let document = &self.documents[&key];
            let analysis = document.analysis.as_ref().expect("analysed above");
            let finding = &analysis.own[index];
            let lsp_diagnostic = convert::diagnostic(finding);
            if let Some(fix) = &finding.fix {
                let title = if fix.safe { fix.description.clone() } else { format!("{} (unsafe)", fix.description) };
                actions.push(quick_fix(document, &analysis.source, title, &fix.edits, &lsp_diagnostic, fix.safe));
            }
            if let Some(edit) = ignore {
                let title = format!("Ignore {} here (// idl:lint:ignore)", finding.rule);
                actions.push(quick_fix(document, &analysis.source, title, &[edit], &lsp_diagnostic, false));
            }
        }
        Ok(Some(actions))
    }

    /// The edit that adds `// idl:lint:ignore RULE` on the line above a lint
    /// finding, if that silences it. Whether it does depends on the declaration the
    /// rule reports on (ignores apply to whole declarations, through their leading
    /// comment), so it is checked by analysing the edited text; the answer is kept
    /// until the document changes.
    fn ignore_edit(&mut self, key: &str, index: usize) -> Option<Edit> {
        let document = self.documents.get(key)?;
        if let Some(known) = document.ignore_edits.get(&index) {
            return known.clone();
        }
        let analysis = document.analysis.as_ref()?;
        let finding = &analysis.own[index];
        let is_lint_rule = crate::lint::rules::find(&finding.rule).is_some();
        let edit = match finding.span {
            Some(span) if is_lint_rule && finding.rule != crate::lint::rules::UNUSED_IGNORE => {
                let source = &analysis.source;
                let line = source.line_index(span.start_offset);
                let line_start = source.line_start(line);
                let indent: String = source.line_text(line).chars().take_while(|c| c.is_whitespace()).collect();
                Some(Edit {
                    start: line_start,
                    end: line_start,
                    replacement: format!("{indent}// idl:lint:ignore {}\n", finding.rule),
                })
            }
            _ => None,
        };
        let verified = edit.filter(|edit| self.silences(key, index, edit));
        if let Some(document) = self.documents.get_mut(key) {
            document.ignore_edits.insert(index, verified.clone());
        }
        verified
    }

    /// Whether applying `edit` to the document removes its finding `index` and
    /// adds none (no unused ignore, no syntax error, no comment rule tripped).
    fn silences(&self, key: &str, index: usize, edit: &Edit) -> bool {
        let document = &self.documents[key];
        let (Some(path), Some(analysis)) = (&document.path, &document.analysis) else { return false };
        let mut text = analysis.source.text.to_string();
        text.replace_range(edit.start..edit.end, &edit.replacement);
        let mut buffers = self.buffers();
        buffers.insert(path.clone(), text.into());
        let cwd = analysis::working_dir(&self.folders, path);
        let config = self.config.as_deref();
        let Ok(after) =
            catch_unwind(AssertUnwindSafe(|| analysis::analyse(&cwd, config, path, &buffers, None, &self.load_cache)))
        else {
            return false;
        };
        // Findings by rule and message: positions move with the inserted line.
        let count = |diags: &[Diagnostic]| {
            let mut counts: HashMap<(String, String), usize> = HashMap::new();
            for diag in diags {
                *counts.entry((diag.rule.clone(), diag.message.clone())).or_default() += 1;
            }
            counts
        };
        let (before, after) = (count(&analysis.own), count(&after.own));
        let finding = &analysis.own[index];
        let key = (finding.rule.clone(), finding.message.clone());
        let silenced = after.get(&key).copied().unwrap_or(0) < before[&key];
        let added = after.iter().any(|(key, n)| *n > before.get(key).copied().unwrap_or(0));
        silenced && !added
    }
}

/// Drops `value` on a short-lived thread of its own.
fn drop_elsewhere<T: Send + 'static>(value: Option<T>) {
    if let Some(value) = value {
        // Should no thread start, the closure, and the value with it, is dropped here.
        let _ = std::thread::Builder::new().name("idl-lsp-drop".into()).spawn(move || drop(value));
    }
}

/// A quick fix applying `edits` (byte ranges of `source`) to the document.
fn quick_fix(
    document: &Document,
    source: &crate::source::SourceFile,
    title: String,
    edits: &[Edit],
    diagnostic: &lsp::Diagnostic,
    preferred: bool,
) -> lsp::CodeActionOrCommand {
    let text_edits = edits
        .iter()
        .map(|edit| lsp::TextEdit {
            range: convert::range(source, edit.start, edit.end),
            new_text: edit.replacement.clone(),
        })
        .collect();
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(document.uri.clone(), text_edits)])),
            ..lsp::WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..lsp::CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Fix;
    use crate::source::SourceFile;

    #[test]
    fn quick_fixes_carry_a_findings_edits_in_utf16_positions() {
        let text = "message M {\n  /* 中文😀 */ string fooBar = 1;\n}\n";
        let source = SourceFile::new("m.proto", "m.proto", text.into());
        let start = text.find("fooBar").unwrap();
        let fix = Fix {
            description: "Rename to foo_bar".into(),
            edits: vec![Edit { start, end: start + 6, replacement: "foo_bar".into() }],
            safe: true,
        };
        let finding = Diagnostic::error("FIELD_LOWER_SNAKE_CASE", "bad name").with_span(&source, start, start + 6);
        let document = Document {
            uri: "file:///m.proto".parse().unwrap(),
            path: None,
            version: 1,
            text: source.text.clone(),
            analysis: None,
            ignore_edits: HashMap::new(),
        };
        let lsp::CodeActionOrCommand::CodeAction(action) = quick_fix(
            &document,
            &source,
            fix.description.clone(),
            &fix.edits,
            &convert::diagnostic(&finding),
            fix.safe,
        ) else {
            panic!("a command, not an action");
        };
        assert_eq!((action.title.as_str(), action.is_preferred), ("Rename to foo_bar", Some(true)));
        let edits = &action.edit.unwrap().changes.unwrap()[&document.uri];
        // `  /* 中文😀 */ string ` is 19 characters and 20 UTF-16 units.
        let at = |character| lsp::Position { line: 1, character };
        assert_eq!(edits[0].range, lsp::Range { start: at(20), end: at(26) });
        assert_eq!(edits[0].new_text, "foo_bar");
        assert_eq!(action.diagnostics.unwrap()[0].range, edits[0].range);
    }
}
