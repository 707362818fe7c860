"""Driver for test/urlconf-differential.test.ts: resolves paths with real Django.

argv: a directory holding the generated URLconf modules, and a JSON file
{"cases": [{"urlconf": "case0.root", "paths": ["/a/", ...]}, ...]}.
Prints {"case0.root": {"/a/": true, "/b": false, ...}, ...}: whether django.urls.resolve() finds a view.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(DEBUG=False, ROOT_URLCONF="unused", ALLOWED_HOSTS=["*"], INSTALLED_APPS=[])
django.setup()

from django.urls import Resolver404, resolve  # noqa: E402

spec = json.load(open(sys.argv[2]))
out = {}
for case in spec["cases"]:
    results = {}
    for path in case["paths"]:
        try:
            resolve(path, urlconf=case["urlconf"])
            results[path] = True
        except Resolver404:
            results[path] = False
        except Exception as e:  # a pattern Django itself rejects
            results[path] = "error: %s" % e
    out[case["urlconf"]] = results
print(json.dumps(out))
