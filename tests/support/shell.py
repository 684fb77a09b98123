"""The phone app's shell as it lies in pwa/: where it is and the version its service
worker installs (the version a phone reports to the device list)."""
import re
from pathlib import Path

PWA = Path(__file__).resolve().parents[2] / "pwa"


def shell_version() -> str:
    return re.search(r'const VERSION = "([^"]+)"', (PWA / "sw.js").read_text()).group(1)
