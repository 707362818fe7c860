import type { ParsedDockerfile, DfInstruction } from '../../parse/dockerfile/parse.js';
import type { DockerCommand, DockerEnvVar, DockerImageRef, DockerStage } from './types.js';

/**
 * Docker's semantics over a parsed Dockerfile: stages and what each inherits from the stage it is
 * built on (USER, WORKDIR, ENV, CMD, ENTRYPOINT, HEALTHCHECK), `$VAR` substitution from ARG and
 * ENV, image references split into registry, repository, tag and digest.
 */

export function buildStages(parsed: ParsedDockerfile, buildArgs: Record<string, string | null> = {}): DockerStage[] {
  const stages: DockerStage[] = [];
  const byName = new Map<string, number>();
  // Global ARGs: usable in FROM lines; their defaults, overridden by build args.
  const globalArgs = new Map<string, string | null>();
  const argSource = new Set<string>();
  for (const a of parsed.initialArgs) {
    for (const p of a.properties ?? []) {
      const v = Object.prototype.hasOwnProperty.call(buildArgs, p.name) ? buildArgs[p.name]! : p.value;
      globalArgs.set(p.name, v);
      argSource.add(p.name);
    }
  }

  for (const s of parsed.stages) {
    const written = s.from.image ?? '';
    const image = imageRef(written, (n) => globalArgs.get(n) ?? undefined, argSource);
    const baseName = (image.resolved ?? written).toLowerCase();
    const baseStage = byName.get(baseName);
    const base = baseStage !== undefined ? stages[baseStage] : undefined;
    const stage: DockerStage = {
      index: s.index,
      from: s.from,
      image,
      scratch: baseName === 'scratch',
      instructions: s.instructions,
      env: base ? [...base.env] : [],
      args: [],
      exposes: base ? [...base.exposes] : [],
      runs: [],
      launchScripts: [],
    };
    if (s.from.stageName) stage.name = s.from.stageName.toLowerCase();
    if (baseStage !== undefined) stage.baseStage = baseStage;
    if (base?.user) stage.user = base.user;
    if (base?.workdir) stage.workdir = base.workdir;
    if (base?.cmd) stage.cmd = { ...base.cmd, inheritedFrom: base.cmd.inheritedFrom ?? base.index };
    if (base?.entrypoint) stage.entrypoint = { ...base.entrypoint, inheritedFrom: base.entrypoint.inheritedFrom ?? base.index };
    if (base?.healthcheck) stage.healthcheck = base.healthcheck;

    // Variables visible in the stage: its ARGs (a global ARG only when re-declared) and ENVs.
    const vars = new Map<string, string | null>();
    for (const e of stage.env) vars.set(e.name, e.value);
    let cmdSet = false;
    for (const ins of s.instructions) {
      switch (ins.keyword) {
        case 'ARG':
          for (const p of ins.properties ?? []) {
            let value: string | null = p.value;
            if (Object.prototype.hasOwnProperty.call(buildArgs, p.name)) value = buildArgs[p.name]!;
            else if (value === null && globalArgs.has(p.name)) value = globalArgs.get(p.name)!;
            const resolved = value === null ? { value: null, unresolved: [] as string[] } : substitute(value, (n) => vars.get(n));
            const v: DockerEnvVar = { name: p.name, value: resolved.value, unresolved: resolved.unresolved, span: p.span, nameSpan: p.nameSpan, keyword: 'ARG', stage: s.index };
            if (p.valueSpan) v.valueSpan = p.valueSpan;
            stage.args = [...stage.args.filter((x) => x.name !== p.name), v];
            if (!vars.has(p.name) || !stage.env.some((e) => e.name === p.name)) vars.set(p.name, resolved.value);
          }
          break;
        case 'ENV':
          for (const p of ins.properties ?? []) {
            const resolved = p.value === null ? { value: null, unresolved: [] as string[] } : substitute(p.value, (n) => vars.get(n));
            const v: DockerEnvVar = { name: p.name, value: resolved.value, unresolved: resolved.unresolved, span: p.span, nameSpan: p.nameSpan, keyword: 'ENV', stage: s.index };
            if (p.valueSpan) v.valueSpan = p.valueSpan;
            stage.env = [...stage.env.filter((x) => x.name !== p.name), v];
            vars.set(p.name, resolved.value);
          }
          break;
        case 'USER': {
          const a = ins.args[0];
          if (a) stage.user = { value: substitute(a.value, (n) => vars.get(n)).value ?? a.value, span: a.span, stage: s.index };
          break;
        }
        case 'WORKDIR': {
          const a = ins.args[0];
          if (a) {
            const v = substitute(a.value, (n) => vars.get(n)).value ?? a.value;
            const prev = stage.workdir?.value ?? '/';
            stage.workdir = { value: v.startsWith('/') ? v : `${prev.replace(/\/$/, '')}/${v}`, span: a.span, stage: s.index };
          }
          break;
        }
        case 'CMD':
          stage.cmd = command('CMD', ins);
          cmdSet = true;
          break;
        case 'ENTRYPOINT':
          stage.entrypoint = command('ENTRYPOINT', ins);
          // Docker: a new ENTRYPOINT drops the CMD inherited from the base image.
          if (!cmdSet) delete stage.cmd;
          break;
        case 'HEALTHCHECK': {
          const none = (ins.args[0]?.value ?? '').toUpperCase() === 'NONE';
          stage.healthcheck = { span: ins.span, none, stage: s.index };
          break;
        }
        case 'EXPOSE':
          for (const a of ins.args) stage.exposes.push({ value: a.value, span: a.span });
          break;
      }
    }
    stages.push(stage);
    if (stage.name) byName.set(stage.name, stage.index);
  }
  return stages;
}

function command(keyword: 'CMD' | 'ENTRYPOINT', ins: DfInstruction): DockerCommand {
  if (ins.json) return { keyword, form: 'exec', words: ins.json, instruction: ins };
  const cmd: DockerCommand = { keyword, form: 'shell', instruction: ins };
  if (ins.text) cmd.text = { value: ins.text.value, offsets: ins.text.offsets };
  return cmd;
}

/**
 * Dockerfile variable substitution: `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`,
 * `${VAR+word}`; `\$` is a literal `$`. Variables with no known value stay as written and are listed.
 */
export function substitute(text: string, lookup: (name: string) => string | null | undefined): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      const inner = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(inner);
      if (!m) {
        out += text.slice(i, close + 1);
        i = close;
        continue;
      }
      const [, name, op, word] = m as unknown as [string, string, string | undefined, string | undefined];
      const v = lookup(name);
      const set = v !== undefined && v !== null;
      if (op === ':-' || op === '-') {
        if (op === ':-' ? set && v !== '' : set) out += v;
        else out += word ?? '';
      } else if (op === ':+' || op === '+') {
        if (op === ':+' ? set && v !== '' : set) out += word ?? '';
      } else if (set) out += v;
      else {
        unresolved.push(name);
        out += text.slice(i, close + 1);
      }
      i = close;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!m) {
      out += '$';
      continue;
    }
    const v = lookup(m[0]);
    if (v !== undefined && v !== null) out += v;
    else {
      unresolved.push(m[0]);
      out += '$' + m[0];
    }
    i += m[0].length;
  }
  return { value: out, unresolved };
}

/** `[registry/]repository[:tag][@digest]`, with `$VAR`s resolved from global ARGs. */
export function imageRef(written: string, lookup: (name: string) => string | undefined, argNames: ReadonlySet<string>): DockerImageRef {
  const { value, unresolved } = substitute(written, lookup);
  const fromArgs = [...new Set([...written.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!).filter((n) => argNames.has(n) && !unresolved.includes(n)))];
  const ref: DockerImageRef = { written, unresolved, fromArgs };
  if (unresolved.length === 0) {
    ref.resolved = value;
    Object.assign(ref, splitImage(value));
  }
  return ref;
}

export function splitImage(ref: string): { registry?: string; repository: string; tag?: string; digest?: string } {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const out: { registry?: string; repository: string; tag?: string; digest?: string } = { repository: rest };
  if (registry) out.registry = registry;
  if (tag !== undefined) out.tag = tag;
  if (digest) out.digest = digest;
  return out;
}
