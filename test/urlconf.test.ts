import { describe, expect, it } from 'vitest';
import { parsePython } from '../src/parse/python.js';
import { pythonRegex, readUrlConf, resolvePath, routeToRegex, type UrlConfModule } from '../src/model/urlconf.js';

/** A URLconf from in-memory modules (dotted name -> source). */
function conf(modules: Record<string, string>, root = 'shop.urls'): UrlConfModule {
  const files = new Map(Object.entries(modules).map(([m, text]) => [`${m.split('.').join('/')}.py`, text]));
  const c = readUrlConf(root, {
    fileOf: (m) => (files.has(`${m.split('.').join('/')}.py`) ? `${m.split('.').join('/')}.py` : undefined),
    python: (f) => (files.has(f) ? parsePython(f, files.get(f)!) : undefined),
  });
  if (!c) throw new Error('no conf');
  return c;
}

const prod = { debug: false };
const kind = (c: UrlConfModule, path: string, opts = prod) => resolvePath(c, path, opts).kind;

describe('path() routes', () => {
  it('matches literal routes exactly, with and without the trailing slash', () => {
    const c = conf({ 'shop.urls': `from django.urls import path\nfrom . import views\nurlpatterns = [\n    path('healthz/', views.health),\n    path('', views.home),\n]\n` });
    expect(kind(c, '/healthz/')).toBe('match');
    expect(kind(c, '/healthz')).toBe('none');
    expect(kind(c, '/')).toBe('match');
    expect(kind(c, '/healthz/x')).toBe('none');
    expect(kind(c, '/healthz/?full=1')).toBe('match');
  });

  it('applies the built-in converters', () => {
    const c = conf({ 'shop.urls': `urlpatterns = [path('items/<int:pk>/', v), path('p/<slug:s>', v), path('f/<path:rest>', v), path('u/<uuid:id>/', v), path('s/<name>/', v)]` });
    expect(kind(c, '/items/12/')).toBe('match');
    expect(kind(c, '/items/ab/')).toBe('none');
    expect(kind(c, '/p/a-b_c')).toBe('match');
    expect(kind(c, '/f/a/b/c')).toBe('match');
    expect(kind(c, '/u/0b7e5f9c-1f7a-4c1e-9d8e-6f1a2b3c4d5e/')).toBe('match');
    expect(kind(c, '/u/not-a-uuid/')).toBe('none');
    expect(kind(c, '/s/x/')).toBe('match');
    expect(kind(c, '/s/x/y/')).toBe('none');
  });

  it('a custom converter makes a path it might match unknown', () => {
    const c = conf({ 'shop.urls': `urlpatterns = [path('y/<yyyy:year>/', v), path('health/', v)]` });
    expect(kind(c, '/y/2024/')).toBe('unknown');
    expect(kind(c, '/health/')).toBe('match');
  });

  it('escapes regex characters in literal parts', () => {
    expect(routeToRegex('a.b/', true)!.test('axb/')).toBe(false);
    expect(routeToRegex('a.b/', true)!.test('a.b/')).toBe(true);
  });
});

describe('re_path() and url()', () => {
  it('searches patterns as written and fullmatches endpoints ending with $', () => {
    const c = conf({ 'shop.urls': `urlpatterns = [re_path(r'^health/?$', v), url(r'^ping', v), re_path(r'status$', v)]` });
    expect(kind(c, '/health')).toBe('match');
    expect(kind(c, '/health/')).toBe('match');
    expect(kind(c, '/pingpong')).toBe('match');
    expect(kind(c, '/status')).toBe('match');
    // fullmatch: Django does not search an endpoint pattern ending with $
    expect(kind(c, '/x/status')).toBe('none');
    expect(kind(c, '/nothing')).toBe('none');
  });

  it('reads named groups and refuses constructs it cannot translate', () => {
    expect(pythonRegex('^(?P<pk>[0-9]+)/$')!.test('12/')).toBe(true);
    expect(pythonRegex('(?i)^health$')!.test('HEALTH')).toBe(true);
    expect(pythonRegex('^a(?P=x)')).toBeUndefined();
    expect(pythonRegex('(?x) a b')).toBeUndefined();
    expect(pythonRegex('^health\\Z')!.test('health')).toBe(true);
  });
});

describe('include()', () => {
  it('follows include chains with their prefixes', () => {
    const c = conf({
      'shop.urls': `from django.urls import include, path\nurlpatterns = [path('ops/', include('ops.urls')), path('api/v<int:version>/', include('api.urls'))]`,
      'ops.urls': `urlpatterns = [path('health/', v), path('deep/', include(('ops.deep', 'deep')))]`,
      'ops.deep': `urlpatterns = [re_path(r'^ready$', v)]`,
      'api.urls': `urlpatterns = [path('status/', v)]`,
    });
    expect(kind(c, '/ops/health/')).toBe('match');
    expect(kind(c, '/health/')).toBe('none');
    expect(kind(c, '/ops/deep/ready')).toBe('match');
    expect(kind(c, '/api/v2/status/')).toBe('match');
    expect(kind(c, '/api/vx/status/')).toBe('none');
  });

  it('an include of an unknown module or of admin.site.urls is unknown only under its prefix', () => {
    const c = conf({ 'shop.urls': `urlpatterns = [path('admin/', admin.site.urls), path('pay/', include('thirdparty.urls'))]` });
    expect(kind(c, '/admin/health/')).toBe('unknown');
    expect(kind(c, '/pay/x')).toBe('unknown');
    expect(kind(c, '/health/')).toBe('none');
  });

  it('follows inline lists and module-level lists', () => {
    const c = conf({ 'shop.urls': `extra = [path('ready/', v)]\nurlpatterns = [path('k/', include([path('live/', v)]))] + extra\nurlpatterns += [path('a/', v)]\nurlpatterns.append(path('b/', v))` });
    expect(kind(c, '/k/live/')).toBe('match');
    expect(kind(c, '/ready/')).toBe('match');
    expect(kind(c, '/a/')).toBe('match');
    expect(kind(c, '/b/')).toBe('match');
    expect(kind(c, '/c/')).toBe('none');
  });

  it('a catch-all include of an unresolvable module makes every path unknown', () => {
    const c = conf({ 'shop.urls': `urlpatterns = [path('', include('wagtail.urls'))]` });
    expect(kind(c, '/health/')).toBe('unknown');
  });
});

describe('what production does not see, and what cannot be read', () => {
  it('routes under if settings.DEBUG count only when DEBUG is on', () => {
    const c = conf({ 'shop.urls': `urlpatterns = [path('a/', v)]\nif settings.DEBUG:\n    urlpatterns += [path('health/', v)]\n` });
    expect(kind(c, '/health/', { debug: false })).toBe('none');
    expect(kind(c, '/health/', { debug: true })).toBe('match');
    expect(kind(c, '/health/', { debug: undefined } as never)).toBe('unknown');
  });

  it('routes under another condition are unknown when they match', () => {
    const c = conf({ 'shop.urls': `urlpatterns = [path('a/', v)]\nif FEATURE:\n    urlpatterns.append(path('health/', v))\n` });
    expect(kind(c, '/health/')).toBe('unknown');
    expect(kind(c, '/other/')).toBe('none');
  });

  it('static() adds nothing in production; i18n_patterns and dynamic lists are unknown', () => {
    const s = conf({ 'shop.urls': `urlpatterns = [path('a/', v)] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)` });
    expect(kind(s, '/health/')).toBe('none');
    const i = conf({ 'shop.urls': `urlpatterns = [path('a/', v)]\nurlpatterns += i18n_patterns(path('health/', v))` });
    expect(kind(i, '/en/health/')).toBe('unknown');
    const d = conf({ 'shop.urls': `urlpatterns = [path(p, v) for p in PATHS]` });
    expect(kind(d, '/health/')).toBe('unknown');
    const r = conf({ 'shop.urls': `urlpatterns = [path('a/', v), *router.urls]` });
    expect(kind(r, '/health/')).toBe('unknown');
  });

  it('a module without urlpatterns, or with a syntax error, is unknown', () => {
    expect(kind(conf({ 'shop.urls': `from other.urls import *\n` }), '/health/')).toBe('unknown');
    expect(kind(conf({ 'shop.urls': `urlpatterns = [path('a/', v)\n` }), '/health/')).toBe('unknown');
  });
});

describe('urlpatterns extended before it is assigned', () => {
  it('treats the imported base as unknown', () => {
    const c = conf({ 'shop.urls': `from shop.base_urls import *\nurlpatterns += [path('extra/', v)]\n` });
    expect(kind(c, '/extra/')).toBe('match');
    expect(kind(c, '/health/')).toBe('unknown');
    const a = conf({ 'shop.urls': `from shop.base_urls import urlpatterns\nurlpatterns.append(path('extra/', v))\n` });
    expect(kind(a, '/health/')).toBe('unknown');
  });
});

describe('route parameters as Django finds them', () => {
  it('reads <type:name>, <name>, and odd forms like Django\'s regex', () => {
    expect(routeToRegex('a/<int:pk>/', true)!.source).toBe(routeToRegex('a/<int:pk>/', true)!.source);
    expect(routeToRegex('a/<int:pk>/', true)!.test('a/12/')).toBe(true);
    // `<int:>`: no converter group (its name would be empty), so the parameter is "int:" with the str converter.
    expect(routeToRegex('a/<int:>/', true)!.test('a/x/')).toBe(true);
    // `<:x>`: a parameter named ":x" (str).
    expect(routeToRegex('<:x>', true)!.test('abc')).toBe(true);
    // `<>` is literal; `<a<b>` is one parameter.
    expect(routeToRegex('<>x', true)!.test('<>x')).toBe(true);
    expect(routeToRegex('<a<b>/', true)!.test('zz/')).toBe(true);
    // Unclosed `<` stays literal, and a long run of them is read quickly.
    expect(routeToRegex('a<b', true)!.test('a<b')).toBe(true);
    const t = Date.now();
    routeToRegex('< '.repeat(50_000), true);
    expect(Date.now() - t).toBeLessThan(1000);
  });
});
