import pytest

from tests.support.api import call

pytestmark = pytest.mark.integration


def test_signup_login_me(aws_env: dict) -> None:
    signup = call("POST", "/v1/auth/signup", json_body={
        "community_name": "Oak Park", "email": "Ann@Example.com", "password": "correct horse battery", "full_name": "Ann"})
    assert signup.status == 201, signup.body
    me = call("GET", "/v1/me", token=signup.body["access_token"])
    assert me.status == 200, me.body
    assert me.body["user"]["email"] == "ann@example.com"
