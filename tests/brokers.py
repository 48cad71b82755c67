"""The brokers the worker tests run on besides Redis and the embedded one: a fresh virtual host of the local
RabbitMQ per test (absent: skipped with the reason printed, failed under CI's REQUIRE flag)."""

from __future__ import annotations

import os
import subprocess

from absent import unavailable

VHOST = os.environ.get("MARKETSYNC_TEST_DB", "marketsync_test")  # one per parallel checkout, as the databases


def rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    """Run RabbitMQ's own admin tool."""
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=120)


def rabbitmq_or_skip() -> str:
    """A fresh virtual host of the local RabbitMQ; its absence skips the test with the reason printed (fails it
    under CI's REQUIRE flag)."""
    from kombu import Connection

    try:
        rabbitmqctl("delete_vhost", VHOST)
        rabbitmqctl("add_vhost", VHOST).check_returncode()
        rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*").check_returncode()
        url = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
        with Connection(url, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:
        unavailable(f"RabbitMQ is not usable here: {exc}")
    return url


def queue_types() -> dict[str, str]:
    """What RabbitMQ says each queue of the test's virtual host is (classic, quorum, stream)."""
    listed = rabbitmqctl("list_queues", "-p", VHOST, "name", "type")
    return dict(line.split()[:2] for line in listed.stdout.splitlines() if len(line.split()) >= 2)
