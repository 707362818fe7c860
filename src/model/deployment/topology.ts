import { moduleFilesUnder } from '../files.js';
import type { AppServerInstance } from '../appserver/types.js';
import { nginxTargets, reaches, type NginxTarget } from '../appserver/proxy.js';
import { appModuleOf, listenAddresses } from '../appserver/query.js';
import { APP_PASS, appProxiedLocations, isTlsServer, nginxQuery, type NginxQuery } from '../nginx/effective.js';
import type { NginxConfig, NginxDirective } from '../nginx/types.js';
import type { DeploymentModel, DjangoProject } from '../types.js';

/**
 * Which nginx location hands requests to which Django project, through which app server: the join
 * cross-file rules stand on. A location is tied to a project through the app server whose listening
 * address its `*_pass` reaches and whose WSGI/ASGI module belongs to the project (`via: 'bind'`);
 * when the repository holds a single Django project and the app server is not in the repository,
 * a location that passes to a local application is taken to be that project's (`via: 'only-project'`).
 */
export interface ProxiedApp {
  project: DjangoProject;
  config: NginxConfig;
  query: NginxQuery;
  server: NginxDirective;
  location: NginxDirective;
  /** The proxy_pass / uwsgi_pass directive. */
  pass: NginxDirective;
  /** The server speaks TLS: nginx terminates it, the app gets plain HTTP (or uwsgi). */
  tls: boolean;
  /** The app server instance the pass reaches, when the repository shows it. */
  instance?: AppServerInstance;
  /** The matched target (upstream member or pass address). */
  target?: NginxTarget;
  via: 'bind' | 'only-project';
}

const cache = new WeakMap<DeploymentModel, ProxiedApp[]>();

export function proxiedApps(model: DeploymentModel): ProxiedApp[] {
  let out = cache.get(model);
  if (!out) {
    out = computeProxiedApps(model);
    cache.set(model, out);
  }
  return out;
}

/** The project whose files hold an app server's WSGI/ASGI module (`shop.wsgi:application`). */
export function projectOfInstance(model: DeploymentModel, inst: AppServerInstance): DjangoProject | undefined {
  // Asked for every probe and every instance by several rules: answered once per project list and instance.
  let memo = projectMemo.get(model.djangoProjects);
  if (!memo) {
    memo = new WeakMap();
    projectMemo.set(model.djangoProjects, memo);
  }
  if (memo.has(inst)) return memo.get(inst);
  const project = findProjectOfInstance(model, inst);
  memo.set(inst, project);
  return project;
}

const projectMemo = new WeakMap<readonly DjangoProject[], WeakMap<AppServerInstance, DjangoProject | undefined>>();

function findProjectOfInstance(model: DeploymentModel, inst: AppServerInstance): DjangoProject | undefined {
  const app = appModuleOf(inst);
  if (!app || !/^[A-Za-z_][\w.]*$/.test(app.module)) return undefined;
  // Every instance against every project (a monorepo: tens of thousands of pairs): one set lookup each.
  const hits = model.djangoProjects.filter((p) => moduleFilesUnder(model.files, p.root).has(app.path));
  // The deepest project root wins (a monorepo's service, not the repository root).
  return hits.sort((a, b) => b.root.length - a.root.length)[0];
}

function computeProxiedApps(model: DeploymentModel): ProxiedApp[] {
  const out: ProxiedApp[] = [];
  if (model.djangoProjects.length === 0) return out;
  const targets = nginxTargets(model);
  const instances = model.appServers.filter((i) => i.role === 'production' && i.server !== 'runserver');
  for (const config of model.nginx) {
    if (config.role !== 'production') continue;
    const query = nginxQuery(config, model);
    for (const server of query.servers()) {
      const tls = isTlsServer(query, server);
      for (const { location, pass } of appProxiedLocations(query, server, APP_PASS)) {
        const mine = targets.filter((t) => t.pass === pass);
        let matched = false;
        for (const target of mine) {
          for (const instance of instances) {
            if (!listenAddresses(instance).some((a) => reaches(target, a))) continue;
            const project = projectOfInstance(model, instance);
            if (!project) continue;
            out.push({ project, config, query, server, location, pass, tls, instance, target, via: 'bind' });
            matched = true;
          }
        }
        if (!matched && model.djangoProjects.length === 1 && !instances.some((i) => mine.some((t) => listenAddresses(i).some((a) => reaches(t, a))))) {
          out.push({ project: model.djangoProjects[0]!, config, query, server, location, pass, tls, via: 'only-project', ...(mine[0] ? { target: mine[0] } : {}) });
        }
      }
    }
  }
  return dedupe(out);
}

function dedupe(list: ProxiedApp[]): ProxiedApp[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.project.root}|${p.pass.span.file}|${p.pass.span.start.offset}|${p.instance?.span.file ?? ''}|${p.instance?.span.start.offset ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
