"""`marketsync run|web|worker|beat`: start the product, embedded (one command) or distributed."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from types import FrameType

import typer
import uvicorn

HOST = typer.Option("127.0.0.1", "--host", help="Address to listen on.")
PORT = typer.Option(8000, "--port", help="Port to listen on.")


def _log_level() -> str:
    from marketsync.logs import configured

    return configured()[0]


def worker_command(*, beat: bool) -> list[str]:
    """The Celery worker command line (thread pool; with embedded beat in embedded mode)."""
    level = _log_level()
    # Embedded, one terminal shows everything: the web address and the runs, not Celery's banner.
    quiet = ["--quiet"] if beat and level != "DEBUG" else []
    cmd = [sys.executable, "-m", "celery", "-A", "marketsync.worker:celery_app", *quiet, "worker", "--pool",
           "threads", "--concurrency", "4", "-Q", "default,sync", "--loglevel", level, "--without-gossip",
           "--without-mingle"]
    if beat:
        cmd += ["-B", "--schedule", os.path.join("var", "celerybeat-schedule")]
    return cmd


def serve_web(host: str, port: int) -> None:
    """Serve the web app in the foreground."""
    # log_config=None, log_level=None: uvicorn keeps the configuration of marketsync.logs (LOG_LEVEL).
    uvicorn.run("marketsync.web.app:create_app", factory=True, host=host, port=port, log_config=None,
                log_level=None, proxy_headers=True)


def run_embedded(host: str, port: int, *, on_started: object = None) -> None:
    """Start the worker (with beat) as a child and the web server here; stop both on SIGTERM/Ctrl-C."""
    from marketsync.cli.migrate import migrate_database

    migrate_database()
    os.makedirs("var", exist_ok=True)
    # Its own process group: Ctrl-C reaches the worker once, through us, and a forced stop takes the embedded
    # beat (a grandchild) with it instead of leaving it orphaned.
    child = subprocess.Popen(worker_command(beat=True), start_new_session=True)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        config = uvicorn.Config("marketsync.web.app:create_app", factory=True, host=host, port=port,
                                log_config=None, log_level=None)
        server = uvicorn.Server(config)
        if callable(on_started):
            on_started(server)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_process_group(child, grace=20)
        typer.echo("stopped")


def stop_process_group(child: subprocess.Popen[bytes], *, grace: float) -> None:
    """Ask a child started in its own session to stop (SIGTERM); after `grace` seconds kill its whole group."""
    child.terminate()
    # A task still running past the grace period is resumable from the database, so it is killed.
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):  # the group may already be empty
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def register(app: typer.Typer) -> None:
    """Add the serving commands to the CLI."""

    @app.command("run")
    def run(host: str = HOST, port: int = PORT) -> None:
        """Start web + worker + beat on this machine (embedded broker unless REDIS_URL is set)."""
        run_embedded(host, port)

    @app.command("web")
    def web(host: str = HOST, port: int = PORT) -> None:
        """Start only the web server (distributed mode)."""
        serve_web(host, port)

    @app.command("worker")
    def worker() -> None:
        """Start a Celery worker (distributed mode: no embedded beat)."""
        raise typer.Exit(subprocess.call(worker_command(beat=False)))

    @app.command("flower")
    def flower(port: int = typer.Option(5555, "--port", help="Port of the queue monitor.")) -> None:
        """Start Flower, the queue monitor, behind FLOWER_USER / FLOWER_PASSWORD basic auth."""
        from marketsync.settings import get_settings

        settings = get_settings()
        raise typer.Exit(subprocess.call([sys.executable, "-m", "celery", "-A", "marketsync.worker:celery_app",
                                          "flower", f"--port={port}",
                                          f"--basic-auth={settings.FLOWER_USER}:{settings.FLOWER_PASSWORD}"]))

    @app.command("beat")
    def beat() -> None:
        """Start Celery beat, the one scheduler of a distributed install."""
        os.makedirs("var", exist_ok=True)
        raise typer.Exit(subprocess.call([sys.executable, "-m", "celery", "-A", "marketsync.worker:celery_app",
                                          "beat", "--schedule", os.path.join("var", "celerybeat-schedule"),
                                          "--loglevel", _log_level()]))

