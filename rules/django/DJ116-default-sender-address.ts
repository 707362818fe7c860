import { defineRule } from '../../src/engine/rule.js';
import type { RuleContext } from '../../src/engine/rule.js';
import type { DjangoProject } from '../../src/model/types.js';
import { settingFact, type SettingFact } from './DJ0.deploy-semantics.js';
import { NON_DELIVERING_BACKENDS } from './DJ1.email.js';
import { cannotTell, DEPLOY_CHECKLIST, SETTINGS_DOCS } from './DJ1.production.js';

/** Settings that show the project sends real mail. */
const EMAIL_EVIDENCE = ['EMAIL_HOST', 'EMAIL_HOST_USER', 'EMAIL_URL', 'ANYMAIL', 'AWS_SES_REGION_NAME', 'SENDGRID_API_KEY', 'POSTMARK_API_KEY', 'MAILGUN_API_KEY'];

/**
 * Email counts as configured when EMAIL_BACKEND is explicitly a delivering backend, or some
 * mail-server setting is present. A project that never mentions email gets no finding: nothing
 * shows it sends any. Non-delivering backends are DJ115's business.
 */
function emailConfigured(project: DjangoProject): boolean | undefined {
  const backend = project.settings.get('EMAIL_BACKEND');
  if (backend) {
    if (backend.value.kind !== 'str') return backend.value.kind === 'unknown' ? undefined : false;
    return NON_DELIVERING_BACKENDS[backend.value.value] === undefined;
  }
  return EMAIL_EVIDENCE.some((n) => project.settings.get(n) !== undefined);
}

/** The address part of "Name <addr>" or "addr". */
export function addressOf(value: string): string {
  return (bracketed(value) ?? value).trim().toLowerCase();
}

/**
 * The text between the `<` and the `>` that ends the value (trailing whitespace aside), as
 * /<([^>]*)>\s*$/ captures it, found from the end (issue 7: the regex rescans from every `<`).
 */
export function bracketed(value: string): string | undefined {
  const t = value.trimEnd();
  if (!t.endsWith('>')) return undefined;
  const close = t.length - 1;
  const open = t.indexOf('<', t.lastIndexOf('>', close - 1) + 1);
  return open >= 0 && open < close ? t.slice(open + 1, close) : undefined;
}

function isLocalhostAddress(value: string): boolean {
  const domain = addressOf(value).split('@')[1] ?? '';
  return domain === 'localhost' || domain === 'localhost.localdomain' || domain.endsWith('.localhost');
}

function checkSender(ctx: RuleContext, fact: SettingFact, use: string): void {
  const v = fact.value;
  if (!v) return;
  if (v.kind === 'unknown') return cannotTell(ctx, `whether ${fact.name} is a real address`, fact);
  if (v.kind !== 'str' || !isLocalhostAddress(v.value)) return;
  const what = fact.binding ? `${fact.name} is '${v.value}'` : `${fact.name} is not set (Django's default is '${v.value}')`;
  ctx.report({
    message: `${what}: ${use} from a localhost address, which mail providers reject or file as spam`,
    span: fact.span,
    target: fact.name,
  });
}

export default defineRule({
  meta: {
    id: 'DJ116',
    name: 'DefaultSenderAddress',
    title: 'DEFAULT_FROM_EMAIL or SERVER_EMAIL is a localhost address',
    severity: 'low',
    section: 'email',
    docs: {
      whatItDoes:
        "When the production settings configure real email delivery (a delivering EMAIL_BACKEND set explicitly, or EMAIL_HOST, EMAIL_HOST_USER, ANYMAIL and the like), reports DEFAULT_FROM_EMAIL and SERVER_EMAIL left at Django's defaults 'webmaster@localhost' and 'root@localhost', or set to another @localhost address. Projects that show no sign of sending mail are not reported.",
      whyIsThisBad:
        'Mail providers refuse or spam-file messages from a localhost sender, so password-reset emails and the error reports sent to ADMINS (which use SERVER_EMAIL) do not arrive, and nothing fails visibly.',
      example: "EMAIL_HOST = 'smtp.example.com'\n# DEFAULT_FROM_EMAIL and SERVER_EMAIL not set",
      useInstead: "DEFAULT_FROM_EMAIL = 'Shop <noreply@shop.example.com>'\nSERVER_EMAIL = 'errors@shop.example.com'",
    },
    fix: 'Set DEFAULT_FROM_EMAIL and SERVER_EMAIL to addresses of a domain you send from (with SPF/DKIM set up for it).',
    references: [`${SETTINGS_DOCS}#default-from-email`, `${SETTINGS_DOCS}#server-email`, `${DEPLOY_CHECKLIST}#email-backend-and-related-settings`],
    tags: ['django', 'email'],
  },
  scope: 'django',
  check(project, ctx) {
    const configured = emailConfigured(project);
    if (configured === false) return;
    if (configured === undefined) return cannotTell(ctx, 'whether production sends email', settingFact(project, 'EMAIL_BACKEND'));
    checkSender(ctx, settingFact(project, 'DEFAULT_FROM_EMAIL'), 'password-reset and other site emails are sent');
    checkSender(ctx, settingFact(project, 'SERVER_EMAIL'), 'error reports to ADMINS and MANAGERS are sent');
  },
});
