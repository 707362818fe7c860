#!/usr/bin/env node
// Generates the benchmark monorepo: 50 Django projects, each with split settings, env files,
// nginx, systemd, gunicorn, compose, Dockerfile and Kubernetes files and a few apps of ordinary
// Python, plus a node_modules tree the audit must skip: about 20,000 files in all.
// Usage: node bench/gen-monorepo.mjs DIR [PROJECTS]   (deterministic: same input, same tree)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const out = process.argv[2];
const projects = Number(process.argv[3] ?? 50);
if (!out) {
  console.error('usage: gen-monorepo.mjs DIR [PROJECTS]');
  process.exit(2);
}

let files = 0;
function put(path, text) {
  const full = join(out, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  files++;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
put('.gitignore', 'node_modules/\n*.pyc\n/media/\n');
put('README.md', '# Company monorepo\n\nFifty services, one repository.\n');

for (let i = 0; i < projects; i++) {
  const name = `svc${String(i).padStart(2, '0')}`;
  const p = `services/${name}`;
  const port = 8000 + i;
  put(`${p}/manage.py`, `#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "${name}.settings.production")\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n`);
  put(`${p}/requirements.txt`, `Django==${i % 2 ? '4.2.16' : '5.1.4'}\ngunicorn==23.0.0\ndjango-environ==0.11.2\npsycopg[binary]==3.2.3\nredis==5.2.0\n`);
  put(`${p}/${name}/__init__.py`, '');
  put(`${p}/${name}/wsgi.py`, `import os\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${name}.settings.production")\napplication = get_wsgi_application()\n`);
  put(`${p}/${name}/urls.py`, `from django.contrib import admin\nfrom django.urls import include, path\n\nurlpatterns = [\n    path("admin/", admin.site.urls),\n    path("healthz/", include("health.urls")),\n${Array.from({ length: 8 }, (_, a) => `    path("app${a}/", include("app${a}.urls")),`).join('\n')}\n]\n`);
  put(`${p}/${name}/settings/__init__.py`, '');
  put(
    `${p}/${name}/settings/base.py`,
    `from pathlib import Path\nimport environ\n\nBASE_DIR = Path(__file__).resolve().parent.parent.parent\nenv = environ.Env(DEBUG=(bool, False))\n\nSECRET_KEY = env("DJANGO_SECRET_KEY")\nDEBUG = env("DEBUG")\nALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])\n\nINSTALLED_APPS = [\n    "django.contrib.admin",\n    "django.contrib.auth",\n    "django.contrib.contenttypes",\n    "django.contrib.sessions",\n    "django.contrib.messages",\n    "django.contrib.staticfiles",\n${Array.from({ length: 8 }, (_, a) => `    "app${a}",`).join('\n')}\n]\n\nMIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    "django.contrib.sessions.middleware.SessionMiddleware",\n    "django.middleware.common.CommonMiddleware",\n    "django.middleware.csrf.CsrfViewMiddleware",\n    "django.contrib.auth.middleware.AuthenticationMiddleware",\n    "django.contrib.messages.middleware.MessageMiddleware",\n    "django.middleware.clickjacking.XFrameOptionsMiddleware",\n]\n\nROOT_URLCONF = "${name}.urls"\nWSGI_APPLICATION = "${name}.wsgi.application"\nDATABASES = {"default": env.db("DATABASE_URL", default="postgres://localhost/${name}")}\nCACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL", default="redis://localhost:6379/0")}}\nSTATIC_URL = "static/"\nSTATIC_ROOT = BASE_DIR / "staticfiles"\nDEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n`,
  );
  put(
    `${p}/${name}/settings/production.py`,
    `from .base import *  # noqa\n\nSECURE_SSL_REDIRECT = True\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\nSESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\nSECURE_HSTS_SECONDS = ${i % 3 ? 31536000 : 3600}\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\nSECURE_HSTS_PRELOAD = True\nCONN_MAX_AGE = 60\nLOGGING = {"version": 1, "handlers": {"console": {"class": "logging.StreamHandler"}}, "root": {"handlers": ["console"], "level": "INFO"}}\nADMINS = [("Ops", "ops@example.com")]\n`,
  );
  put(`${p}/${name}/settings/local.py`, `from .base import *  # noqa\n\nDEBUG = True\nALLOWED_HOSTS = ["*"]\n`);
  put(`${p}/.env.production`, `DJANGO_SETTINGS_MODULE=${name}.settings.production\nDEBUG=off\nALLOWED_HOSTS=${name}.example.com\nDATABASE_URL=postgres://${name}:\${DB_PASSWORD}@db.internal:5432/${name}?sslmode=require\n`);
  put(`${p}/.env.example`, `DJANGO_SECRET_KEY=change-me\nDEBUG=on\n`);
  put(`${p}/deploy/nginx/${name}.conf`, `upstream ${name} {\n    server 127.0.0.1:${port};\n    keepalive 16;\n}\n\nserver {\n    listen 80;\n    server_name ${name}.example.com;\n    return 301 https://$host$request_uri;\n}\n\nserver {\n    listen 443 ssl;\n    http2 on;\n    server_name ${name}.example.com;\n    ssl_certificate /etc/letsencrypt/live/${name}/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/${name}/privkey.pem;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;\n    client_max_body_size 10m;\n\n    location /static/ {\n        alias /srv/${name}/staticfiles/;\n    }\n\n    location / {\n        proxy_pass http://${name};\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n        proxy_set_header X-Forwarded-Proto $scheme;\n    }\n}\n`);
  put(`${p}/deploy/systemd/${name}.service`, `[Unit]\nDescription=${name} gunicorn\nAfter=network-online.target\nWants=network-online.target\n\n[Service]\nType=notify\nUser=${name}\nGroup=${name}\nWorkingDirectory=/srv/${name}\nEnvironmentFile=/srv/${name}/.env.production\nExecStart=/srv/${name}/venv/bin/gunicorn ${name}.wsgi:application --bind 127.0.0.1:${port} --workers 3 --timeout 30\nRestart=on-failure\nNoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=strict\nReadWritePaths=/srv/${name}/media\n\n[Install]\nWantedBy=multi-user.target\n`);
  put(`${p}/deploy/gunicorn.conf.py`, `bind = "127.0.0.1:${port}"\nworkers = 3\ntimeout = 30\nmax_requests = 1000\nmax_requests_jitter = 50\n`);
  put(`${p}/Dockerfile`, `FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN useradd --create-home app\nUSER app\nCMD ["gunicorn", "${name}.wsgi:application", "--bind", "0.0.0.0:8000"]\n`);
  put(`${p}/.dockerignore`, `.git\n.env*\n!.env.example\nnode_modules\n`);
  put(`${p}/docker-compose.prod.yml`, `services:\n  web:\n    build: .\n    image: registry.example.com/${name}:1.${i}.0\n    env_file: .env.production\n    restart: unless-stopped\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16.4\n    restart: unless-stopped\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n`);
  put(`${p}/k8s/deployment.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers:\n        - name: web\n          image: registry.example.com/${name}:1.${i}.0\n          resources:\n            requests: {cpu: 100m, memory: 256Mi}\n            limits: {memory: 512Mi}\n          readinessProbe: {httpGet: {path: /healthz/, port: 8000}}\n          livenessProbe: {httpGet: {path: /healthz/, port: 8000}}\n          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}\n`);
  put(`${p}/health/__init__.py`, '');
  put(`${p}/health/urls.py`, 'from django.http import HttpResponse\nfrom django.urls import path\n\nurlpatterns = [path("", lambda r: HttpResponse("ok"))]\n');
  for (let a = 0; a < 8; a++) {
    const app = `${p}/app${a}`;
    put(`${app}/__init__.py`, '');
    put(`${app}/apps.py`, `from django.apps import AppConfig\n\n\nclass App${a}Config(AppConfig):\n    default_auto_field = "django.db.models.BigAutoField"\n    name = "app${a}"\n`);
    put(`${app}/models.py`, `from django.db import models\n\n\n${Array.from({ length: 4 }, (_, m) => `class Model${m}(models.Model):\n    name = models.CharField(max_length=100)\n    created = models.DateTimeField(auto_now_add=True)\n`).join('\n\n')}`);
    put(`${app}/views.py`, `from django.shortcuts import render\n\n\ndef index(request):\n    return render(request, "app${a}/index.html")\n`);
    put(`${app}/urls.py`, `from django.urls import path\n\nfrom . import views\n\nurlpatterns = [path("", views.index)]\n`);
    put(`${app}/admin.py`, 'from django.contrib import admin\n');
    put(`${app}/tests.py`, 'from django.test import TestCase\n');
    put(`${app}/migrations/__init__.py`, '');
    put(`${app}/migrations/0001_initial.py`, 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = []\n');
    put(`${app}/templates/app${a}/index.html`, '<!doctype html><title>ok</title>\n');
  }
}

// A node_modules tree the walk must skip without reading: the bulk of the file count.
const target = 20_000;
for (let k = 0; files < target; k++) {
  const pkg = `frontend/node_modules/pkg${String(k).padStart(4, '0')}`;
  put(`${pkg}/package.json`, `{"name": "pkg${k}", "version": "1.0.${k}"}\n`);
  for (let f = 0; f < 9 && files < target; f++) put(`${pkg}/lib/file${f}.js`, `module.exports = ${f};\n`);
}
put('frontend/package.json', '{"name": "frontend", "private": true}\n');
console.log(`generated ${files} files (${projects} Django projects) in ${out}`);
