"""Reads a dragoman GDELT export with gdeltPyR (PyPI package `gdelt`), the way it reads GDELT.

Run by tests/export.rs in a virtual environment of its own (`pip install gdelt==0.1.14`):

    python gdelt_reader.py EXPORT_FILE

gdeltPyR downloads GDELT's zipped 15-minute event files and reads them with its own code
(pandas' read_csv with its dtypes, the column names of its copy of the codebook, the CAMEO
descriptions from its own table). Here its download address is pointed at a server on
127.0.0.1 that serves EXPORT_FILE zipped as such a file, and its `Search` runs unchanged.
Nothing leaves the machine: any request to another host fails the script.

Prints one JSON object: the columns, the dtypes and the rows as gdeltPyR read them.
"""

import importlib.util
import io
import json
import os
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


def fix_data_dir():
    # The wheel installs its data files under <venv>/data, while the package reads them from
    # <site-packages>/data (and, failing that, tries the network): link the one to the other.
    spec = importlib.util.find_spec("gdelt")
    base = os.path.dirname(os.path.dirname(spec.origin))
    want = os.path.join(base, "data")
    have = os.path.join(sys.prefix, "data")
    if not os.path.exists(want) and os.path.isdir(have):
        os.symlink(have, want)


def loopback_only():
    import requests

    real = requests.Session.request

    def guarded(self, method, url, *args, **kwargs):
        host = urlparse(url).hostname
        if host not in ("127.0.0.1", "localhost"):
            raise RuntimeError(f"gdelt_reader: refusing a request to {host}")
        return real(self, method, url, *args, **kwargs)

    requests.Session.request = guarded


def serve(payload):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    path = sys.argv[1]
    fix_data_dir()
    loopback_only()
    import gdelt
    import gdelt.base

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(path, "20191106234500.export.CSV")
    port = serve(buf.getvalue())

    def local_url(date_string, version, table="events", translation=False):
        if isinstance(date_string, str):
            return f"http://127.0.0.1:{port}/{date_string}.export.CSV.zip"
        return [f"http://127.0.0.1:{port}/{d}.export.CSV.zip" for d in date_string]

    gdelt.base._urlBuilder = local_url
    frame = gdelt.gdelt(version=2).Search("2019 Nov 6", table="events", coverage=False)
    rows = json.loads(frame.to_json(orient="records"))
    print(
        json.dumps(
            {
                "columns": list(frame.columns),
                "dtypes": {c: str(t) for c, t in frame.dtypes.items()},
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
