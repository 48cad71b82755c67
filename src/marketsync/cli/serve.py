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

from marketsync.processes import die_with_parent

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


def bot_command() -> list[str]:
    """The bot's command line (`marketsync bot`)."""
    return [sys.executable, "-m", "marketsync", "bot"]


def child_environment(host: str, port: int) -> dict[str, str]:
    """The children's environment: BASE_URL is this server's real address when it is not set."""
    env = dict(os.environ)
    if not env.get("BASE_URL") and not env.get("DOMAIN"):
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        env["BASE_URL"] = f"http://{shown}:{port}"
    return env


def start_child(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a child in its own process group (Ctrl-C reaches it once, through us) that dies with us."""
    return subprocess.Popen(command, start_new_session=True, env=env, preexec_fn=die_with_parent)


def serve_web(host: str, port: int) -> None:
    """Serve the web app in the foreground."""
    # log_config=None, log_level=None: uvicorn keeps the configuration of marketsync.logs (LOG_LEVEL).
    uvicorn.run("marketsync.web.app:create_app", factory=True, host=host, port=port, log_config=None,
                log_level=None, proxy_headers=True)


def run_embedded(host: str, port: int, *, on_started: object = None) -> None:
    """Start the worker (with beat) as a child and the web server here; stop both on SIGTERM/Ctrl-C."""
    from marketsync.cli.migrate import migrate_database
    from marketsync.settings import get_settings

    env = child_environment(host, port)
    if env.get("BASE_URL") != os.environ.get("BASE_URL"):
        os.environ["BASE_URL"] = env["BASE_URL"]  # the web app here links to itself by the same address
        get_settings.cache_clear()
    migrate_database()
    os.makedirs("var", exist_ok=True)
    # Each in its own process group: Ctrl-C reaches it once, through us, and a forced stop takes the embedded beat
    # (a grandchild) with it. Each dies with us (PR_SET_PDEATHSIG), even when we are killed with SIGKILL; the
    # embedded beat dies with the worker, its parent, as Celery's beat process is a child of the worker.
    children = [start_child(worker_command(beat=True), env)]
    if get_settings().BOT_TOKEN:
        children.append(start_child(bot_command(), env))

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
        for child in reversed(children):
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

