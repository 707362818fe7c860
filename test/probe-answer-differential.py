"""Driver for test/probe-answer-differential.test.ts: what real Django answers a health probe.

argv: a directory holding the generated case packages, and a JSON file
{"cases": [{"name": "case0", "settings": {...}, "requests": [{"path": "/health", "host": "localhost:8000"}]}]}.
Each case's settings are applied with override_settings (ROOT_URLCONF = "<case>.urls") and the
requests sent through django.test.Client over plain HTTP. Prints
{"case0": [{"status": 301, "location": "https://..."}, ...], ...}.
"""
import json
import logging
import sys

sys.path.insert(0, sys.argv[1])

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DEBUG=False,
    ROOT_URLCONF="unused",
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    SECRET_KEY="differential-test-only",
)
django.setup()
logging.disable(logging.CRITICAL)

from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import clear_url_caches  # noqa: E402

spec = json.load(open(sys.argv[2]))
out = {}
for case in spec["cases"]:
    answers = []
    with override_settings(ROOT_URLCONF=case["name"] + ".urls", **case["settings"]):
        clear_url_caches()
        client = Client(raise_request_exception=False)
        for r in case["requests"]:
            response = client.get(r["path"], HTTP_HOST=r["host"])
            answers.append({"status": response.status_code, "location": response.get("Location")})
    out[case["name"]] = answers
print(json.dumps(out))
