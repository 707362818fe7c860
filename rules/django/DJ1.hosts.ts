/**
 * What an ALLOWED_HOSTS value lets through (shared by DJ105 and DJ106). Not a rule file.
 */
import type { PyValue } from '../../src/model/python-value.js';

export type HostsVerdict =
  /** '*' accepts any Host header. */
  | { kind: 'wildcard' }
  /** No usable entry ([] or only empty strings): every request is rejected with 400. */
  | { kind: 'empty'; entries: number }
  | { kind: 'ok' }
  | { kind: 'unknown' };

/**
 * Django's validate_host: '*' matches anything; an empty pattern matches nothing. A plain string
 * is iterated character by character by Django 3.2 (later versions refuse it at startup).
 */
export function judgeHosts(v: PyValue): HostsVerdict {
  let items: PyValue[];
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') items = v.items;
  else if (v.kind === 'str') items = [...v.value].map((c) => ({ kind: 'str', value: c }) as PyValue);
  else return { kind: 'unknown' };
  if (items.some((i) => i.kind === 'str' && i.value === '*')) return { kind: 'wildcard' };
  if (items.some((i) => i.kind !== 'str')) return { kind: 'unknown' };
  if (items.every((i) => i.kind === 'str' && i.value.trim() === '')) return { kind: 'empty', entries: items.length };
  return { kind: 'ok' };
}
