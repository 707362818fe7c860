"""Run real Django's deployment checks over many generated settings modules, once per interpreter.

Usage:
    python run_django_checks.py --version
    python run_django_checks.py MANIFEST.json [--jobs N]

MANIFEST.json is a list of {"case": str, "dir": str, "settings": str, "env": {str: str}}.
For each case one JSON line goes to stdout:
    {"case": ..., "ids": [...], "error": null | "<exception text>"}
`ids` holds every security.* and 4_0.* check id Django reports, without the ones the case's
SILENCED_SYSTEM_CHECKS silences (exactly as `manage.py check` hides them). The caller filters them
down to the checks it mirrors.

Each case runs in a forked child so that settings, the app registry and sys.modules start clean;
Django itself and the modules that do not touch settings at import time are imported once in the
parent so each child only pays for django.setup().
"""

import importlib
import json
import os
import sys
import traceback

REPORTED_PREFIXES = ("security.", "4_0.")

# Imported before forking: none of these read settings at import time (checked on 3.2), so they are
# safe to share; a module that fails to import here is simply left to the child.
PRELOAD = (
    "django.core.checks",
    "django.db.models",
    "django.urls",
    "django.template",
    "django.contrib.admin",
    "django.contrib.sessions.middleware",
    "django.middleware.security",
    "django.contrib.staticfiles.checks",
)


def preload():
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:
            pass


def run_case(case):
    """In the child: configure the environment, set Django up, run the checks, return the result dict."""
    os.environ.clear()
    os.environ.update(case.get("env", {}))
    os.environ["DJANGO_SETTINGS_MODULE"] = case["settings"]
    sys.path.insert(0, case["dir"])
    import django
    from django.core import checks

    try:
        django.setup()
    except Exception:
        return {"case": case["case"], "ids": [], "error": last_exception_text()}
    try:
        issues = checks.run_checks(include_deployment_checks=True)
    except Exception:
        return {"case": case["case"], "ids": [], "error": "run_checks failed: " + last_exception_text()}
    ids = sorted({i.id for i in issues if i.id and i.id.startswith(REPORTED_PREFIXES) and not i.is_silenced()})
    return {"case": case["case"], "ids": ids, "error": None}


def last_exception_text():
    etype, value, _ = sys.exc_info()
    lines = traceback.format_exception_only(etype, value)
    return "".join(lines).strip()


def fork_case(case):
    """Start one child for a case; return (pid, read end of its result pipe)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        code = 0
        try:
            result = run_case(case)
        except BaseException:
            result = {"case": case["case"], "ids": [], "error": "driver failure: " + last_exception_text()}
            code = 1
        with os.fdopen(write_fd, "w") as out:
            out.write(json.dumps(result))
        os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def collect(case, pid, read_fd):
    with os.fdopen(read_fd) as stream:
        text = stream.read()
    _, status = os.waitpid(pid, 0)
    if text:
        return json.loads(text)
    return {"case": case["case"], "ids": [], "error": "child exited without a result (wait status %d)" % status}


def run_all(cases, jobs):
    """Run cases with at most `jobs` children at once; results are printed in manifest order."""
    results = {}
    running = []
    pending = list(cases)
    while pending or running:
        while pending and len(running) < jobs:
            case = pending.pop(0)
            pid, fd = fork_case(case)
            running.append((case, pid, fd))
        case, pid, fd = running.pop(0)
        results[case["case"]] = collect(case, pid, fd)
    for case in cases:
        print(json.dumps(results[case["case"]]), flush=True)


def parse_jobs(argv):
    if "--jobs" in argv:
        return max(1, int(argv[argv.index("--jobs") + 1]))
    return max(1, os.cpu_count() or 1)


def main(argv):
    if argv[1:2] == ["--version"]:
        import django

        print(django.get_version())
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    preload()
    run_all(cases, parse_jobs(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
