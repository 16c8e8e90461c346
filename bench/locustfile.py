"""The load scenario bench/load.py runs: employees, managers and HR at work.

Each simulated person takes a signed-in session that bench/load.py prepared
(file in LOAD_SESSIONS), so the test measures pages, not password hashing.
Redirects are failures: a page that sends someone to the login form is broken.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import HttpUser, between, task

with open(os.environ["LOAD_SESSIONS"], encoding="utf-8") as source:
    POOL: dict[str, list[dict[str, Any]]] = json.load(source)


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.me = random.choice(POOL[self.role])
        self.client.cookies.set("sessionid", self.me["session"])

    def visit(self, url: str, name: str) -> None:
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")


class Employee(Person):
    weight = 6
    role = "employee"

    @task(3)
    def home(self) -> None:
        self.visit("/", "home")

    @task(3)
    def my_objectives(self) -> None:
        self.visit("/objectives/", "my objectives")

    @task(2)
    def my_tables(self) -> None:
        self.visit("/reviews/", "my review tables")

    @task(2)
    def my_table(self) -> None:
        self.visit(f"/reviews/{self.me['table']}/", "review table")

    @task(1)
    def notifications(self) -> None:
        self.visit("/accounts/notifications/", "notifications")


class Manager(Person):
    weight = 3
    role = "manager"

    @task(3)
    def team(self) -> None:
        self.visit("/team/", "team")

    @task(2)
    def overview(self) -> None:
        self.visit("/coaching/overview/", "coaching overview")

    @task(2)
    def to_review(self) -> None:
        self.visit("/reviews/to-review/?all=1", "to review")

    @task(2)
    def timeline(self) -> None:
        self.visit(f"/coaching/people/{random.choice(self.me['reports'])}/timeline/", "timeline")

    @task(1)
    def dashboard(self) -> None:
        self.visit("/reviews/dashboard/", "team dashboard")


class HR(Person):
    weight = 1
    role = "hr"

    @task(3)
    def dashboard(self) -> None:
        self.visit("/reviews/dashboard/?month=2026-10", "HR dashboard")

    @task(1)
    def export_page(self) -> None:
        self.visit("/reviews/export/", "export page")

    @task(1)
    def org_chart(self) -> None:
        self.visit("/accounts/org/", "org chart")

    @task(1)
    def jobs(self) -> None:
        self.visit("/reviews/jobs/", "jobs status")
