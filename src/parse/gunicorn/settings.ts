/**
 * gunicorn's settings as `gunicorn/config.py` declares them (gunicorn 20.1 to 23): the name used in
 * a config file, the command-line spellings, how argparse stores the option, and the value type.
 * Defaults that depend on the environment (bind with PORT, workers with WEB_CONCURRENCY,
 * forwarded_allow_ips with FORWARDED_ALLOW_IPS) are described in `envDefault`.
 */
export type GunicornAction = 'store' | 'append' | 'store_true' | 'store_const_false';
export type GunicornType = 'int' | 'str' | 'bool' | 'list' | 'dict' | 'callable';

export interface GunicornSetting {
  name: string;
  cli: string[];
  action: GunicornAction;
  type: GunicornType;
  /** The default as a plain value (undefined = None / computed at run time). */
  default?: string | number | boolean | string[];
  /** A default that an environment variable overrides. */
  envDefault?: { variable: string; describe: string };
}

const S = (name: string, cli: string[], type: GunicornType, def?: GunicornSetting['default'], action: GunicornAction = 'store'): GunicornSetting => {
  const s: GunicornSetting = { name, cli, action, type };
  if (def !== undefined) s.default = def;
  return s;
};
const FLAG = (name: string, cli: string[], def = false): GunicornSetting => ({ name, cli, action: 'store_true', type: 'bool', default: def });

export const GUNICORN_SETTINGS: readonly GunicornSetting[] = [
  S('config', ['-c', '--config'], 'str', './gunicorn.conf.py'),
  S('wsgi_app', [], 'str'),
  { name: 'bind', cli: ['-b', '--bind'], action: 'append', type: 'list', default: ['127.0.0.1:8000'], envDefault: { variable: 'PORT', describe: "['0.0.0.0:$PORT'] when PORT is set" } },
  S('backlog', ['--backlog'], 'int', 2048),
  { name: 'workers', cli: ['-w', '--workers'], action: 'store', type: 'int', default: 1, envDefault: { variable: 'WEB_CONCURRENCY', describe: 'WEB_CONCURRENCY when it is set' } },
  S('worker_class', ['-k', '--worker-class'], 'str', 'sync'),
  S('threads', ['--threads'], 'int', 1),
  S('worker_connections', ['--worker-connections'], 'int', 1000),
  S('max_requests', ['--max-requests'], 'int', 0),
  S('max_requests_jitter', ['--max-requests-jitter'], 'int', 0),
  S('timeout', ['-t', '--timeout'], 'int', 30),
  S('graceful_timeout', ['--graceful-timeout'], 'int', 30),
  S('keepalive', ['--keep-alive'], 'int', 2),
  S('limit_request_line', ['--limit-request-line'], 'int', 4094),
  S('limit_request_fields', ['--limit-request-fields'], 'int', 100),
  S('limit_request_field_size', ['--limit-request-field_size'], 'int', 8190),
  FLAG('reload', ['--reload']),
  S('reload_engine', ['--reload-engine'], 'str', 'auto'),
  S('reload_extra_files', ['--reload-extra-file'], 'list', [], 'append'),
  FLAG('spew', ['--spew']),
  FLAG('check_config', ['--check-config']),
  FLAG('print_config', ['--print-config']),
  FLAG('preload_app', ['--preload']),
  { name: 'sendfile', cli: ['--no-sendfile'], action: 'store_const_false', type: 'bool' },
  FLAG('reuse_port', ['--reuse-port']),
  S('chdir', ['--chdir'], 'str'),
  FLAG('daemon', ['-D', '--daemon']),
  S('raw_env', ['-e', '--env'], 'list', [], 'append'),
  S('pidfile', ['-p', '--pid'], 'str'),
  S('worker_tmp_dir', ['--worker-tmp-dir'], 'str'),
  S('user', ['-u', '--user'], 'str'),
  S('group', ['-g', '--group'], 'str'),
  S('umask', ['-m', '--umask'], 'int', 0),
  FLAG('initgroups', ['--initgroups']),
  S('tmp_upload_dir', [], 'str'),
  S('secure_scheme_headers', [], 'dict'),
  { name: 'forwarded_allow_ips', cli: ['--forwarded-allow-ips'], action: 'store', type: 'list', default: ['127.0.0.1', '::1'], envDefault: { variable: 'FORWARDED_ALLOW_IPS', describe: 'FORWARDED_ALLOW_IPS when it is set' } },
  S('accesslog', ['--access-logfile'], 'str'),
  FLAG('disable_redirect_access_to_syslog', ['--disable-redirect-access-to-syslog']),
  S('access_log_format', ['--access-logformat'], 'str'),
  S('errorlog', ['--error-logfile', '--log-file'], 'str', '-'),
  S('loglevel', ['--log-level'], 'str', 'info'),
  FLAG('capture_output', ['--capture-output']),
  S('logger_class', ['--logger-class'], 'str', 'gunicorn.glogging.Logger'),
  S('logconfig', ['--log-config'], 'str'),
  S('logconfig_dict', [], 'dict'),
  S('logconfig_json', ['--log-config-json'], 'str'),
  S('syslog_addr', ['--log-syslog-to'], 'str'),
  FLAG('syslog', ['--log-syslog']),
  S('syslog_prefix', ['--log-syslog-prefix'], 'str'),
  S('syslog_facility', ['--log-syslog-facility'], 'str', 'user'),
  FLAG('enable_stdio_inheritance', ['-R', '--enable-stdio-inheritance']),
  S('statsd_host', ['--statsd-host'], 'str'),
  S('dogstatsd_tags', ['--dogstatsd-tags'], 'str', ''),
  S('statsd_prefix', ['--statsd-prefix'], 'str', ''),
  S('proc_name', ['-n', '--name'], 'str'),
  S('pythonpath', ['--pythonpath'], 'str'),
  S('paste', ['--paste', '--paster'], 'str'),
  FLAG('proxy_protocol', ['--proxy-protocol']),
  S('proxy_allow_ips', ['--proxy-allow-from'], 'list', ['127.0.0.1']),
  S('keyfile', ['--keyfile'], 'str'),
  S('certfile', ['--certfile'], 'str'),
  S('ssl_version', ['--ssl-version'], 'str'),
  S('cert_reqs', ['--cert-reqs'], 'int', 0),
  S('ca_certs', ['--ca-certs'], 'str'),
  FLAG('suppress_ragged_eofs', ['--suppress-ragged-eofs'], true),
  FLAG('do_handshake_on_connect', ['--do-handshake-on-connect']),
  S('ciphers', ['--ciphers'], 'str'),
  S('raw_paste_global_conf', ['--paste-global'], 'list', [], 'append'),
  FLAG('strip_header_spaces', ['--strip-header-spaces']),
  FLAG('permit_unconventional_http_method', ['--permit-unconventional-http-method']),
  FLAG('permit_unconventional_http_version', ['--permit-unconventional-http-version']),
  FLAG('casefold_http_method', ['--casefold-http-method']),
  S('header_map', ['--header-map'], 'str', 'drop'),
  S('forwarder_headers', ['--forwarder-headers'], 'str'),
  // Server hooks: config-file only.
  ...['on_starting', 'on_reload', 'when_ready', 'pre_fork', 'post_fork', 'post_worker_init', 'worker_int', 'worker_abort', 'pre_exec', 'pre_request', 'post_request', 'child_exit', 'worker_exit', 'nworkers_changed', 'on_exit', 'ssl_context'].map((n) => S(n, [], 'callable')),
];

export const GUNICORN_BY_NAME: ReadonlyMap<string, GunicornSetting> = new Map(GUNICORN_SETTINGS.map((s) => [s.name, s]));

export const GUNICORN_BY_FLAG: ReadonlyMap<string, GunicornSetting> = new Map(GUNICORN_SETTINGS.flatMap((s) => s.cli.map((f) => [f, s] as const)));
