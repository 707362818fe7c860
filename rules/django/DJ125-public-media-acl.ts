import { defineRule } from '../../src/engine/rule.js';
import { dictGet, type PyValue } from '../../src/model/python-value.js';
import type { DjangoProject } from '../../src/model/types.js';
import { settingFact, sourceNote, sourceRelated } from './DJ0.deploy-semantics.js';
import { cannotTell } from './DJ1.production.js';

const PUBLIC_S3 = new Set(['public-read', 'public-read-write']);
const PUBLIC_GCS = new Set(['publicRead', 'publicReadWrite']);

type Provider = 's3' | 'gcs';

/** The media ('default') storage: STORAGES['default'] on 4.2+, else DEFAULT_FILE_STORAGE. */
function mediaStorage(project: DjangoProject): { backend?: string; options?: PyValue } {
  const storages = project.settings.get('STORAGES')?.value;
  const entry = storages ? dictGet(storages, 'default') : undefined;
  if (entry) {
    const backend = dictGet(entry, 'BACKEND');
    const options = dictGet(entry, 'OPTIONS') ?? undefined;
    return { backend: backend && backend.kind === 'str' ? backend.value : undefined, options };
  }
  const legacy = project.settings.get('DEFAULT_FILE_STORAGE')?.value;
  return { backend: legacy && legacy.kind === 'str' ? legacy.value : undefined };
}

function providerOf(backend: string | undefined): Provider | undefined {
  if (!backend) return undefined;
  if (backend.startsWith('storages.backends.s3')) return 's3';
  if (backend.startsWith('storages.backends.gcloud')) return 'gcs';
  return undefined;
}

export default defineRule({
  meta: {
    id: 'DJ125',
    name: 'PublicMediaAcl',
    title: 'Uploaded media files are stored world-readable',
    severity: 'high',
    section: 'static-media',
    docs: {
      whatItDoes:
        "When the media ('default') storage is django-storages' S3 or Google Cloud Storage backend, reports a default ACL that makes every uploaded object public: AWS_DEFAULT_ACL 'public-read' or 'public-read-write', GS_DEFAULT_ACL 'publicRead' or 'publicReadWrite', or default_acl with those values in STORAGES['default']['OPTIONS']. Public ACLs on static files alone are normal and not reported; custom storage classes are not inspected.",
      whyIsThisBad:
        "User uploads (invoices, ID scans, private attachments) become downloadable by anyone who has or guesses the URL, without Django's permission checks or expiring signed URLs; 'public-read-write' also lets anyone overwrite them.",
      example: "STORAGES = {'default': {'BACKEND': 'storages.backends.s3.S3Storage'}, ...}\nAWS_DEFAULT_ACL = 'public-read'",
      useInstead: "AWS_DEFAULT_ACL = None  # bucket policy decides; objects private\nAWS_QUERYSTRING_AUTH = True",
    },
    fix: 'Keep media objects private (AWS_DEFAULT_ACL = None or "private", GS_DEFAULT_ACL = None with uniform bucket access) and serve them through signed URLs (AWS_QUERYSTRING_AUTH = True); publish only static files publicly, from a separate storage.',
    references: ['https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html', 'https://django-storages.readthedocs.io/en/latest/backends/gcloud.html', 'https://docs.djangoproject.com/en/stable/topics/security/#user-uploaded-content'],
    tags: ['django', 'security', 'media', 'storage'],
  },
  scope: 'django',
  check(project, ctx) {
    const { backend, options } = mediaStorage(project);
    const provider = providerOf(backend);
    if (!provider) return;
    const publicValues = provider === 's3' ? PUBLIC_S3 : PUBLIC_GCS;
    const optionAcl = options ? dictGet(options, 'default_acl') : null;
    if (optionAcl) {
      if (optionAcl.kind === 'str' && publicValues.has(optionAcl.value)) {
        const storages = settingFact(project, 'STORAGES');
        ctx.report({
          message: `STORAGES['default'] sets default_acl '${optionAcl.value}'${sourceNote(optionAcl)}: every uploaded media file is readable by anyone with its URL`,
          span: storages.span,
          target: 'STORAGES',
          related: sourceRelated(optionAcl),
        });
      }
      return;
    }
    const name = provider === 's3' ? 'AWS_DEFAULT_ACL' : 'GS_DEFAULT_ACL';
    const acl = settingFact(project, name);
    if (!acl.binding || !acl.value) return;
    if (acl.value.kind === 'unknown') return cannotTell(ctx, `whether ${name} makes uploads public`, acl);
    if (acl.value.kind !== 'str' || !publicValues.has(acl.value.value)) return;
    ctx.report({
      message: `${name} is '${acl.value.value}'${sourceNote(acl.value)} while media files are stored with ${backend}: every uploaded file is readable by anyone with its URL${acl.value.value.endsWith('Write') || acl.value.value.endsWith('-write') ? ', and writable' : ''}`,
      span: acl.span,
      target: name,
      related: sourceRelated(acl.value),
    });
  },
});
