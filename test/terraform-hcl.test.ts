import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHcl, type HclValue } from '../src/parse/hcl.js';

const at = (v: { span: { start: { line: number; column: number }; end: { line: number; column: number } } }) =>
  `${v.span.start.line}:${v.span.start.column}-${v.span.end.line}:${v.span.end.column}`;

describe('HCL reader', () => {
  it('reads blocks with labels, nested blocks and attributes with positions', () => {
    const text = [
      'resource "aws_security_group" "db" {', // 1
      '  name = "db" # comment', // 2
      '  ingress {', // 3
      '    from_port   = 5432', // 4
      '    cidr_blocks = ["0.0.0.0/0", "::/0"]', // 5
      '  }', // 6
      '}', // 7
    ].join('\n');
    const f = parseHcl(text, 'main.tf');
    expect(f.problems).toEqual([]);
    const r = f.body.blocks[0]!;
    expect(r.type).toBe('resource');
    expect(r.labels).toEqual(['aws_security_group', 'db']);
    expect(at({ span: r.headerSpan })).toBe('1:1-1:35');
    expect(at(r)).toBe('1:1-7:2');
    const name = r.body.attributes[0]!;
    expect(name.name).toBe('name');
    expect(at(name)).toBe('2:3-2:14');
    expect(name.value).toMatchObject({ kind: 'string', value: 'db', interpolated: false });
    expect(at(name.value)).toBe('2:10-2:14');
    const ingress = r.body.blocks[0]!;
    expect(ingress.type).toBe('ingress');
    expect(ingress.body.attributes[0]!.value).toMatchObject({ kind: 'number', value: 5432 });
    const cidrs = ingress.body.attributes[1]!.value as Extract<HclValue, { kind: 'list' }>;
    expect(cidrs.items.map((i) => (i.kind === 'string' ? i.value : '?'))).toEqual(['0.0.0.0/0', '::/0']);
    expect(at(cidrs.items[1]!)).toBe('5:33-5:39');
  });

  it('keeps references, function calls, operators and interpolations as unknown expressions', () => {
    const text = [
      'locals {',
      '  a = var.protect',
      '  b = aws_db_instance.db.id',
      '  c = merge(local.tags, { Role = "db" })',
      '  d = var.env == "prod" ? true : false',
      '  e = "acme-${var.env}-db"',
      '  f = [for s in var.subnets : s.id]',
      '  g = !var.x',
      '  h = null',
      '  i = false',
      '  j = -1.5',
      '  k = { x = 1, "y" = [true] }',
      '  l = "$${literal}"',
      '}',
    ].join('\n');
    const f = parseHcl(text, 'x.tf');
    expect(f.problems).toEqual([]);
    const v = Object.fromEntries(f.body.blocks[0]!.body.attributes.map((a) => [a.name, a.value]));
    expect(v.a).toMatchObject({ kind: 'expr', text: 'var.protect', variable: 'protect' });
    expect(v.b).toMatchObject({ kind: 'expr', text: 'aws_db_instance.db.id' });
    expect(v.b!).not.toHaveProperty('variable');
    expect(v.c).toMatchObject({ kind: 'expr', text: 'merge(local.tags, { Role = "db" })' });
    expect(v.d).toMatchObject({ kind: 'expr', text: 'var.env == "prod" ? true : false' });
    expect(v.d!).not.toHaveProperty('variable');
    expect(v.e).toMatchObject({ kind: 'string', value: 'acme-${var.env}-db', interpolated: true });
    expect(v.f).toMatchObject({ kind: 'expr', text: '[for s in var.subnets : s.id]' });
    expect(v.g).toMatchObject({ kind: 'expr', text: '!var.x' });
    expect(v.h).toMatchObject({ kind: 'null' });
    expect(v.i).toMatchObject({ kind: 'bool', value: false });
    expect(v.j).toMatchObject({ kind: 'number', value: -1.5 });
    expect(v.k).toMatchObject({ kind: 'object', entries: [{ key: 'x', value: { kind: 'number', value: 1 } }, { key: 'y', value: { kind: 'list' } }] });
    expect(v.l).toMatchObject({ kind: 'string', interpolated: false });
  });

  it('reads heredocs (plain and indented) and all comment styles', () => {
    const text = [
      '/* block',
      '   comment */',
      '// line comment',
      'a = <<EOF',
      'line one',
      '  line two',
      'EOF',
      'b = <<-EOT',
      '    x',
      '      y',
      '    EOT',
      'c = true // trailing',
      'd = 1 /* inline */',
    ].join('\n');
    const f = parseHcl(text, 'h.tf');
    expect(f.problems).toEqual([]);
    const [a, b, c, d] = f.body.attributes;
    expect(a!.value).toMatchObject({ kind: 'string', value: 'line one\n  line two\n' });
    expect(at(a!.value)).toBe('4:5-7:4');
    expect(b!.value).toMatchObject({ kind: 'string', value: 'x\n  y\n' });
    expect(c!.value).toMatchObject({ kind: 'bool', value: true });
    expect(d!.value).toMatchObject({ kind: 'number', value: 1 });
    expect(at(c!)).toBe('12:1-12:9');
  });

  it('reads multi-line calls, for expressions, conditionals, splats, dynamic blocks without problems', () => {
  const text = `locals {
  tags = merge(
    local.common,
    { a = 1 }
  )
  ids = [
    for s in aws_subnet.private :
    s.id
  ]
  m = {
    for k, v in var.map :
    k => v
  }
  cond = (
    var.a ? 1 : 2
  )
  t = var.enabled ? {
    a = 1
  } : {}
  x = aws_instance.web[0].id
  y = aws_instance.web[*].id
  z = "a \\"quoted\\" \${lookup(var.m, "k", "d")} b"
  s = <<EOT
  hello \${var.x}
EOT
  after = 1
}
dynamic "ingress" {
  for_each = var.ports
  content {
    from_port = ingress.value
  }
}
resource "x" "y" {
  count = var.create ? 1 : 0
  provisioner "local-exec" {
    command = "echo hi"
  }
}
resource "aws_security_group" "a" { ingress = [] }
resource "b" "c" {}
`;
    const f = parseHcl(text, 't.tf');
    expect(f.problems).toEqual([]);
    const v = Object.fromEntries(f.body.blocks[0]!.body.attributes.map((a) => [a.name, a.value]));
    expect(v.tags).toMatchObject({ kind: 'expr' });
    expect(v.tags!.span.end.line).toBe(5);
    expect(v.ids).toMatchObject({ kind: 'expr' });
    expect(v.cond!.span.end.line).toBe(16);
    expect(v.t!.span.end.line).toBe(19);
    expect(v.y).toMatchObject({ kind: 'expr', text: 'aws_instance.web[*].id' });
    expect(v.z).toMatchObject({ kind: 'string', value: 'a "quoted" ${lookup(var.m, "k", "d")} b', interpolated: true });
    expect(v.after).toMatchObject({ kind: 'number', value: 1 });
    expect(f.body.blocks.map((b) => [b.type, ...b.labels].join(' '))).toEqual(['locals', 'dynamic ingress', 'resource x y', 'resource aws_security_group a', 'resource b c']);
  });

  it('reports broken input with locations and keeps reading', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['resource "a" "b" {\n  x = 1\n', /not closed/, 1],
      ['a = "open\nb = 2\n', /unterminated string/, 1],
      ['a = [1, 2\n', /not closed/, 1],
      ['= 3\nb = 4\n', /unexpected/, 1],
      ['x = <<EOF\nno end\n', /heredoc "EOF" is not closed/, 1],
      ['a = 1 2\nb = 3\n', /unexpected text/, 1],
      ['/* never closed', /unterminated/, 1],
      ['a =\nb = 1\n', /no value/, 1],
      ['}\nb = 1\n', /unexpected "}"/, 1],
    ];
    for (const [text, message, line] of cases) {
      const f = parseHcl(text, 'bad.tf');
      expect(f.problems.length, text).toBeGreaterThan(0);
      expect(f.problems[0]!.message, text).toMatch(message);
      expect(f.problems[0]!.span.start.line, text).toBe(line);
      expect(f.problems[0]!.span.file).toBe('bad.tf');
    }
    // reading resumes after a broken line
    expect(parseHcl('= 3\nb = 4\n', 'x.tf').body.attributes.map((a) => a.name)).toEqual(['b']);
  });

  it('never throws and keeps spans inside the text, on binary, deeply nested and truncated input', () => {
    const samples = ['\u0000\u0001\u00ff{{{', '['.repeat(5000), 'a = ' + '{'.repeat(3000), 'b "x" {'.repeat(500), '\ufeffa = 1', 'a = "${"', 'x = <<', 'a = 1\r\nb = "x"\r\n'];
    const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'tf-naive-rds', 'infra');
    for (const name of readdirSync(fixtureDir)) {
      const full = readFileSync(join(fixtureDir, name), 'utf8');
      for (let cut = 0; cut < full.length; cut += 37) samples.push(full.slice(0, cut));
    }
    for (const text of samples) {
      const f = parseHcl(text, 't.tf');
      for (const p of f.problems) {
        expect(p.span.start.offset).toBeGreaterThanOrEqual(0);
        expect(p.span.end.offset).toBeLessThanOrEqual(text.length);
      }
    }
  });

  it('parses the fixtures without problems', () => {
    for (const dir of ['tf-naive-rds/infra', 'tf-hardened/terraform/prod', 'tf-hardened/terraform/dev']) {
      const root = join(import.meta.dirname, '..', 'fixtures', dir);
      for (const name of readdirSync(root)) {
        const f = parseHcl(readFileSync(join(root, name), 'utf8'), name);
        expect(f.problems, `${dir}/${name}`).toEqual([]);
      }
    }
  });
});
