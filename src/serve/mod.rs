//! `idl mock`: a mock server for the workspace's services on one port, speaking
//! gRPC (HTTP/2 cleartext), gRPC-Web and Connect, with gRPC server reflection (v1
//! and v1alpha) and the health service, so that grpcurl, `buf curl` and browsers
//! work against it unchanged.
//!
//! The transports are hyper's HTTP/1 and HTTP/2 on tokio (a well-kept stack whose
//! `auto` connection builder tells cleartext HTTP/2 from HTTP/1 by the preface,
//! so one port serves both). Every protocol goes through the same [`Mock::call`]:
//! requests are decoded into prost-reflect dynamic messages (binary or proto3
//! JSON), and answers are deterministic examples of the response type
//! ([`example`]). One handler serves all four call shapes; the protocols only
//! differ in how they frame messages and spell the status ([`protocol`]).

mod body;
mod builtin;
pub mod example;
mod protocol;
pub mod status;

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
}

/// The services a mock serves, by gRPC path (`/acme.user.v1.UserService/GetUser`).
pub struct Mock {
    methods: BTreeMap<String, Method>,
    /// The workspace's pool and the built-in services' pool, for reflection.
    pools: Vec<DescriptorPool>,
    /// Every served service, built-ins included, for reflection and health.
    services: Vec<String>,
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
                methods.insert(path, Method { descriptor: method, handler: Handler::Example });
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
                methods.insert(path, Method { descriptor: method, handler: handler.clone() });
            }
        }
        Ok(Mock { methods, pools: vec![pool.clone(), builtin], services })
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
    /// stream); `Ok(empty)` for a client stream until it ends.
    fn respond(&self, method: &Method, request: &DynamicMessage) -> Result<Vec<DynamicMessage>, Status> {
        let descriptor = &method.descriptor;
        match method.handler {
            Handler::Reflection => Ok(vec![builtin::reflect(request, &self.pools, &self.services)]),
            Handler::HealthCheck => {
                let response = builtin::health(request, &self.services)?;
                Ok(vec![response])
            }
            Handler::Example if descriptor.is_client_streaming() && !descriptor.is_server_streaming() => Ok(Vec::new()),
            Handler::Example => {
                let count = if descriptor.is_server_streaming() && !descriptor.is_client_streaming() {
                    STREAM_MESSAGES
                } else {
                    1
                };
                Ok((0..count).map(|_| example::example(&descriptor.output())).collect())
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
