"""gunicorn's settings for ``make serve`` (the production server), from the environment.

One process per core plus one, each with a few threads: a desk page spends most of its
time waiting on PostgreSQL, so threads keep a core busy while another request waits,
without the memory of more processes. Each thread holds its own database connection.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("WEB_THREADS", 4))
# A request that takes this long is stuck: its worker is replaced (uploads are capped at
# 10 MB and answer within seconds).
timeout = 30
graceful_timeout = 20
# A clerk's next request comes a second or three after the last: a connection kept open
# that long is reused rather than closed under the browser's feet.
keepalive = 5
# Workers are renewed now and then, so that no slow growth of memory outlives a day.
max_requests = 5000
max_requests_jitter = 500
# The reverse proxy in front (nginx, …) terminates HTTPS and says so in X-Forwarded-Proto;
# only its address is believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Without a proxy (a closed desk network, the load test), gunicorn speaks HTTPS itself.
certfile = os.environ.get("TLS_CERT") or None
keyfile = os.environ.get("TLS_KEY") or None
accesslog = "-"
errorlog = "-"
