"""Driving the signalement pages as a person would."""

import io

from tests.conftest import csrf_token


def new_draft(client, *, anomaly_type="wrong_earnings", query="", **fields):
    page = client.get(f"/mes-demandes/nouvelle/{anomaly_type}{query}")
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_token(page.text), **fields}
    response = client.post(f"/mes-demandes/nouvelle/{anomaly_type}{query}", data=data)
    return response


def draft_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def upload(client, signalement_id: int, content: bytes, name: str = "bulletin.pdf", kind="Autre document", **extra):
    page = client.get(f"/mes-demandes/{signalement_id}")
    data = {
        "csrf_token": csrf_token(page.text),
        "kind": kind,
        "file": (io.BytesIO(content), name),
        **extra,
    }
    return client.post(f"/mes-demandes/{signalement_id}/pieces", data=data, content_type="multipart/form-data")


def post_form(client, signalement_id: int, action: str, **fields):
    page = client.get(f"/mes-demandes/{signalement_id}")
    return client.post(f"/mes-demandes/{signalement_id}/{action}", data={"csrf_token": csrf_token(page.text), **fields})
