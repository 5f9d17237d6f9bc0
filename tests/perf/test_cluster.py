"""python -m tests.perf.cluster: the nginx it writes balances over both app servers and skips a
dead one, keeps everything under the run's own directory, and its access log is read as nginx
writes it.

The cluster run itself (`make cluster-check`) is not part of the suite.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.perf.cluster import nginx_config, read_access_log

PREFIX = Path("/srv/lens/var/cluster-nginx")


def _config(**overrides) -> str:
    return nginx_config(
        **{"listen": 18080, "upstreams": [18081, 18082], "prefix": PREFIX, **overrides}
    )


def test_the_config_balances_both_app_servers_on_its_own_port():
    conf = _config()

    upstream = re.search(r"upstream app \{(.*?)\}", conf, re.S)
    assert upstream is not None
    assert re.findall(r"server (127\.0\.0\.1:\d+)", upstream.group(1)) == [
        "127.0.0.1:18081",
        "127.0.0.1:18082",
    ]
    assert "listen 127.0.0.1:18080;" in conf
    assert "proxy_pass http://app;" in conf


def test_a_dead_backend_is_skipped_and_the_client_is_forwarded():
    conf = _config()

    assert "proxy_next_upstream error timeout;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_set_header Host $host;" in conf


def test_it_runs_in_the_foreground_with_every_file_under_its_prefix():
    conf = _config()

    assert "daemon off;" in conf
    paths = re.findall(r"^\s*(?:pid|error_log|access_log|\w+_temp_path) (\S+?)[;\s]", conf, re.M)
    assert len(paths) == 8  # pid, two logs, five temporary directories
    assert all(path.startswith(f"{PREFIX}/") for path in paths), paths


def test_a_user_is_named_only_when_asked():
    assert not re.search(r"^user ", _config(), re.M)
    assert re.search(r"^user lens;$", _config(user="lens"), re.M)


def test_the_access_log_counts_answers_per_backend_and_retries():
    routed = read_access_log(
        [
            "200|GET|127.0.0.1:18081|200",
            "302|POST|127.0.0.1:18082|302",
            "200|GET|127.0.0.1:18081, 127.0.0.1:18082|502, 200",
            "502|GET|127.0.0.1:18081, 127.0.0.1:18082|502, 502",
            "400|GET|-|-",
            "not a line of ours",
        ]
    )

    assert routed.per_backend == {"127.0.0.1:18081": 1, "127.0.0.1:18082": 3}
    assert routed.retried == 2
    assert routed.upstream_errors == 1
