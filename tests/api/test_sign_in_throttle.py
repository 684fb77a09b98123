"""Sign-in throttling: failures count per account, and failing accounts per address;
others sign in."""
import functools

import pytest
from werkzeug.security import generate_password_hash

import server.models.users
import server.sign_in
from server.i18n import t
from tests.support.apps import make_app
from tests.support.townships import more_users
from tests.support.web import login

TOKEN = "/api/v1/auth/token"
FAILURES_PER_ACCOUNT = 5  # the shipped defaults, which the test app keeps
ACCOUNTS_PER_ADDRESS = 100
OFFICE = "203.0.113.7"  # one address for a whole township office


def token(client, username, password="demo1234", address="127.0.0.1"):
    return client.post(TOKEN, json={"username": username, "password": password,
                                    "device_name": "Redmi 9A"},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def sqlite_app(tmp_path, seeded_databases):
    """An app of this test's own config on a copy of the bare seed."""
    def made(**config):
        seeded_databases.sqlite_copy(tmp_path)
        return make_app(tmp_path, seed="bare", prepared=True, **config)
    return made


@pytest.fixture
def quick_hashes(monkeypatch):
    """Passwords hashed and checked by the same scrypt at a tiny cost, for tests of the
    throttle's counting that sign in a hundred times (each check at the shipped cost
    takes a tenth of a second or more): what they prove is which attempts are refused.
    The shipped cost, also an unknown user's, is test_unknown_user_costs_a_hash_check's."""
    quick = functools.partial(generate_password_hash, method="scrypt:256:8:1")
    monkeypatch.setattr(server.models.users, "generate_password_hash", quick)
    monkeypatch.setattr(server.sign_in, "_NOBODY_HASH", quick("nobody's password"))


def assert_retry_after(response):
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_api_throttles_the_account_not_other_users(client):
    for _ in range(FAILURES_PER_ACCOUNT):
        assert token(client, "inspector1", "wrong").status_code == 401
    refused = token(client, "inspector1")  # even the right password waits
    assert_retry_after(refused)
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert token(client, "inspector2").status_code == 201
    assert token(client, "inspector1", address="10.0.0.9").status_code == 429


def test_successes_are_not_counted(client):
    for _ in range(FAILURES_PER_ACCOUNT + 2):
        assert token(client, "inspector1").status_code == 201


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_throttles_the_account_with_a_message(client, lang):
    client.set_cookie("lang", lang)
    for _ in range(FAILURES_PER_ACCOUNT):
        assert login(client, "supervisor1", "wrong").status_code == 401
    refused = login(client, "supervisor1")
    assert_retry_after(refused)
    assert t("login.throttled", lang) in refused.get_data(as_text=True)
    assert client.get("/review/").status_code == 302  # not signed in
    assert login(client, "admin").status_code == 302


def test_api_and_page_share_the_count(client):
    for attempt in range(FAILURES_PER_ACCOUNT):
        failed = (token(client, "admin", "wrong") if attempt % 2
                  else login(client, "admin", "wrong"))
        assert failed.status_code == 401
    assert_retry_after(token(client, "admin"))
    assert_retry_after(login(client, "admin"))


def test_one_address_guessing_many_accounts_is_throttled(sqlite_app):
    app = sqlite_app(SIGN_IN_ACCOUNTS_PER_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    for username in ("inspector1", "inspector2", "nobody"):
        assert token(client, username, "wrong").status_code == 401
    assert_retry_after(token(client, "admin"))
    assert token(client, "admin", address="10.0.0.9").status_code == 201


def test_unknown_user_costs_a_hash_check_and_gets_the_same_answer(client, monkeypatch):
    checks = []
    real_check = server.sign_in.check_password_hash

    def counted_check(pwhash, password):
        checks.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(server.sign_in, "check_password_hash", counted_check)
    unknown, wrong = token(client, "nobody", "wrong"), token(client, "inspector1", "wrong")
    assert unknown.get_json() == wrong.get_json()
    assert unknown.status_code == wrong.status_code == 401
    assert len(checks) == 2 and checks[0].split("$")[0] == checks[1].split("$")[0]
    assert login(client, "nobody", "wrong").status_code == 401
    assert len(checks) == 3


def test_an_office_behind_one_address_is_not_locked_out_by_its_typos(sqlite_app, quick_hashes):
    app = sqlite_app()
    client = app.test_client()
    staff = more_users(app, "inspector", [f"staff{n}" for n in range(20)])
    for username in staff[::2]:  # half the office mistypes, each up to the account's limit
        for _ in range(FAILURES_PER_ACCOUNT - 1):
            assert token(client, username, "wrong", address=OFFICE).status_code == 401
    for username in staff:
        assert token(client, username, address=OFFICE).status_code == 201


def test_a_guesser_walking_usernames_from_the_office_is_stopped(sqlite_app, quick_hashes):
    app = sqlite_app()
    client = app.test_client()
    staff = more_users(app, "inspector", [f"staff{n}" for n in range(20)])
    for username in staff[:10]:  # the office's own typos: ten accounts, twice each
        for _ in range(2):
            assert token(client, username, "wrong", address=OFFICE).status_code == 401
    for n in range(ACCOUNTS_PER_ADDRESS - 10):
        assert token(client, f"guess{n}", "123456", address=OFFICE).status_code == 401
    assert_retry_after(token(client, "guess-next", "123456", address=OFFICE))
    assert_retry_after(token(client, staff[-1], address=OFFICE))  # the address waits
    assert token(client, staff[-1], address="198.51.100.1").status_code == 201


def test_an_admin_can_forget_the_failures_at_once(app, client):
    for _ in range(FAILURES_PER_ACCOUNT):
        assert token(client, "inspector1", "wrong").status_code == 401
    assert_retry_after(token(client, "inspector1"))
    result = app.test_cli_runner().invoke(args=["forget-failed-sign-ins"])
    assert result.exit_code == 0, result.output
    assert token(client, "inspector1").status_code == 201
