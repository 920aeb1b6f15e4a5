//! `idl mock`: a mock server for the workspace's services on one port, speaking
//! gRPC (HTTP/2 cleartext), gRPC-Web, Connect and HTTP/JSON transcoding by
//! `google.api.http` ([`http`], routed by the API model of `src/api/`), with gRPC
//! server reflection (v1 and v1alpha) and the health service, so that grpcurl,
//! `buf curl`, curl and browsers work against it unchanged.
//!
//! The transports are hyper's HTTP/1 and HTTP/2 on tokio (a well-kept stack whose
//! `auto` connection builder tells cleartext HTTP/2 from HTTP/1 by the preface,
//! so one port serves both). Every protocol goes through the same [`Mock::call`]:
//! requests are decoded into prost-reflect dynamic messages (binary or proto3
//! JSON), and answers are deterministic examples of the response type
//! ([`example`]) or the canned answers of `[mock]` ([`canned`]), after the request
//! passed the schema's rules ([`validate`]). One handler serves all four call
//! shapes; the protocols only differ in how they frame messages and spell the
//! status ([`protocol`]).

mod body;
mod builtin;
pub mod call;
pub mod canned;
pub mod example;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
mod http_call;
mod protocol;
pub mod status;
pub mod validate;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use prost_reflect::{DescriptorPool, DynamicMessage, MethodDescriptor};
use tokio::net::TcpListener;

use self::body::ResponseBody;
use self::status::{Code, Status};

/// The largest request message accepted (gRPC's default receive limit).
pub const MAX_MESSAGE_BYTES: usize = 4 << 20;
/// A client that has not sent its request headers by then is dropped.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages a server-streaming mock method sends.
const STREAM_MESSAGES: usize = 2;

/// What a method answers with.
#[derive(Clone)]
enum Handler {
    /// A workspace method: examples of its response type.
    Example,
    Reflection,
    HealthCheck,
}

#[derive(Clone)]
struct Method {
    descriptor: MethodDescriptor,
    handler: Handler,
    /// The gRPC path, `/acme.user.v1.UserService/GetUser`.
    path: String,
    /// Whether the request type has REQUIRED fields or protovalidate rules.
    validated: bool,
}

/// The services a mock serves, by gRPC path (`/acme.user.v1.UserService/GetUser`).
pub struct Mock {
    methods: BTreeMap<String, Method>,
    /// The workspace's pool and the built-in services' pool, for reflection.
    pools: Vec<DescriptorPool>,
    /// Every served service, built-ins included, for reflection and health.
    services: Vec<String>,
    /// The HTTP routes of the served services (`google.api.http`), when set.
    routes: Option<crate::api::Model<'static>>,
    /// `[mock] responses`, in order.
    canned: Vec<canned::Canned>,
    /// `[mock] latency_ms`.
    latency: Duration,
}

/// What one request message gets: after `delay`, the answers or a status.
pub(crate) struct Reply {
    pub delay: Duration,
    pub answers: Result<Vec<DynamicMessage>, Status>,
}

impl Mock {
    /// The mock of `pool`'s services named in `only` (every service of the
    /// `targets` files when empty). An unknown name in `only` is an error.
    pub fn new(pool: &DescriptorPool, targets: &[String], only: &[String]) -> Result<Mock, String> {
        let builtin = builtin::pool();
        let mut methods = BTreeMap::new();
        let mut services = Vec::new();
        for name in only {
            if pool.get_service_by_name(name).is_none() {
                return Err(format!("no service {name} in the workspace"));
            }
        }
        for service in pool.services() {
            let wanted = if only.is_empty() {
                targets.iter().any(|t| t == service.parent_file().name())
            } else {
                only.iter().any(|n| n == service.full_name())
            };
            if !wanted {
                continue;
            }
            services.push(service.full_name().to_string());
            for method in service.methods() {
                let path = format!("/{}/{}", service.full_name(), method.name());
                let validated = validate::has_rules(&method.input());
                methods.insert(path.clone(), Method { descriptor: method, handler: Handler::Example, path, validated });
            }
        }
        for (service, handler) in builtin::REFLECTION_SERVICES
            .iter()
            .map(|s| (*s, Handler::Reflection))
            .chain([(builtin::HEALTH_SERVICE, Handler::HealthCheck)])
        {
            let descriptor = builtin.get_service_by_name(service).expect("built-in service");
            services.push(service.to_string());
            for method in descriptor.methods() {
                let path = format!("/{service}/{}", method.name());
                let handler = handler.clone();
                methods.insert(path.clone(), Method { descriptor: method, handler, path, validated: false });
            }
        }
        Ok(Mock {
            methods,
            pools: vec![pool.clone(), builtin],
            services,
            routes: None,
            canned: Vec::new(),
            latency: Duration::ZERO,
        })
    }

    /// Serves the HTTP bindings of `model`'s services that this mock serves.
    pub fn with_routes(mut self, mut model: crate::api::Model<'static>) -> Mock {
        model.services.retain(|s| self.services.contains(&s.full_name));
        self.routes = Some(model);
        self
    }

    /// Answers with `canned` where it matches, every answer after `latency`.
    pub fn with_canned(mut self, canned: Vec<canned::Canned>, latency: Duration) -> Mock {
        self.canned = canned;
        self.latency = latency;
        self
    }

    /// The workspace's services served (built-ins left out).
    pub fn workspace_services(&self) -> Vec<&str> {
        self.services
            .iter()
            .map(String::as_str)
            .filter(|s| !builtin::REFLECTION_SERVICES.contains(s) && *s != builtin::HEALTH_SERVICE)
            .collect()
    }

    /// The answers to one request message of a call (several for a server
    /// stream); none for a client stream until it ends. The request passes the
    /// schema's rules first; then the first matching `[mock]` response answers,
    /// else the example.
    fn respond(&self, method: &Method, request: &DynamicMessage) -> Reply {
        let descriptor = &method.descriptor;
        let now = |answers| Reply { delay: Duration::ZERO, answers };
        match method.handler {
            Handler::Reflection => now(Ok(vec![builtin::reflect(request, &self.pools, &self.services)])),
            Handler::HealthCheck => now(builtin::health(request, &self.services).map(|r| vec![r])),
            Handler::Example => {
                if method.validated
                    && let Err(status) = validate::check(request)
                {
                    return now(Err(status));
                }
                if descriptor.is_client_streaming() && !descriptor.is_server_streaming() {
                    return now(Ok(Vec::new()));
                }
                let count = if descriptor.is_server_streaming() && !descriptor.is_client_streaming() {
                    STREAM_MESSAGES
                } else {
                    1
                };
                let canned = canned::find(&self.canned, &method.path, request);
                let delay = canned.and_then(|c| c.latency).unwrap_or(self.latency);
                let answers = match canned.map(|c| &c.answer) {
                    Some(canned::Answer::Message(message)) => Ok(vec![message.clone(); count]),
                    Some(canned::Answer::Error(status)) => Err(status.clone()),
                    Some(canned::Answer::Example) | None => {
                        Ok((0..count).map(|_| example::example(&descriptor.output())).collect())
                    }
                };
                Reply { delay, answers }
            }
        }
    }

    /// The answers when the client's side of a call ends after `received` messages.
    fn finish(&self, method: &Method, received: usize) -> Result<Vec<DynamicMessage>, Status> {
        let descriptor = &method.descriptor;
        if !descriptor.is_client_streaming() && received != 1 {
            return Err(Status::new(
                Code::InvalidArgument,
                format!("{} takes exactly one request message, got {received}", descriptor.full_name()),
            ));
        }
        match method.handler {
            Handler::Example if descriptor.is_client_streaming() && !descriptor.is_server_streaming() => {
                Ok(vec![example::example(&descriptor.output())])
            }
            _ => Ok(Vec::new()),
        }
    }

    async fn handle(self: Arc<Mock>, request: Request<Incoming>) -> Result<Response<ResponseBody>, Infallible> {
        Ok(protocol::dispatch(self, request).await)
    }
}

/// A bound, not yet serving, mock server.
pub struct Bound {
    listener: std::net::TcpListener,
    pub address: SocketAddr,
}

/// Binds `address` (`127.0.0.1:0` picks a free port).
pub fn bind(address: &str) -> Result<Bound, String> {
    let listener =
        std::net::TcpListener::bind(address).map_err(|error| format!("cannot listen on {address}: {error}"))?;
    listener.set_nonblocking(true).map_err(|error| format!("cannot listen on {address}: {error}"))?;
    let address = listener.local_addr().map_err(|error| format!("cannot listen on {address}: {error}"))?;
    Ok(Bound { listener, address })
}

/// Serves `mock` on `bound` until SIGINT or SIGTERM; connections already open
/// are left to finish on their own when the process ends.
pub fn serve(mock: Mock, bound: Bound) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the server's runtime: {error}"))?;
    runtime.block_on(async move {
        let listener = TcpListener::from_std(bound.listener).map_err(|error| format!("cannot listen: {error}"))?;
        let mock = Arc::new(mock);
        let shutdown = shutdown_signal();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    // A failed accept (out of file descriptors, a reset) must not stop the server.
                    let Ok((stream, _)) = accepted else {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let mock = mock.clone();
                    tokio::spawn(async move {
                        let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                        builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
                        let service = hyper::service::service_fn(move |request| mock.clone().handle(request));
                        let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                    });
                }
                _ = &mut shutdown => return Ok(()),
            }
        }
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut terminate), Ok(mut interrupt)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
}
