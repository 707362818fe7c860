import { describe, expect, it } from 'vitest';
import { makeSourceText } from '../src/core/source.js';
import { confAuth } from '../src/model/deployment/backing.js';
import { lastDirective, looksLikeRedisConf, parseRedisConf, splitArgs } from '../src/parse/redis-conf.js';

const at = (s: { start: { line: number; column: number }; end: { line: number; column: number } }) => `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`;
const conf = (text: string, path = 'deploy/redis/redis.conf') => parseRedisConf(makeSourceText(path, text));

describe('redis.conf reader', () => {
  it('reads directives with positions; comments and blank lines skipped; names lower-cased', () => {
    const c = conf(['# Redis for the shop', '', 'bind 127.0.0.1 -::1', '  Port 6380', 'requirepass "s3cret pass"  ', 'appendonly yes'].join('\n'));
    expect(c.problems).toEqual([]);
    expect(c.directives.map((d) => d.name)).toEqual(['bind', 'port', 'requirepass', 'appendonly']);
    const bind = c.directives[0]!;
    expect(bind.args.map((a) => a.value)).toEqual(['127.0.0.1', '-::1']);
    expect(at(bind.args[1]!.span)).toBe('3:16-3:20');
    const port = c.directives[1]!;
    expect(at(port.nameSpan)).toBe('4:3-4:7');
    expect(at(port.span)).toBe('4:3-4:12');
    const rp = c.directives[2]!;
    expect(rp.args[0]).toMatchObject({ value: 's3cret pass', quoted: true });
    // The quotes are part of the argument's span.
    expect(at(rp.args[0]!.span)).toBe('5:13-5:26');
    expect(at(rp.span)).toBe('5:1-5:26');
  });

  it('splits arguments as sdssplitargs does: escapes in double quotes, \\\' in single quotes, # inside a line kept', () => {
    expect(splitArgs('requirepass "a\\"b\\x41\\n"')).toMatchObject({ words: [{ value: 'requirepass' }, { value: 'a"bA\n' }] });
    expect(splitArgs("requirepass 'it\\'s'")).toMatchObject({ words: [{ value: 'requirepass' }, { value: "it's" }] });
    expect(splitArgs("requirepass 'a\\nb'")).toMatchObject({ words: [{ value: 'requirepass' }, { value: 'a\\nb' }] });
    expect(splitArgs('requirepass abc#def')).toMatchObject({ words: [{ value: 'requirepass' }, { value: 'abc#def' }] });
    expect(splitArgs('user default on >pw ~* +@all')).toMatchObject({ words: [{ value: 'user' }, { value: 'default' }, { value: 'on' }, { value: '>pw' }, { value: '~*' }, { value: '+@all' }] });
  });

  it('makes a located problem of unbalanced quotes (redis-server refuses the file) and reads on', () => {
    const c = conf(['requirepass "open', 'requirepass "closed"x', 'port 6379'].join('\n'));
    expect(c.problems.map((p) => [at(p.span), p.message])).toEqual([
      ['1:1-1:18', 'unbalanced double quote: redis-server refuses to start on this line'],
      ['2:1-2:22', 'unbalanced quotes (a closing double quote must be followed by a space): redis-server refuses to start on this line'],
    ]);
    expect(c.directives.map((d) => d.name)).toEqual(['port']);
  });

  it('never throws on binary, CRLF, huge or empty input', () => {
    expect(conf('').directives).toEqual([]);
    expect(conf('\u0000\u0001\uFFFD "\'\\').problems.length).toBe(1);
    const crlf = conf('port 6379\r\nrequirepass x\r\n');
    expect(crlf.directives.map((d) => `${d.name}=${d.args[0]!.value}`)).toEqual(['port=6379', 'requirepass=x']);
    expect(at(crlf.directives[1]!.span)).toBe('2:1-2:14');
    const huge = conf(`requirepass ${'a'.repeat(70_000)}\nport 1`);
    expect(huge.problems).toHaveLength(1);
    expect(huge.directives.map((d) => d.name)).toEqual(['port']);
  });

  it('the last occurrence of a directive wins', () => {
    const c = conf('requirepass first\nrequirepass second\n');
    expect(lastDirective(c, 'requirepass')!.args[0]!.value).toBe('second');
    expect(lastDirective(c, 'port')).toBeUndefined();
  });

  it('recognises Redis configuration by content', () => {
    expect(looksLikeRedisConf('maxmemory 256mb\nmaxmemory-policy allkeys-lru\n')).toBe(true);
    expect(looksLikeRedisConf('server {\n  listen 80;\n}\n')).toBe(false);
  });
});

describe('what a redis.conf demands of clients', () => {
  it('requirepass (last wins, empty means none), the ACL default user, ACL files and includes', () => {
    expect(confAuth(conf('requirepass s3cret\n')).kind).toBe('password');
    expect(confAuth(conf('requirepass s3cret\nrequirepass ""\n')).kind).toBe('none');
    expect(confAuth(conf('port 6379\n')).kind).toBe('none');
    expect(confAuth(conf('user default on >s3cret ~* +@all\n')).kind).toBe('password');
    expect(confAuth(conf('user default on nopass ~* +@all\n')).kind).toBe('none');
    expect(confAuth(conf('requirepass x\nuser default on nopass ~* +@all\n')).kind).toBe('unknown');
    expect(confAuth(conf('aclfile /etc/redis/users.acl\n')).kind).toBe('unknown');
    expect(confAuth(conf('include /etc/redis/local.conf\n')).kind).toBe('unknown');
  });
});
