"""Reading the pages: the CSRF token, the answer inputs and the question navigation."""
from __future__ import annotations

import random
from html.parser import HTMLParser

from .http_client import HttpFailure, Response

# --- reading the pages -----------------------------------------------------------------

class PageParser(HTMLParser):
    """Collects what the client needs from a page: a CSRF token, answer inputs, nav buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.csrf_token: str | None = None
        self.answer_inputs: list[dict[str, str]] = []
        self.nav_positions: list[int] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        name = attributes.get("name")
        if tag == "input" and name == "csrf_token" and self.csrf_token is None:
            # Every form of the page carries a token valid for this session; any will do.
            self.csrf_token = attributes.get("value")
        elif tag == "input" and name == "answer":
            self.answer_inputs.append(attributes)
        elif tag == "button" and name == "go" and attributes.get("value", "").isdigit():
            self.nav_positions.append(int(attributes["value"]))


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def csrf_of(response: Response) -> str:
    token = parse_page(response.body).csrf_token
    if not token:
        raise HttpFailure("no csrf_token on the page")
    return token


def pick_answer(inputs: list[dict[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Form pairs for a plausible answer: one radio, a non-empty set of checkboxes, or text."""
    if not inputs:
        raise HttpFailure("question page has no answer input")
    kind = inputs[0].get("type", "text")
    values = [i.get("value", "") for i in inputs]
    if kind == "radio":
        return [("answer", rng.choice(values))]
    if kind == "checkbox":
        return [("answer", v) for v in rng.sample(values, rng.randint(1, len(values)))]
    # Text input: numeric questions say so with inputmode; anything else gets a word.
    text = str(rng.randint(1, 100)) if inputs[0].get("inputmode") == "decimal" else "password"
    return [("answer", text)]
