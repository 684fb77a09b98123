"""P12: a photo sync against the machine's limit. In the same run, the same 180
phone-sized photos go (a) as plain PUTs to nginx's WebDAV module and (b) through our
whole sync (the push of their inspections, then the blobs protocol) to gunicorn as
deployed (gunicorn.conf.py); the same client (3 requests in flight, connections kept
while the server keeps them) through the same byte-counting proxy, which also counts
the connections each server made the client open.

Run: python -m bench bench.bench_nginx
"""
import hashlib
import http.client
import io
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from bench.bench_sync import inspections_showing
from bench.results import report
from tests.support.factories import big_jpeg
from tests.support.httpclient import Phone, upload_headers
from tests.support.liveserver import ServerProcess, free_port

PHOTOS = int(os.environ.get("BENCH_P12_PHOTOS", 180))
ROUNDS = int(os.environ.get("BENCH_P12_ROUNDS", 5))
IN_FLIGHT = 3          # pwa/sync.js PHOTOS_IN_FLIGHT
PUSH_BATCH = 50        # pwa/sync.js PUSH_BATCH
CHUNK, CHUNK_MAX = 256 * 1024, 1024 * 1024  # the phone's first chunk, and its largest
INSTALL = "apt-get update && apt-get install -y nginx-light"


def nginx_binary() -> str | None:
    """Debian's nginx-light has WebDAV; installed here when missing and we may."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found or os.geteuid() != 0:
        return found
    print("  installing nginx-light ...", flush=True)
    done = subprocess.run(INSTALL, shell=True, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-2000:])
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


class Nginx:
    """nginx on a free loopback port: WebDAV PUT into a throwaway folder."""

    def __init__(self, binary: str, workdir: Path):
        self.binary, self.dir, self.port = binary, workdir / "nginx", free_port()
        for sub in ("dav", "body", "tmp"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""  # else it drops to nobody
        (self.dir / "nginx.conf").write_text(f"""{user}worker_processes 2;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log {self.dir}/access.log;
  client_body_temp_path {self.dir}/body;
  proxy_temp_path {self.dir}/tmp; fastcgi_temp_path {self.dir}/tmp;
  uwsgi_temp_path {self.dir}/tmp; scgi_temp_path {self.dir}/tmp;
  server {{
    listen 127.0.0.1:{self.port};
    client_max_body_size 20m;
    location / {{ root {self.dir}/dav; dav_methods PUT; create_full_put_path on; }}
  }}
}}
""")
        self.process = None

    def start(self) -> "Nginx":
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait()


class CountingProxy:
    """A TCP proxy in front of a server: counts the connections and bytes through it."""

    def __init__(self, port: int):
        self.upstream = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = self.bytes_up = self.bytes_down = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.connections = self.bytes_up = self.bytes_down = 0

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            server = socket.create_connection(("127.0.0.1", self.upstream))
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self.pump, args=(client, server, "bytes_up"), daemon=True).start()
            threading.Thread(target=self.pump, args=(server, client, "bytes_down"), daemon=True).start()

    def pump(self, source: socket.socket, sink: socket.socket, counter: str) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                with self.lock:
                    setattr(self, counter, getattr(self, counter) + len(data))
        except OSError:
            pass
        finally:
            for sock in (sink, source):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


class Client:
    """One request slot of the phone: keeps its connection while the server does."""

    def __init__(self, port: int):
        self.port, self.conn = port, None

    def send(self, method: str, path: str, body: bytes, headers: dict):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed a kept connection before this request reached it
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            if response.will_close:
                self.conn.close()
                self.conn = None
            return response, data


class Pool:
    """IN_FLIGHT slots, each with its client; `run` sends one job per item."""

    def __init__(self, port: int):
        self.local, self.port = threading.local(), port

    def client(self) -> Client:
        if not hasattr(self.local, "client"):
            self.local.client = Client(self.port)
        return self.local.client

    def run(self, job, items) -> list:
        with ThreadPoolExecutor(IN_FLIGHT) as executor:
            return list(executor.map(lambda item: job(self.client(), item), items))


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a server's master and its worker processes."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = {pid}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def phone_photos(n: int) -> list[bytes]:
    """About 300 KB each, as the phone makes them from a camera photo (≤ 1600 px)."""
    photos = []
    for seed in range(n):
        out = io.BytesIO()
        Image.open(io.BytesIO(big_jpeg(1600, 1200, seed=50_000 + seed))).save(
            out, "JPEG", quality=70)
        photos.append(out.getvalue())
    return photos


def renamed(photos: list[bytes], tag: str) -> list[bytes]:
    """The same pictures with a comment segment: other bytes, so the server has not
    seen them, at no cost of making them again."""
    out = []
    for n, photo in enumerate(photos):
        text = f"{tag}-{n}".encode()
        out.append(photo[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + photo[2:])
    return out


def put_to_nginx(pool: Pool, photos: list[bytes], tag: str) -> None:
    def put(client: Client, pair):
        n, photo = pair
        response, _ = client.send("PUT", f"/{tag}/{n}.jpg", photo,
                                  {"Content-Type": "image/jpeg"})
        assert response.status in (201, 204), response.status
    pool.run(put, enumerate(photos))


class OurSync:
    """As pwa/sync.js does it: the records in pushes of PUSH_BATCH, then each photo from
    offset 0 (the push named it missing), IN_FLIGHT at a time, in chunks that start at
    256 KiB and double while they go through quickly, up to 1 MiB."""

    def __init__(self, phone: Phone, round_id: int, groups: list[int]):
        self.phone, self.round_id, self.groups = phone, round_id, groups

    def inspections(self, photos: list[bytes], seed: int) -> list:
        return inspections_showing(self.round_id, self.groups, photos, random.Random(seed))

    def run(self, pool: Pool, photos: list[bytes], inspections: list) -> None:
        headers = {**self.phone.headers(), "Content-Type": "application/json"}
        pusher = pool.client()
        missing = set()
        for start in range(0, len(inspections), PUSH_BATCH):
            body = json.dumps({"client_id": self.phone.client_id,
                               "inspections": inspections[start:start + PUSH_BATCH]}).encode()
            response, data = pusher.send("POST", "/api/v1/sync/push", body, headers)
            assert response.status == 200, data
            missing.update(sha for r in json.loads(data)["results"] for sha in r["missing_blobs"])
        assert len(missing) == len(photos), len(missing)
        chunk = [CHUNK]

        def upload(client: Client, photo: bytes):
            sha, offset = hashlib.sha256(photo).hexdigest(), 0
            while True:
                size = chunk[0]
                response, data = client.send(
                    "PATCH", f"/api/v1/blobs/{sha}", photo[offset:offset + size],
                    self.phone.headers(upload_headers(offset, len(photo))))
                if response.status == 201:
                    return
                assert response.status in (204, 409), (response.status, data)
                if response.status == 204 and size == len(photo[offset:offset + size]):
                    chunk[0] = min(CHUNK_MAX, size * 2)
                offset = int(response.getheader("Upload-Offset"))
        pool.run(upload, photos)


def measure(proxy: CountingProxy, pid: int, send) -> dict:
    proxy.reset()
    cpu = server_cpu(pid)
    started = time.perf_counter()
    send()
    elapsed = time.perf_counter() - started
    return {"elapsed_s": elapsed, "cpu_s": server_cpu(pid) - cpu,
            "connections": proxy.connections, "bytes_up": proxy.bytes_up,
            "bytes_down": proxy.bytes_down}


def main() -> None:
    binary = nginx_binary()
    if binary is None:
        print(f"  nginx not installed: P12 skipped (as root: {INSTALL})")
        return
    base = phone_photos(PHOTOS)
    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        nginx, server = Nginx(binary, workdir), ServerProcess(workdir / "app", workers=2)
        proxies = []
        try:  # whatever fails, neither server outlives the bench
            nginx.start()
            server.prepare().start()
            to_nginx, to_us = CountingProxy(nginx.port), CountingProxy(server.port)
            proxies += [to_nginx, to_us]
            phone = Phone(server.url, "inspector1")
            changes = phone.pull_all()
            ours = OurSync(phone, next(c["data"]["id"] for c in changes if c["type"] == "round"),
                           [c["data"]["id"] for c in changes if c["type"] == "group"])
            rounds = []
            for n in range(ROUNDS + 1):      # the first warms both up and is not counted
                photos = renamed(base, f"r{n}")
                inspections = ours.inspections(photos, seed=n)
                figures = {}
                runs = {"nginx": lambda: put_to_nginx(Pool(to_nginx.port), photos, f"r{n}"),
                        "ours": lambda: ours.run(Pool(to_us.port), photos, inspections)}
                for name in (("nginx", "ours") if n % 2 else ("ours", "nginx")):
                    proxy, pid = ((to_nginx, nginx.process.pid) if name == "nginx"
                                  else (to_us, server.process.pid))
                    figures[name] = measure(proxy, pid, runs[name])
                if n:
                    rounds.append(figures)
                print(f"  round {n}{' (warm-up)' if not n else ''}: "
                      + ", ".join(f"{k} {v['elapsed_s']:.2f} s, cpu {v['cpu_s']:.2f} s, "
                                  f"{v['connections']} conn" for k, v in figures.items()),
                      flush=True)
        finally:
            for proxy in proxies:
                proxy.close()
            server.stop()
            nginx.stop()
    med = {name: {key: statistics.median(r[name][key] for r in rounds)
                  for key in rounds[0][name]} for name in ("nginx", "ours")}
    details = {"photos": PHOTOS, "photo_bytes": sum(len(p) for p in base),
               "in_flight": IN_FLIGHT, "rounds": rounds, "medians": med,
               "load_average": os.getloadavg()[0]}
    report("P12 sync time ÷ nginx PUT time (median)",
           statistics.median(r["ours"]["elapsed_s"] / r["nginx"]["elapsed_s"] for r in rounds),
           "×", "≤ 1.25", details)
    report("P12 server CPU ÷ nginx CPU (median)",
           statistics.median(r["ours"]["cpu_s"] / max(r["nginx"]["cpu_s"], 0.01) for r in rounds),
           "×", "≤ 3")
    report("P12 our server CPU per photo (median)", med["ours"]["cpu_s"] / PHOTOS * 1000, "ms",
           "reported")
    report("P12 nginx CPU per photo (median)", med["nginx"]["cpu_s"] / PHOTOS * 1000, "ms",
           "reported")
    report("P12 connections opened, ours", med["ours"]["connections"], "connections",
           f"nginx: {med['nginx']['connections']:.0f}")
    report("P12 load average during the run", os.getloadavg()[0], "", f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
