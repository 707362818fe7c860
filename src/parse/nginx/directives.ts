/**
 * What the parser needs to know about directives to give nginx's own structural messages
 * (`directive "x" is not terminated by ";"`, `directive "x" has no opening "{"`, `unexpected "{"`).
 * nginx gets this from each module's command table (NGX_CONF_BLOCK, cf->handler); we keep the
 * subset of well-known directives, and say nothing about names we do not know.
 */

/** Directives that always take a block (NGX_CONF_BLOCK). `server` is handled apart: it is simple inside `upstream`. */
export const BLOCK_DIRECTIVES: ReadonlySet<string> = new Set([
  'http', 'events', 'stream', 'mail', 'location', 'upstream', 'if', 'limit_except', 'types', 'map', 'geo',
  'split_clients', 'charset_map',
]);

/**
 * Blocks whose body nginx hands to a custom handler (cf->handler) rather than to the directive
 * table: each line is data (`text/html html;`, `default 0;`, `~^/a 1;`), and a `{` inside is
 * `unexpected "{"`.
 */
export const HANDLER_BLOCKS: ReadonlySet<string> = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map', 'geoip2']);

/** nginx's own blocks whose lines are directives (not data, not a third-party module's syntax). */
export const DIRECTIVE_BLOCKS: ReadonlySet<string> = new Set(['http', 'server', 'location', 'if', 'upstream', 'events', 'stream', 'mail', 'limit_except']);

/** Block directives whose body is another language (OpenResty), kept raw. */
export function isRawBlockDirective(name: string): boolean {
  return name.endsWith('_by_lua_block') || name === 'lua_block';
}

/**
 * Simple directives (never NGX_CONF_BLOCK) common in web deployments. A `{` after one of them is
 * `directive "x" is not terminated by ";"`. The list only has to be right, not complete: a name
 * missing here is never reported.
 */
export const SIMPLE_DIRECTIVES: ReadonlySet<string> = new Set([
  // core (main, events)
  'user', 'worker_processes', 'worker_rlimit_nofile', 'worker_connections', 'pid', 'error_log', 'include', 'daemon',
  'master_process', 'load_module', 'env', 'multi_accept', 'use', 'accept_mutex', 'worker_shutdown_timeout', 'timer_resolution',
  'pcre_jit', 'worker_cpu_affinity', 'worker_priority', 'lock_file', 'thread_pool',
  // http core
  'listen', 'server_name', 'root', 'alias', 'index', 'try_files', 'return', 'rewrite', 'set', 'break', 'internal',
  'default_type', 'charset', 'sendfile', 'tcp_nopush', 'tcp_nodelay', 'keepalive_timeout', 'keepalive_requests',
  'client_max_body_size', 'client_body_buffer_size', 'client_body_timeout', 'client_header_timeout',
  'client_header_buffer_size', 'large_client_header_buffers', 'send_timeout', 'server_tokens', 'types_hash_max_size',
  'types_hash_bucket_size', 'server_names_hash_bucket_size', 'server_names_hash_max_size', 'access_log', 'log_format',
  'open_file_cache', 'error_page', 'recursive_error_pages', 'absolute_redirect', 'port_in_redirect', 'server_name_in_redirect',
  'merge_slashes', 'underscores_in_headers', 'ignore_invalid_headers', 'resolver', 'resolver_timeout', 'etag', 'expires',
  'add_header', 'add_trailer', 'autoindex', 'autoindex_exact_size', 'autoindex_localtime', 'allow', 'deny', 'satisfy',
  'auth_basic', 'auth_basic_user_file', 'auth_request', 'auth_request_set', 'real_ip_header', 'set_real_ip_from',
  'real_ip_recursive', 'stub_status', 'valid_referers', 'limit_req', 'limit_req_zone', 'limit_req_status',
  'limit_conn', 'limit_conn_zone', 'limit_conn_status', 'limit_rate', 'limit_rate_after', 'http2', 'http2_push',
  'ssi', 'sub_filter', 'sub_filter_once', 'output_buffers', 'postpone_output', 'reset_timedout_connection',
  'variables_hash_max_size', 'variables_hash_bucket_size', 'uninitialized_variable_warn',
  // gzip
  'gzip', 'gzip_types', 'gzip_proxied', 'gzip_comp_level', 'gzip_vary', 'gzip_min_length', 'gzip_disable', 'gzip_static',
  'gzip_http_version', 'gzip_buffers',
  // ssl
  'ssl_certificate', 'ssl_certificate_key', 'ssl_protocols', 'ssl_ciphers', 'ssl_prefer_server_ciphers', 'ssl_session_cache',
  'ssl_session_timeout', 'ssl_session_tickets', 'ssl_dhparam', 'ssl_ecdh_curve', 'ssl_stapling', 'ssl_stapling_verify',
  'ssl_trusted_certificate', 'ssl_client_certificate', 'ssl_verify_client', 'ssl_reject_handshake', 'ssl_buffer_size',
  'ssl_early_data', 'ssl_password_file', 'ssl_conf_command', 'ssl',
  // proxy, uwsgi, fastcgi
  'proxy_pass', 'proxy_set_header', 'proxy_redirect', 'proxy_http_version', 'proxy_buffering', 'proxy_buffers',
  'proxy_buffer_size', 'proxy_busy_buffers_size', 'proxy_read_timeout', 'proxy_connect_timeout', 'proxy_send_timeout',
  'proxy_next_upstream', 'proxy_hide_header', 'proxy_pass_header', 'proxy_cache', 'proxy_cache_path', 'proxy_cache_valid',
  'proxy_cache_key', 'proxy_intercept_errors', 'proxy_request_buffering', 'proxy_ssl_verify', 'proxy_ssl_server_name',
  'proxy_cookie_path', 'proxy_max_temp_file_size', 'proxy_temp_path', 'proxy_ignore_headers',
  'uwsgi_pass', 'uwsgi_param', 'uwsgi_read_timeout', 'uwsgi_send_timeout', 'uwsgi_buffering',
  'fastcgi_pass', 'fastcgi_param', 'fastcgi_index', 'fastcgi_split_path_info', 'fastcgi_read_timeout',
  'scgi_pass', 'grpc_pass',
  // upstream
  'keepalive', 'keepalive_timeout', 'least_conn', 'ip_hash', 'hash', 'zone',
]);

/**
 * Names that begin a new directive so reliably that finding one as the first word of a line,
 * in the middle of another directive's arguments, means a `;` is missing on the line before.
 * Left out: words that are also plausible argument values (`server`, `set`, `if`, `on`, `default`).
 */
export const LINE_START_DIRECTIVES: ReadonlySet<string> = new Set([
  'listen', 'server_name', 'root', 'alias', 'index', 'try_files', 'return', 'rewrite', 'location', 'include',
  'client_max_body_size', 'server_tokens', 'access_log', 'error_log', 'add_header', 'expires', 'autoindex',
  'keepalive_timeout', 'sendfile', 'charset', 'default_type', 'error_page', 'limit_req', 'limit_req_zone',
  'gzip', 'gzip_types', 'gzip_proxied', 'gzip_comp_level', 'gzip_vary',
  'ssl_certificate', 'ssl_certificate_key', 'ssl_protocols', 'ssl_ciphers', 'ssl_prefer_server_ciphers',
  'ssl_session_cache', 'ssl_session_timeout', 'ssl_session_tickets', 'ssl_dhparam', 'ssl_stapling', 'ssl_stapling_verify',
  'ssl_trusted_certificate', 'proxy_pass', 'proxy_set_header', 'proxy_redirect', 'proxy_http_version', 'proxy_buffering',
  'proxy_read_timeout', 'proxy_connect_timeout', 'proxy_send_timeout', 'proxy_hide_header',
  'uwsgi_pass', 'uwsgi_param', 'fastcgi_pass', 'fastcgi_param', 'worker_processes', 'worker_connections',
]);
