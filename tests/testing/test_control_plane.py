"""The fakes' HTTP control plane under /__fake/: health, received, reset, faults, seed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake, load_spec

SCRIPT = Path(__file__).with_name("shell") / "control_plane.sh"


@pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("bash") is None, reason="needs bash and curl"
)
def test_a_shell_script_drives_a_served_fake_with_curl_only() -> None:
    result = subprocess.run(
        ["bash", str(SCRIPT), sys.executable], capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("control plane: ok")


def test_health_names_the_api_its_operations_and_credentials(interakt_fake: InteraktFake) -> None:
    answer = httpx.get(f"{interakt_fake.url}/__fake/health", timeout=5)

    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "api": "interakt",
        "operations": ["trackUser", "trackEvent"],
        "credentials": {"api_key": "test-interakt-key"},
    }
    assert interakt_fake.requests == []  # control requests are not recorded


def test_received_filters_by_path_operation_and_method(interakt_fake: InteraktFake) -> None:
    with httpx.Client(base_url=interakt_fake.url, auth=("test-interakt-key", ""), timeout=5) as client:
        client.post("/v1/public/track/users/", json={"userId": "u"})
        client.post("/v1/public/track/events/", json={"userId": "u", "event": "E"})
        client.get("/v1/public/track/events/")
        everything = client.get("/__fake/received").json()["requests"]
        events = client.get("/__fake/received", params={"path": "/v1/public/track/events/"}).json()
        by_operation = client.get("/__fake/received", params={"operation": "trackEvent"}).json()
        posts = client.get(
            "/__fake/received", params={"path": "/v1/public/track/events/", "method": "POST"}
        ).json()

    assert [(r["method"], r["status"]) for r in everything] == [("POST", 202), ("POST", 201), ("GET", 405)]
    assert [r["method"] for r in events["requests"]] == ["POST", "GET"]
    assert [r["json"] for r in by_operation["requests"]] == [{"userId": "u", "event": "E"}]
    assert posts["requests"] == by_operation["requests"]
    assert everything[0]["headers"]["authorization"].startswith("Basic ")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"action": "fail_next", "count": 1, "status": 200}, "status must be an error status"),
        ({"action": "fail_next", "status": 503}, "fail_next: "),
        ({"action": "fail_fraction", "fraction": 2, "status": 503}, "fraction must be between 0 and 1"),
        ({"action": "drop_next", "count": 1, "color": "red"}, "unexpected keyword argument 'color'"),
        ({"count": 1}, "action must be one of fail_next, fail_fraction"),
        ([1], "each fault must be a JSON object"),
    ],
)
def test_faults_refuses_what_the_python_api_refuses(
    seven_segments_fake: SevenSegmentsFake, rule: object, message: str
) -> None:
    answer = httpx.post(f"{seven_segments_fake.url}/__fake/faults", json=rule, timeout=5)

    assert answer.status_code == 400
    assert message in answer.json()["error"]


def test_faults_takes_every_python_option(seven_segments_fake: SevenSegmentsFake) -> None:
    rules = [
        {"action": "drop_next", "count": 1, "operations": ["getSystemTime"]},
        {
            "action": "fail_next",
            "count": 1,
            "status": 500,
            "body": "<h1>down</h1>",
            "content_type": "text/html",
        },
        {"action": "fail_fraction", "fraction": 1.0, "status": 429, "seed": 3, "retry_after": 2},
    ]
    with httpx.Client(base_url=seven_segments_fake.url, timeout=5) as client:
        assert client.post("/__fake/faults", json=rules).json() == {"added": 3}
        with pytest.raises(httpx.TransportError):
            client.get("/system/time")
        html = client.get("/system/time")
        limited = client.get("/system/time")
        assert client.post("/__fake/faults", json={"action": "clear"}).status_code == 200
        clear = client.get("/system/time")

    assert (html.status_code, html.headers["content-type"], html.text) == (500, "text/html", "<h1>down</h1>")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert clear.status_code == 200


def test_reset_forgets_state_requests_and_faults(interakt_fake: InteraktFake) -> None:
    with httpx.Client(base_url=interakt_fake.url, auth=("test-interakt-key", ""), timeout=5) as client:
        client.post("/v1/public/track/users/", json={"userId": "u"})
        client.post("/__fake/faults", json={"action": "fail_next", "count": 5, "status": 503})
        assert client.post("/__fake/reset").json() == {"reset": True}
        after = client.post("/v1/public/track/users/", json={"userId": "v"})

    assert after.status_code == 202
    assert [user.user_id for user in interakt_fake.users] == ["v"]


def test_seed_seven_segments_campaigns_and_analyses(seven_segments_fake: SevenSegmentsFake) -> None:
    seed = {
        "campaigns": {"Banner": "<b>hi</b>"},
        "analyses": [
            {
                "analysis_type": "report",
                "analysis_id": "r1",
                "format": "table-json",
                "result": {"success": True, "name": "R", "header": ["a"], "rows": [[1]]},
            },
        ],
    }
    with httpx.Client(base_url=seven_segments_fake.url, timeout=5) as client:
        assert client.post("/__fake/seed", json=seed).json() == {"seeded": ["analyses", "campaigns"]}
        html = client.post(
            "/campaigns/html/get",
            json={"html_campaign_name": "Banner", "company_id": "t", "customer_ids": {"registered": "r"}},
        )
        csv = client.post(
            "/analytics/report",
            json={"analysis_id": "r1", "format": "csv"},
            auth=("test-user", "test-password"),
        )
        refused = client.post("/__fake/seed", json={"customers": []})

    assert html.json() == {"success": True, "data": "<b>hi</b>"}
    assert (csv.status_code, csv.text.splitlines()) == (200, ["a", "1"])
    assert refused.status_code == 400
    assert "seeds campaigns and analyses, not customers" in refused.json()["error"]


def test_seed_attributionio_customers(attributionio_fake: AttributionFake) -> None:
    seed = {
        "customers": [
            {
                "client_id": "c1",
                "aliases": ["cookie-1"],
                "created_at": 1700000000,
                "pageviews": [{"url": "https://example.com/"}],
            }
        ]
    }
    with httpx.Client(base_url=attributionio_fake.url, timeout=5) as client:
        assert client.post("/__fake/seed", json=seed).status_code == 200
        customer = client.get(
            "/api/v1/test-public-key/customers/c1", params={"secret": "test-secret", "show_pageviews": "true"}
        )
        bad = client.post("/__fake/seed", json={"customers": [{"client_id": ""}]})

    assert customer.status_code == 200
    assert customer.json()["customer"] == {
        "client_id": "c1",
        "aliases": ["cookie-1"],
        "created_at": 1700000000,
        "pageviews": [{"url": "https://example.com/"}],
    }
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/__fake/reset", 405), ("POST", "/__fake/received", 405), ("GET", "/__fake/other", 404)],
)
def test_control_plane_routing_errors(
    interakt_fake: InteraktFake, method: str, path: str, status: int
) -> None:
    answer = httpx.request(method, f"{interakt_fake.url}{path}", timeout=5)

    assert answer.status_code == status
    assert "error" in answer.json()


def test_a_spec_with_a_path_under_the_control_plane_is_refused(tmp_path: Path) -> None:
    document = load_spec("interakt")
    document["paths"]["/__fake/health"] = document["paths"]["/v1/public/track/users/"]
    spec = tmp_path / "clash.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")

    with pytest.raises(ValueError, match="paths under /__fake/"):
        InteraktFake(spec=spec)
