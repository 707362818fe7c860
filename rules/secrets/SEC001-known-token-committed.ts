import { defineRule } from '../../src/engine/rule.js';
import { coveredElsewhere, SECRETS_REFS, shown, SKIPS_TEXT, where } from './SEC0.common.js';

export default defineRule({
  meta: {
    id: 'SEC001',
    name: 'KnownTokenCommitted',
    title: 'A cloud, API or SSH credential is committed',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        `Reports credentials recognised by their format in any text file of the repository (settings and other Python, env files, compose and YAML files, workflows, pm2 and package.json files, shell scripts, Terraform, crontabs, nginx/systemd/ini files and Markdown/reST docs): AWS access key ids (AKIA/ASIA...) and secret access keys next to an AWS name, GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), GitLab glpat-, Slack xox?- tokens and webhook URLs, Stripe live keys (sk_live_, rk_live_), Google API keys (AIza...), SendGrid SG. keys, Twilio API keys, npm and PyPI tokens, OpenAI keys, and private key blocks (-----BEGIN ... PRIVATE KEY----- with a real body). AWS's documented example keys and values with EXAMPLE, dummy, fake or long runs of one character are not reported. ${SKIPS_TEXT} The token is never shown in full.`,
      whyIsThisBad:
        'A token in the repository is in every clone, fork, CI cache and backup of it, forever (deleting the line leaves it in the history). Automated scanners harvest public repositories for these formats within minutes; a leaked cloud key or deploy token gives an attacker your infrastructure, your data or your bill.',
      example: 'AWS_ACCESS_KEY_ID=AKIA2OGYBAH6QEXAMPL3\nGITHUB_TOKEN=ghp_...(a real token)',
      useInstead: '# .env.example\nAWS_ACCESS_KEY_ID=\nGITHUB_TOKEN=\n# real values in the deployment\'s secret store or an env file outside the repository',
    },
    fix: 'Revoke and rotate the credential first (it is compromised as soon as it was pushed), then remove it from the file, keep the real value in a secret store or an untracked env file, and purge it from the git history if the repository is shared.',
    references: [...SECRETS_REFS, 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html', 'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation'],
    tags: ['security', 'secrets'],
  },
  scope: 'repo',
  check(model, ctx) {
    for (const hit of model.secrets ?? []) {
      if (hit.kind !== 'token' && hit.kind !== 'private-key') continue;
      if (coveredElsewhere(hit, model)) continue;
      ctx.report({
        message: `${hit.description} committed in ${hit.file}${where(hit)}: ${shown(hit)}`,
        span: hit.span,
        target: `${hit.detector}:${hit.name ?? ''}`,
      });
    }
  },
});
