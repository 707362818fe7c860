import { defineRule } from '../../src/engine/rule.js';
import { isStandInValue } from '../../src/model/k8s/secrets.js';
import { asMap, get, text } from '../../src/parse/yaml-positions.js';
import { redactSecret } from '../../src/report/redact.js';
import { judged, K8S_DOCS } from './K8S0.common.js';


/** The decoded text of a `data:` value, or undefined when it is not valid base64. */
function decodeBase64(value: string): { text: string; binary: boolean } | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact === '') return { text: '', binary: false };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  const buf = Buffer.from(compact, 'base64');
  const decoded = buf.toString('utf8');
  return { text: decoded, binary: decoded.includes('\uFFFD') || /[\u0000-\u0008\u000E-\u001F]/.test(decoded) };
}

export default defineRule({
  meta: {
    id: 'K8S012',
    name: 'SecretDataCommitted',
    title: 'A Kubernetes Secret with real data is committed',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports each key of a committed `kind: Secret` whose value is real: `data:` values are base64-decoded first (base64 is an encoding, not encryption), then empty values, placeholders (changeme, <your-key>, REPLACE_ME ...), variable references and SOPS-encrypted values are left alone. SealedSecrets and ExternalSecrets are other kinds and never reported; nor are Secrets of development manifests. The value is never printed in full.",
      whyIsThisBad:
        'Everyone who can read the repository, its forks, its CI logs and every old commit has the database password or the SECRET_KEY; removing the file later does not remove it from history. A leaked Django SECRET_KEY lets an attacker forge sessions, password-reset links and signed cookies.',
      example: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: shop\ndata:\n  DJANGO_SECRET_KEY: azMydjkuLi5sb25nLXJhbmRvbS1zdHJpbmc=',
      useInstead:
        '# create it out of band, never committed:\n#   kubectl create secret generic shop --from-env-file=prod.env\n# or commit it encrypted: a SealedSecret, a SOPS-encrypted file, or an ExternalSecret pointing at a vault',
    },
    fix: 'Delete the file from the repository (and its history, e.g. with git filter-repo), rotate every value it held, and create the Secret from the pipeline or a secret manager, or commit it encrypted (Sealed Secrets, SOPS, External Secrets Operator).',
    references: [`${K8S_DOCS}/concepts/configuration/secret/`, `${K8S_DOCS}/concepts/security/secrets-good-practices/`, 'https://github.com/bitnami-labs/sealed-secrets'],
    tags: ['kubernetes', 'security', 'secrets'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (obj.kind !== 'Secret') {
      ctx.notApplicable('not a Secret');
      return;
    }
    if (!judged(obj, ctx, false)) return;
    // A SOPS-encrypted file carries its metadata in a top-level `sops:` key.
    if (get(obj.root, 'sops')) return;
    for (const section of ['data', 'stringData'] as const) {
      for (const p of asMap(get(obj.root, section))?.pairs ?? []) {
        const raw = text(p.value);
        if (raw === undefined || !p.value) continue;
        if (isStandInValue(raw)) continue;
        let value = raw;
        let binary = false;
        if (section === 'data') {
          const d = decodeBase64(raw);
          if (!d) continue;
          value = d.text;
          binary = d.binary;
        }
        const v = value.trim();
        if (v === '' || (!binary && isStandInValue(v))) continue;
        const shown = binary ? `${[...value].length} bytes of binary data` : redactSecret(value);
        ctx.report({
          message: `Secret ${obj.name ?? '(unnamed)'}: ${p.key} holds a real value (${shown}${section === 'data' ? ', base64 is only an encoding' : ''}) committed to the repository; delete it from history, rotate it, and create the Secret out of band or commit it encrypted`,
          span: p.span,
          target: `Secret/${obj.name}:${p.key}`,
        });
      }
    }
  },
});
