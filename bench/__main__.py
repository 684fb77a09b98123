"""`python -m bench` (make bench): every benchmark, one after the other."""
import importlib
import sys
import time

MODULES = ("bench.bench_sync", "bench.bench_rankings", "bench.bench_pwa", "bench.bench_households",
           "bench.bench_reliability", "bench.bench_photos", "bench.bench_nginx",
           "bench.bench_scale",
           "bench.bench_years")


def main(names: list[str]) -> None:
    for name in names or MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            print(f"{name}: not available ({exc})")
            continue
        print(f"== {name}", flush=True)
        started = time.monotonic()
        module.main()
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    print("Figures written to bench/results/latest.json")


if __name__ == "__main__":
    main(sys.argv[1:])
