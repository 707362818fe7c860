import type { DeploymentModel } from '../../src/model/types.js';
import { isSecretLikeName } from '../../src/model/secrets/detect.js';
import type { SecretHit } from '../../src/model/secrets/scan.js';
import { redactSecret } from '../../src/report/redact.js';

/** Shared pieces of the secrets rules (not a rule: the file name has no rule id form). */

export const SECRETS_REFS = [
  'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html',
  'https://docs.github.com/en/code-security/secret-scanning/introduction/about-secret-scanning',
];

/** What the secrets pack leaves to the rules that already judge a file kind's secrets. */
export const SKIPS_TEXT =
  'Left to other rules: SECRET_KEY in settings (DJ102), Environment= lines of systemd units (SYS), `environment:` of production compose services (CMP003), env values and Secret objects of Kubernetes manifests (K8S), env blocks of pm2 files (PM2002) and Dockerfile ENV/ARG (DKR). Test and example paths (tests/, fixtures/, examples/, *.example, .env.sample ...) are not scanned.';

/** Whether another rule already reports this hit (so it is not reported twice). */
export function coveredElsewhere(hit: SecretHit, model: DeploymentModel): boolean {
  const named = hit.name !== undefined && isSecretLikeName(hit.name);
  switch (hit.fileKind) {
    case 'django-settings':
      return hit.kind === 'named' && /^(?:DJANGO_)?SECRET_KEY$/.test(hit.name ?? '');
    case 'systemd-unit':
    case 'systemd-dropin':
      return !!hit.environmentLine;
    case 'compose': {
      const prod = (model.composeProjects ?? []).some((p) => p.role === 'production' && p.files.includes(hit.file));
      return prod && (named || hit.kind === 'url') && hit.name !== undefined;
    }
    case 'yaml-candidate': {
      const manifest = (model.k8sFiles ?? []).some((f) => f.file === hit.file);
      if (!manifest) return false;
      return hit.kind === 'named' || hit.kind === 'url' || named || hit.name === 'value';
    }
    case 'pm2':
      return (model.pm2Files ?? []).some((f) => f.file === hit.file && f.apps.some((a) => a.envBlocks.some((b) => b.span.start.offset <= hit.span.start.offset && hit.span.end.offset <= b.span.end.offset)));
    default:
      return false;
  }
}

export function where(hit: SecretHit): string {
  return hit.name ? ` (assigned to ${hit.name})` : '';
}

export function shown(hit: SecretHit): string {
  return hit.kind === 'private-key' ? `${hit.value.split('\n')[0]!.slice(0, 40)}...` : redactSecret(hit.value);
}
