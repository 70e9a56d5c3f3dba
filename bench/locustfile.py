"""A bounded load scenario against the production server (bench/load.sh runs it).

Readers (anonymous) browse the timeline page, filter the API lists, search with `q`, open
details and the article and actor pages, and export a small filtered set as CSV; curators
(token in LOAD_TOKEN) create statements and events and PATCH them. A response that is not
the expected status is a failure, so the error count means "not what a client expected".

    locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s --host http://127.0.0.1:8123

The ids, slugs and article texts it picks from are in the JSON file LOAD_CATALOGUE.
"""

from __future__ import annotations

import json
import os
import random
import uuid

from locust import HttpUser, between, task

SEARCH_WORDS = ("ceasefire", "Blinken", "hostilities", "offensive", "dialogue", "Armenia", '"military operation"')


def read_catalogue() -> dict[str, list]:
    """What to pick from, written by bench/load.sh (LOAD_CATALOGUE): reading it through the API
    here would count against the bounded run time."""
    with open(os.environ["LOAD_CATALOGUE"]) as file:
        return json.load(file)


CATALOGUE = read_catalogue()


class Reader(HttpUser):
    """An anonymous reader: pages, filtered lists, search, details, a small export."""

    weight = 4
    wait_time = between(0.2, 1.0)

    @task(3)
    def timeline_page(self):
        self.client.get("/", name="/ (timeline page)")

    @task(2)
    def timeline_page_filtered(self):
        self.client.get(f"/?escalation={random.choice(CATALOGUE['escalations'])}", name="/?escalation=")

    @task(3)
    def events_filtered(self):
        params = {"escalation": random.choice(CATALOGUE["escalations"]), "date_from": "2020-01-01", "page_size": 20}
        self.client.get("/api/events/", params=params, name="/api/events/?escalation&date_from")

    @task(3)
    def statements_by_speaker(self):
        params = {"speaker": random.choice(CATALOGUE["actors"]), "page_size": 20}
        self.client.get("/api/statements/", params=params, name="/api/statements/?speaker")

    @task(2)
    def full_text(self):
        self.client.get("/api/timeline/", params={"q": random.choice(SEARCH_WORDS)}, name="/api/timeline/?q")

    @task(2)
    def statement_search(self):
        self.client.get("/api/statements/", params={"q": random.choice(SEARCH_WORDS)}, name="/api/statements/?q")

    @task(3)
    def details(self):
        self.client.get(f"/api/events/{random.choice(CATALOGUE['events'])}/", name="/api/events/{id}/")
        self.client.get(f"/api/statements/{random.choice(CATALOGUE['statements'])}/", name="/api/statements/{id}/")

    @task(1)
    def article_page(self):
        self.client.get(f"/articles/{random.choice(CATALOGUE['articles'])[0]}/", name="/articles/{id}/")

    @task(1)
    def actor_page(self):
        self.client.get(f"/actors/{random.choice(CATALOGUE['actor_ids'])}/", name="/actors/{id}/")

    @task(1)
    def export_small_csv(self):
        params = {"format": "csv", "speaker": random.choice(CATALOGUE["actors"]), "date_from": "2023-01-01"}
        name = "/api/statements/?format=csv"
        with self.client.get(
            "/api/statements/", params=params, name=name, stream=True, catch_response=True
        ) as response:
            body = response.content  # read the streamed export to its end
            if response.status_code != 200 or not body.startswith(b"event_date,"):
                response.failure(f"export: {response.status_code} {body[:100]!r}")


class Curator(HttpUser):
    """A curator with a token: creates statements and events, then edits them."""

    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {os.environ['LOAD_TOKEN']}"
        self.mine: list[tuple[str, int]] = []

    def _expect(self, response, status: int):
        if response.status_code != status:
            response.failure(f"{response.status_code}: {response.text[:300]}")
        return response

    @task(2)
    def create_statement(self):
        article_id, body = random.choice(CATALOGUE["articles"])
        # A span cut out of the article (the triggers check quote == body[start:end]).
        start = random.randrange(0, len(body) - 200)
        end = start + random.randint(20, 150)
        payload = {
            "ref": f"load-{uuid.uuid4().hex}",
            "article": article_id,
            "speaker": random.choice(CATALOGUE["actors"]),
            "quote": body[start:end],
            "start": start,
            "end": end,
            "kind": "reported",
            "cameo": "010",
            "said_on": "2023-09-19",
            "notes": "load test",
        }
        name = "POST /api/statements/"
        with self.client.post("/api/statements/", json=payload, name=name, catch_response=True) as response:
            if self._expect(response, 201).status_code == 201:
                self.mine.append(("statements", response.json()["id"]))

    @task(2)
    def create_event(self):
        payload = {
            "slug": f"load-{uuid.uuid4().hex}",
            "title": "Load-test clash",
            "type": "190",
            "start_date": "2023-09-19",
            "location": "Stepanakert",
            "participants": [{"actor": random.choice(CATALOGUE["actors"]), "role": "initiator"}],
        }
        with self.client.post("/api/events/", json=payload, name="POST /api/events/", catch_response=True) as response:
            if self._expect(response, 201).status_code == 201:
                self.mine.append(("events", response.json()["id"]))

    @task(3)
    def patch_mine(self):
        if not self.mine:
            return
        resource, pk = random.choice(self.mine)
        changes = {"notes": f"checked {uuid.uuid4().hex[:8]}"}
        if resource == "events":
            changes["fatalities"] = random.randint(0, 50)
        name = f"PATCH /api/{resource}/{{id}}/"
        with self.client.patch(f"/api/{resource}/{pk}/", json=changes, name=name, catch_response=True) as response:
            self._expect(response, 200)
