"""The benchmark table on screen and bench/results/latest.json on disk."""
import json
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "latest.json"


def report(name: str, value: float, unit: str, target: str, details: dict | None = None) -> None:
    """Prints one row as soon as it is measured and merges it into latest.json, with
    `details`: the figures the value was computed from."""
    print(f"  {name:<44} {value:>12.3f} {unit:<14} target: {target}", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[name] = {"value": round(value, 4), "unit": unit, "target": target, **(details or {})}
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
