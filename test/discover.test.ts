import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../src/discover/classify.js';
import { decodeBytes, readText } from '../src/discover/read.js';
import type { DiscoveredFile } from '../src/discover/types.js';
import fc from 'fast-check';
import ignore from 'ignore';
import { discover, gitignoreLiterals } from '../src/discover/walk.js';

const made: string[] = [];
afterEach(() => {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
});

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'audit-discover-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const paths = (root: string) => discover(root).files.map((f) => f.path);

describe('classify', () => {
  it.each([
    ['mysite/settings.py', 'django-settings'],
    ['mysite/settings_production.py', 'django-settings'],
    ['config/settings/production.py', 'django-settings'],
    ['config/settings/__init__.py', 'django-settings'],
    ['settings/components/base.py', 'django-settings'],
    ['myapp/production.py', 'python'],
    ['myapp/base.py', 'python'],
    ['local.py', 'python'],
    ['mysite/urls.py', 'django-urls'],
    ['mysite/wsgi.py', 'django-wsgi'],
    ['mysite/asgi.py', 'django-asgi'],
    ['manage.py', 'django-manage'],
    ['requirements.txt', 'requirements'],
    ['requirements-dev.txt', 'requirements'],
    ['dev-requirements.in', 'requirements'],
    ['requirements/production.txt', 'requirements'],
    ['requirements/base.in', 'requirements'],
    ['requirements/README.md', 'docs'],
    ['docs/notes.txt', 'other'],
    ['pyproject.toml', 'pyproject'],
    ['Pipfile', 'pipfile'],
    ['Pipfile.lock', 'pipfile-lock'],
    ['poetry.lock', 'poetry-lock'],
    ['uv.lock', 'uv-lock'],
    ['setup.py', 'setup-py'],
    ['setup.cfg', 'setup-cfg'],
    ['.env', 'dotenv'],
    ['.env.production', 'dotenv'],
    ['.env.example', 'dotenv'],
    ['deploy/production.env', 'dotenv'],
    ['env/staging.env', 'dotenv'],
    ['.envs/.production/.django', 'dotenv'],
    ['.envs/.local/.postgres', 'dotenv'],
    ['.envrc', 'other'],
    ['myapp/views.py', 'python'],
    ['Dockerfile', 'dockerfile'],
    ['docker/production/django/Dockerfile', 'dockerfile'],
    ['Dockerfile.prod', 'dockerfile'],
    ['api.Dockerfile', 'dockerfile'],
    ['docker/Dockerfile-web', 'dockerfile'],
    ['Dockerfile.j2', 'dockerfile'],
    ['Containerfile', 'dockerfile'],
    ['static/ace/snippets/dockerfile.js', 'other'],
    ['static/ace/mode/dockerfile.min.js', 'other'],
    ['docs/Dockerfile.md', 'docs'],
    ['Dockerfile.dockerignore', 'dockerignore'],
    ['web.Dockerfile.dockerignore', 'dockerignore'],
    ['.dockerignore', 'dockerignore'],
    ['docker-compose.yml', 'compose'],
    ['docker-compose.prod.yaml', 'compose'],
    ['compose.override.yml', 'compose'],
    ['production.yml', 'yaml-candidate'],
    ['k8s/deployment.yaml', 'yaml-candidate'],
    ['.github/workflows/deploy.yml', 'github-workflow'],
    ['ecosystem.config.js', 'pm2'],
    ['ecosystem.config.cjs', 'pm2'],
    ['frontend/package.json', 'package-json'],
    ['scripts/deploy.sh', 'shell-script'],
    ['bin/deploy', 'script-candidate'],
    ['infra/main.tf', 'terraform'],
    ['infra/prod.tfvars', 'terraform'],
    ['deploy/crontab', 'crontab'],
    ['docs/deploy.md', 'docs'],
    ['README.md', 'docs'],
    ['nginx.conf', 'nginx'],
    ['deploy/nginx/nginx.conf', 'nginx'],
    ['deploy/nginx/conf.d/default.conf', 'nginx'],
    ['compose/production/nginx/default.conf.template', 'nginx'],
    ['etc/nginx/sites-available/example.com', 'nginx'],
    ['etc/nginx/sites-enabled/shop', 'nginx'],
    ['etc/nginx/sites-enabled/README.md', 'docs'],
    ['deploy/shop.nginx', 'nginx'],
    ['deploy/shop_nginx.conf', 'nginx'],
    ['deploy/shop.conf', 'conf-candidate'],
    ['conf.d/app.conf', 'conf-candidate'],
    ['deploy/gunicorn.service', 'systemd-unit'],
    ['deploy/gunicorn.socket', 'systemd-unit'],
    ['deploy/backup.timer', 'systemd-unit'],
    ['deploy/gunicorn.service.d/override.conf', 'systemd-dropin'],
    ['gunicorn.conf.py', 'gunicorn-config'],
    ['config/gunicorn_conf.py', 'gunicorn-config'],
    ['deploy/gunicorn.py', 'gunicorn-config'],
    ['uwsgi.ini', 'uwsgi-config'],
    ['deploy/uwsgi/shop.ini', 'uwsgi-config'],
    ['deploy/shop.ini', 'ini-candidate'],
    ['Procfile', 'procfile'],
    ['Procfile.dev', 'procfile'],
  ])('%s -> %s', (path, kind) => {
    expect(classify(path)).toBe(kind);
  });
});

describe('.gitignore literals (the pre-test that spares the ignore library most paths)', () => {
  it('a path holding none of a file\'s literals is neither ignored nor re-included by it (random patterns and paths)', () => {
    const token = fc.constantFrom('a', 'B', 'build', 'node_modules', '.pyc', '*', '**', '?', '/', '[ab]', '[!x]', '\\*', '\\#', ' ', '.env', 'dist', 'Media', '-', '_');
    const pattern = fc.tuple(fc.constantFrom('', '!', '/', '#', '\\!'), fc.array(token, { minLength: 1, maxLength: 5 }), fc.constantFrom('', '/', ' ', '\\ ')).map(([a, b, c]) => a + b.join('') + c);
    const text = fc.array(pattern, { maxLength: 5 }).map((lines) => lines.join('\n'));
    const segment = fc.array(fc.constantFrom('a', 'b', 'B', 'build', 'node_modules', 'x.pyc', '.env', 'dist', 'media', 'MEDIA', 'sub', '-', '_', '*'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((a) => a.join('/'));
    fc.assert(
      fc.property(text, path, fc.boolean(), (gitignore, p, isDir) => {
        const literals = gitignoreLiterals(gitignore);
        if (!literals || literals.some((l) => p.toLowerCase().includes(l))) return;
        const said = ignore().add(gitignore).test(isDir ? `${p}/` : p);
        expect([said.ignored, said.unignored], `${JSON.stringify(gitignore)} ${p}`).toEqual([false, false]);
      }),
      { numRuns: 5000, seed: 23 },
    );
  });

  it('a pattern without literal text could match anything: no pre-test', () => {
    expect(gitignoreLiterals('*.pyc\n/media/\nnode_modules/\n!keep.pyc\n# note\n')).toEqual(['.pyc', 'media', 'node_modules', 'keep.pyc']);
    expect(gitignoreLiterals('*.pyc\n*\n')).toBeUndefined();
    expect(gitignoreLiterals('/**/\n')).toBeUndefined();
    expect(gitignoreLiterals('[Bb]uild/\n')).toEqual(['uild']);
  });
});

describe('discover', () => {
  it('lists files sorted with repo-relative POSIX paths, kinds and sizes', () => {
    const root = tree({ 'b.py': 'x = 1\n', 'a/settings.py': 'DEBUG = False\n', 'a.txt': 'hi' });
    const { files, notices } = discover(root);
    expect(files.map((f) => [f.path, f.kind, f.size])).toEqual([
      ['a.txt', 'other', 2],
      ['a/settings.py', 'django-settings', 14],
      ['b.py', 'python', 6],
    ]);
    expect(files[1]!.absPath).toBe(join(root, 'a', 'settings.py'));
    expect(notices).toEqual([]);
  });

  it('tells onFile of each file it lists, and of nothing it skips', () => {
    const root = tree({ 'b.py': 'x = 1\n', 'a/settings.py': 'DEBUG = False\n', 'node_modules/x/index.js': '', '.git/config': '' });
    const told: string[] = [];
    const { files } = discover(root, { onFile: (f) => told.push(f.path) });
    expect(told.sort()).toEqual(files.map((f) => f.path));
    expect(told).toEqual(['a/settings.py', 'b.py']);
  });

  it('skips VCS, caches, node_modules and virtualenvs of any name', () => {
    const root = tree({
      'manage.py': '',
      '.git/config': '',
      'node_modules/x/index.js': '',
      '__pycache__/a.pyc': '',
      '.tox/py/x.py': '',
      'venv/lib/x.py': '',
      '.venv/lib/x.py': '',
      'env/pyvenv.cfg': '',
      'env/lib/site.py': '',
      'myenv/bin/activate': '',
      'myenv/lib/x.py': '',
      'custom/pyvenv.cfg': '',
      'lib/site-packages/django/__init__.py': '',
      '.idea/workspace.xml': '',
    });
    expect(paths(root)).toEqual(['manage.py']);
  });

  it('keeps an env/ directory that is not a virtualenv', () => {
    const root = tree({ 'env/production.env': 'A=1\n' });
    expect(discover(root).files.map((f) => [f.path, f.kind])).toEqual([['env/production.env', 'dotenv']]);
  });

  it('skips dist/ and build/ output but keeps a build/ that holds deployment files', () => {
    const root = tree({
      'dist/app-1.0.tar.gz': 'x',
      'build/lib/app/settings.py': '',
      'deploy/build/Dockerfile': 'FROM python',
      'web/dist/manage.py': '',
    });
    expect(paths(root)).toEqual(['deploy/build/Dockerfile', 'web/dist/manage.py']);
  });

  it('honours root and nested .gitignore files, with negation, and counts what it skipped', () => {
    const root = tree({
      '.gitignore': '*.log\nsecret/\n.env\n',
      'app.log': '',
      'secret/key.txt': '',
      '.env': 'A=1',
      '.env.example': 'A=',
      'sub/.gitignore': 'local_*.py\n!keep.log\n',
      'sub/local_settings.py': '',
      'sub/keep.log': '',
      'sub/other.log': '',
      'other/local_x.py': '',
    });
    const { files, notices } = discover(root);
    expect(files.map((f) => f.path)).toEqual(['.env.example', '.gitignore', 'other/local_x.py', 'sub/.gitignore', 'sub/keep.log']);
    expect(notices).toEqual([{ kind: 'info', message: 'skipped 5 paths ignored by .gitignore (4 files, 1 directory)' }]);
  });

  it('honours .git/info/exclude', () => {
    const root = tree({ '.git/info/exclude': 'scratch.py\n', 'scratch.py': '', 'app.py': '' });
    expect(paths(root)).toEqual(['app.py']);
  });

  it('follows a symlink inside the root, reports one that leaves it and one that loops', () => {
    const outside = tree({ 'secret.txt': 'x' });
    const root = tree({ 'real/a.py': '', 'z.py': '' });
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    symlinkSync(outside, join(root, 'out'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'out.txt'));
    symlinkSync(root, join(root, 'real', 'loop'));
    const { files, notices } = discover(root);
    expect(files.map((f) => f.path)).toEqual(['alias/a.py', 'real/a.py', 'z.py']);
    expect(notices).toEqual([
      { kind: 'symlink', file: 'alias/loop', message: 'alias/loop: symbolic link loops back to .; not followed' },
      { kind: 'symlink', file: 'out', message: 'out: symbolic link points outside the audited tree; not followed' },
      { kind: 'symlink', file: 'out.txt', message: 'out.txt: symbolic link points outside the audited tree; not followed' },
      { kind: 'symlink', file: 'real/loop', message: 'real/loop: symbolic link loops back to .; not followed' },
    ]);
  });

  it('reports a dangling symlink as unreadable and goes on', () => {
    const root = tree({ 'a.py': '' });
    symlinkSync(join(root, 'missing.py'), join(root, 'broken.py'));
    const { files, notices } = discover(root);
    expect(files.map((f) => f.path)).toEqual(['a.py']);
    expect(notices).toEqual([
      { kind: 'unreadable', file: 'broken.py', message: 'broken.py: symbolic link cannot be resolved (ENOENT); skipped' },
    ]);
  });

  it('names a file or directory whose name is not valid UTF-8 as such, and goes on', () => {
    const root = tree({ 'a.py': '' });
    // Linux file names are bytes: 0xff never occurs in UTF-8.
    writeFileSync(Buffer.from(`${root}/.env.\xffprod`, 'latin1'), 'API_KEY=x\n');
    mkdirSync(Buffer.from(`${root}/conf\xfe`, 'latin1'));
    writeFileSync(Buffer.from(`${root}/conf\xfe/nginx.conf`, 'latin1'), 'events {}\n');
    const { files, notices } = discover(root);
    expect(files.map((f) => f.path)).toEqual(['a.py']);
    expect(notices).toEqual([
      { kind: 'unreadable', file: '.env.\ufffdprod', message: '.env.\ufffdprod: cannot be read (its name is not valid UTF-8, which cannot be opened by name here)' },
      { kind: 'unreadable', file: 'conf\ufffd', message: 'conf\ufffd: directory cannot be listed (its name is not valid UTF-8, which cannot be opened by name here)' },
    ]);
  });

  it('skips a FIFO without blocking, with a notice', () => {
    const root = tree({ 'a.py': '' });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const { files, notices } = discover(root);
    expect(files.map((f) => f.path)).toEqual(['a.py']);
    expect(notices).toEqual([{ kind: 'unreadable', file: 'pipe', message: 'pipe: not a regular file (FIFO); skipped' }]);
  });

  it('leaves out files over the size limit: a notice each when classified, a count otherwise', () => {
    const root = tree({ 'settings.py': 'x'.repeat(20), 'logo.png': 'y'.repeat(30), 'ok.py': 'z' });
    const { files, notices } = discover(root, { maxFileBytes: 10 });
    expect(files.map((f) => f.path)).toEqual(['ok.py']);
    expect(notices).toEqual([
      { kind: 'too-large', file: 'settings.py', message: 'settings.py: 20 bytes is over the 10-byte limit; skipped' },
      { kind: 'too-large', message: 'skipped 1 unclassified file over the 10-byte limit' },
    ]);
  });

  it('stops at maxFiles with a limit notice', () => {
    const root = tree({ 'a.py': '', 'b.py': '', 'c.py': '' });
    const { files, notices } = discover(root, { maxFiles: 2 });
    expect(files.map((f) => f.path)).toEqual(['a.py', 'b.py']);
    expect(notices).toEqual([{ kind: 'limit', message: 'stopped after 2 files; the rest of the tree was not audited' }]);
  });

  it('reports a missing root instead of throwing', () => {
    const { files, notices } = discover(join(tmpdir(), 'audit-no-such-dir-xyz'));
    expect(files).toEqual([]);
    expect(notices[0]!.kind).toBe('unreadable');
  });
});

describe('readText', () => {
  function fileOf(root: string, rel: string, size = 0): DiscoveredFile {
    return { path: rel, absPath: join(root, rel), kind: 'other', size };
  }

  it('decodes UTF-8 and strips a BOM', () => {
    const root = tree({ 'a.env': Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('A=é\n')]) });
    expect(readText(fileOf(root, 'a.env'))).toEqual({ text: 'A=é\n' });
  });

  it('decodes UTF-16 with a BOM', () => {
    const root = tree({ 'a.env': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('A=1', 'utf16le')]) });
    expect(readText(fileOf(root, 'a.env'))).toEqual({ text: 'A=1' });
  });

  it('falls back to Latin-1 on invalid UTF-8, with an encoding notice', () => {
    const root = tree({ 'a.py': Buffer.from([0x41, 0x3d, 0xe9, 0x0a]) });
    expect(readText(fileOf(root, 'a.py'))).toEqual({
      text: 'A=é\n',
      notice: { kind: 'encoding', file: 'a.py', message: 'a.py: not valid UTF-8; read as Latin-1' },
    });
  });

  it('decodes each file on its own: a file cut inside a UTF-8 sequence leaves nothing behind for the next', () => {
    expect(decodeBytes('a.py', Buffer.from([0x41, 0x3d, 0xe2, 0x82]))).toEqual({ text: 'A=\u00e2\u0082', notice: { kind: 'encoding', file: 'a.py', message: 'a.py: not valid UTF-8; read as Latin-1' } });
    expect(decodeBytes('b.py', Buffer.from([0xac, 0x0a]))).toEqual({ text: '\u00ac\n', notice: { kind: 'encoding', file: 'b.py', message: 'b.py: not valid UTF-8; read as Latin-1' } });
    expect(decodeBytes('c.py', Buffer.from('X = "€"\n'))).toEqual({ text: 'X = "€"\n' });
    expect(decodeBytes('d.py', Buffer.from([0xe2, 0x82]))).toEqual({ text: '\u00e2\u0082', notice: { kind: 'encoding', file: 'd.py', message: 'd.py: not valid UTF-8; read as Latin-1' } });
    expect(decodeBytes('e.py', Buffer.from([0xac]))).toEqual({ text: '\u00ac', notice: { kind: 'encoding', file: 'e.py', message: 'e.py: not valid UTF-8; read as Latin-1' } });
  });

  it('refuses binary content', () => {
    const root = tree({ 'a.bin': Buffer.from([0x41, 0x00, 0x42]) });
    expect(readText(fileOf(root, 'a.bin'))).toEqual({
      notice: { kind: 'binary', file: 'a.bin', message: 'a.bin: binary file (contains NUL bytes); skipped' },
    });
  });

  it('refuses files over the limit, by recorded size and by actual size', () => {
    const root = tree({ 'big.py': 'x'.repeat(50) });
    expect(readText(fileOf(root, 'big.py', 50), 10).notice).toEqual({
      kind: 'too-large',
      file: 'big.py',
      message: 'big.py: 50 bytes is over the 10-byte limit; skipped',
    });
    expect(readText(fileOf(root, 'big.py', 5), 10).notice?.kind).toBe('too-large');
  });

  it('reports an unreadable file without throwing', () => {
    const root = tree({});
    expect(readText(fileOf(root, 'gone.py'))).toEqual({
      notice: { kind: 'unreadable', file: 'gone.py', message: 'gone.py: cannot be read (ENOENT)' },
    });
  });
});
