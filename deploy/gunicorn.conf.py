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
# 2 x 100 threads serve about 200 open chat windows besides ordinary pages; every worker keeps
# a small database connection pool of its own (config.py). Threads share one Python
# interpreter, so CPU-heavy work (PDFs) still runs one at a time per worker: add workers, not
# threads, for that.
workers = 2
worker_class = "gthread"
threads = 100
# A request may take this long before its worker is replaced; a long poll answers after 25 s.
timeout = 60
graceful_timeout = 30
keepalive = 5

# A worker is replaced after this many requests, so slow memory growth never adds up.
max_requests = 1000
max_requests_jitter = 100

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
