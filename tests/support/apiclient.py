"""A thin helper around Flask's test client for token-authenticated API calls."""
import uuid

DEMO_PASSWORD = "demo1234"


class Session:
    def __init__(self, client, token: str, client_id: str, user: dict):
        self.client, self.token, self.client_id, self.user = client, token, client_id, user

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kw):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kw)

    def post(self, path, **kw):
        return self.client.post(f"/api/v1{path}", headers=self.headers, **kw)

    def put(self, path, **kw):
        return self.client.put(f"/api/v1{path}", headers=self.headers, **kw)

    def delete(self, path, **kw):
        return self.client.delete(f"/api/v1{path}", headers=self.headers, **kw)

    def patch(self, path, headers=None, **kw):
        return self.client.patch(f"/api/v1{path}", headers={**self.headers, **(headers or {})}, **kw)

    def head(self, path, **kw):
        return self.client.head(f"/api/v1{path}", headers=self.headers, **kw)

    def pull_all(self, cursor=None, limit=500) -> tuple[list, str]:
        changes = []
        while True:
            query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            page = self.get(f"/sync/pull{query}").get_json()
            changes.extend(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return changes, cursor

    def push(self, *inspections, client_id=None):
        return self.post("/sync/push", json={"client_id": client_id or self.client_id,
                                             "inspections": list(inspections)})

    def push_rechecks(self, *rechecks):
        """A push of rechecks only: their results."""
        response = self.post("/sync/push", json={"client_id": self.client_id,
                                                 "inspections": [], "rechecks": list(rechecks)})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["recheck_results"]


class ApiClient:
    def __init__(self, client):
        self.client = client

    def as_user(self, username: str, password: str = DEMO_PASSWORD) -> Session:
        response = self.client.post("/api/v1/auth/token", json={
            "username": username, "password": password, "device_name": f"test-{uuid.uuid4()}"})
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        return Session(self.client, body["token"], body["client_id"], body["user"])
