"""gunicorn settings for Famnen in production (used by deploy/famnen.service).

Read by gunicorn, not by Famnen. Settings given on the command line or in
GUNICORN_CMD_ARGS win over these.
"""

# nginx on the same server connects here; see deploy/nginx-famnen.conf. With several
# app servers, listen on the private network address instead (docs/deployment.md).
bind = "127.0.0.1:8000"

# Two workers, each with a pool of threads. A chat window keeps one request open while it
# waits for the next message (long polling, up to 25 s; docs/chat.md): that request holds a
# thread but no database connection, so a worker needs many threads and few connections.
# Every open chat has two windows (the family's and the professional's): 2 x 250 threads
# serve 200 chats going on at once besides ordinary pages (bench/chat.py, docs/benchmarks.md).
# A request that finds every thread taken waits for one, up to 25 s. Every worker keeps a
# small database connection pool of its own (config.py). Threads share one Python
# interpreter, so CPU-heavy work (PDFs) still runs one at a time per worker: add workers, not
# threads, for that.
workers = 2
worker_class = "gthread"
threads = 250
# A request may take this long before its worker is replaced; a long poll answers after 25 s.
timeout = 60
graceful_timeout = 30
keepalive = 5

# Workers are not replaced after a number of requests: replacing one holds up every chat
# waiting on it for as long as its requests wait (up to 25 s), and with chat open it would
# happen every few minutes. The bench measured memory flat (about 140 MiB per worker);
# `systemctl reload famnen` replaces the workers gracefully when wanted.
max_requests = 0

# Famnen writes its own request log (one JSON line, no addresses, no tokens in paths).
# gunicorn's access log would write client addresses and real paths, so it stays off.
accesslog = None
errorlog = "-"
loglevel = "info"

# gunicorn's runtime control socket (gunicornc) is not needed: `systemctl reload famnen`
# and `systemctl restart famnen` manage the workers. Left on, it would be made in the
# famnen user's home folder.
control_socket_disable = True

# Upload and header sizes stay small: Famnen receives forms, not files.
limit_request_line = 8190
limit_request_field_size = 8190
