//! `shortlist serve`: watch, plus a preview server with live reload on 127.0.0.1.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use shortlist::Options;
use shortlist::model::Audience;
use shortlist::serve::{ServerState, Status, router};
use shortlist::session::Session;
use shortlist::watch::{Message, Watcher};
use shortlist::{Failure, diagnostic::Diagnostic};

use super::{BuildArgs, During, Exit, Outcome, Printer, io_failure, refused};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub build: BuildArgs,
    /// The address to listen on; anything but 127.0.0.1 exposes the report to your network
    #[arg(
        short = 'i',
        long,
        visible_alias = "interface",
        value_name = "IP",
        default_value = "127.0.0.1"
    )]
    pub bind: IpAddr,
    /// The port to listen on; 0 picks a free one
    #[arg(short, long, default_value_t = 1111)]
    pub port: u16,
    /// Open the preview in the browser once it is built (`$BROWSER`, else the desktop's default)
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args) -> Outcome {
    let options: Options = args.build.options();
    let root = options.root.clone();
    // Readable by this user alone: the preview may be the internal report, and the system's
    // temporary folder is shared by every user of the machine.
    let mut scratch = tempfile::Builder::new();
    scratch.prefix("shortlist-serve-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        scratch.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let scratch = scratch.tempdir().map_err(|e| {
        io_failure(
            "serve",
            "cannot create a temporary folder for the preview".into(),
            e,
        )
    })?;
    let session = Session::new(options, scratch.path().join("site")).during("serve")?;
    let served = session.output().clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| io_failure("serve", "cannot start the server".into(), e))?;
    let listener = listen(&runtime, args.bind, args.port)?;
    let local = listener
        .local_addr()
        .unwrap_or(SocketAddr::new(args.bind, args.port));
    // The URL is the first line of standard output: scripts and tests read it.
    println!("http://{local}/");
    let _ = std::io::stdout().flush();

    // Watch first, then build: a save during the first build is not lost.
    let watcher = Watcher::new(&root, vec![served.clone()], args.build.poll)
        .map_err(|e| e.context("cannot watch the project"))
        .during("serve")?;
    let state = ServerState::new(served, args.bind.is_loopback());
    let shutdown = Arc::new(tokio::sync::Notify::new());
    on_ctrl_c(
        watcher.sender(),
        shutdown.clone(),
        scratch.path().to_path_buf(),
    );
    let open = args.open.then(|| format!("http://{local}/"));
    let watching = std::thread::spawn({
        let state = state.clone();
        move || rebuild_while_serving(session, watcher, &state, args.bind, open)
    });
    if !super::quiet() {
        eprintln!(
            "serving the report at http://{local}/ and rebuilding on every change; press Ctrl-C to stop"
        );
    }
    serve_until_stopped(&runtime, listener, state, shutdown);
    // A rebuild that does not end (a theme's runaway loop) must not keep the server from
    // stopping: its output is the temporary preview folder, removed below.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while !watching.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if watching.is_finished() {
        let _ = watching.join();
    } else {
        eprintln!("a rebuild is still running; stopping without waiting for it");
    }
    eprintln!("stopped");
    drop(scratch);
    Ok(())
}

/// The listening socket, or why not: a port in use or an address this machine does not have
/// are usage errors, with what to pass instead.
fn listen(
    runtime: &tokio::runtime::Runtime,
    bind: IpAddr,
    port: u16,
) -> Result<tokio::net::TcpListener, Exit> {
    let addr = SocketAddr::new(bind, port);
    runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => refused(
                "serve",
                format!(
                    "port {port} is already in use on {bind}; stop the other server, or pass `--port 0` to pick a free port (or `--port N` for another)"
                ),
            ),
            _ => refused(
                "serve",
                format!("cannot listen on {addr}: {e}; check `--bind` and `--port`"),
            ),
        })
}

/// The first Ctrl-C stops the watcher and the server gracefully; a second one stops at once
/// (the preview is a temporary folder: nothing to finish).
fn on_ctrl_c(
    stop_watcher: std::sync::mpsc::Sender<Message>,
    shutdown: Arc<tokio::sync::Notify>,
    scratch: std::path::PathBuf,
) {
    let presses = std::sync::atomic::AtomicUsize::new(0);
    if let Err(e) = ctrlc::set_handler(move || {
        if presses.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
            let _ = std::fs::remove_dir_all(&scratch);
            std::process::exit(130);
        }
        let _ = stop_watcher.send(Message::Stop);
        shutdown.notify_waiters();
        shutdown.notify_one();
    }) {
        eprintln!("warning: cannot handle Ctrl-C cleanly: {e}");
    }
}

/// Builds, then rebuilds on every change, publishing each outcome to the open pages. Runs
/// beside the server, so that Ctrl-C works from the start; pages asked for before the first
/// build ends reload when it does.
fn rebuild_while_serving(
    mut session: Session,
    watcher: Watcher,
    state: &ServerState,
    bind: IpAddr,
    open: Option<String>,
) {
    let mut printer = Printer::default();
    let first = session.rebuild(&[]);
    printer.print(&first);
    if !bind.is_loopback() {
        warn_exposed(bind, &session, &first);
    }
    let declared = session.options().audience;
    let mut shareable = declared_shareable(&session, &first);
    state.publish(status_of(&first, shareable), true);
    if let Some(url) = &open {
        super::open_in_browser(url);
    }
    let result = watcher.run(
        &mut session,
        |r| {
            printer.print(r);
            if let Ok(built) = r {
                shareable = built.built.report.audience == Audience::Shareable
                    || declared == Some(Audience::Shareable);
            }
            state.publish(
                status_of(r, shareable),
                r.as_ref().is_ok_and(|b| b.changed()),
            );
        },
        super::watcher_trouble,
    );
    if let Err(e) = result {
        eprintln!("error: the watcher stopped: {e:#}");
    }
}

/// Listening beyond this machine: says who can read what.
fn warn_exposed(
    bind: IpAddr,
    session: &Session,
    first: &Result<shortlist::session::Rebuilt, Failure>,
) {
    let audience = first.as_ref().map_or_else(
        |_| session.options().audience.unwrap_or_default(),
        |r| r.built.report.audience,
    );
    eprintln!(
        "warning: listening on {}: anyone who can reach this machine can read this {} preview{}",
        bind,
        audience.as_str(),
        if audience == Audience::Internal {
            ", confidential notes, pricing and contacts included"
        } else {
            ""
        }
    );
}

/// Serves the preview until Ctrl-C, then lets open connections finish for up to 3 s.
fn serve_until_stopped(
    runtime: &tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    state: Arc<ServerState>,
    shutdown: Arc<tokio::sync::Notify>,
) {
    let app = router(state.clone());
    runtime.block_on(async move {
        let graceful = shutdown.clone();
        let listener = shortlist::serve::IdleListener {
            listener,
            limit: shortlist::serve::IDLE_TIMEOUT,
        };
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            graceful.notified().await;
            state.close();
        });
        tokio::select! {
            r = server => {
                if let Err(e) = r {
                    eprintln!("error: the server stopped: {e}");
                }
            }
            () = async {
                shutdown.notified().await;
                tokio::time::sleep(Duration::from_secs(3)).await;
            } => {}
        }
    });
}

/// Whether this preview is for a shareable audience, as far as can be told even when the first
/// build failed: the command line, the build itself, or report.yaml's text.
fn declared_shareable(
    session: &Session,
    first: &Result<shortlist::session::Rebuilt, Failure>,
) -> bool {
    match (session.options().audience, first) {
        (Some(a), _) => a == Audience::Shareable,
        (None, Ok(r)) => r.built.report.audience == Audience::Shareable,
        (None, Err(_)) => {
            let content = session.options().root.join("content");
            shortlist::content::glance(&content).audience == Some(Audience::Shareable)
        }
    }
}

/// What open pages are told of a rebuild. A shareable preview may be shown to people the
/// confidential material is kept from, so its overlay says only how many errors there are: the
/// messages quote files, slugs and text, and stay in the terminal.
fn status_of(result: &Result<shortlist::session::Rebuilt, Failure>, shareable: bool) -> Status {
    match result {
        Ok(_) => Status::Ok,
        Err(Failure::Content(diags)) if shareable => {
            let n = diags.iter().filter(|d| d.is_error()).count();
            Status::Failed(vec![format!(
                "The rebuild failed with {n} {}. This is a shareable preview, so the details are shown only in the terminal where `shortlist serve` runs.",
                if n == 1 { "error" } else { "errors" }
            )])
        }
        Err(Failure::Content(diags)) => Status::Failed(
            diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d: &Diagnostic| d.render(false))
                .collect(),
        ),
        Err(Failure::Refused(m)) => Status::Failed(vec![m.clone()]),
        Err(Failure::Io(e)) => Status::Failed(vec![format!("{e:#}")]),
    }
}
