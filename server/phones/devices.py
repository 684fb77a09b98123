"""What a phone tells about itself with each push (contract: push `device`), kept on its
device registration for the admins' device list."""
from ..models import DeviceToken, utcnow

UNSYNCED = ("inspections", "rechecks", "ledger", "photos", "bytes")


def record_device_report(device: DeviceToken, report: dict | None) -> None:
    """The push was received now; an app version or an unsynced count the phone did not
    send keeps its previous value (older app versions send no report). Does not commit."""
    device.last_sync_at = utcnow()
    report = report or {}
    if report.get("app_version") is not None:
        device.app_version = report["app_version"]
    for name, count in (report.get("unsynced") or {}).items():
        if count is not None:
            setattr(device, f"unsynced_{name}", count)


def device_data(device: DeviceToken) -> dict:
    """A device as the API's device list shows it."""
    return {"id": device.id, "user_id": device.user_id, "username": device.user.username,
            "device_name": device.device_name, "created_at": device.created_at,
            "last_seen_at": device.last_seen_at, "last_sync_at": device.last_sync_at,
            "revoked": device.revoked_at is not None, "revoked_at": device.revoked_at,
            "app_version": device.app_version,
            "unsynced": {name: getattr(device, f"unsynced_{name}") for name in UNSYNCED}}
