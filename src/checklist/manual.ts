import type { ChecklistSection, Severity } from '../core/finding.js';

/**
 * Production checklist items no file can prove: a team attests them in its configuration
 * (`attest: { MAN001: done }`). Ids are stable, like rule ids. They weigh like rules of the same
 * severity in the attested readiness, never in the verified one.
 */
export interface ManualItem {
  id: string;
  title: string;
  section: ChecklistSection;
  severity: Severity;
  /** What to do and how to know it is done. */
  how: string;
}

export const MANUAL_ITEMS: readonly ManualItem[] = [
  { id: 'MAN001', section: 'backups', severity: 'blocker', title: 'Database backups run automatically and are kept off the server', how: 'A scheduled dump (pg_dump, managed-database snapshots) copied to another machine or region, with a retention policy (e.g. 7-30 days).' },
  { id: 'MAN002', section: 'backups', severity: 'blocker', title: 'A restore from backup has been tested', how: 'Restore the latest backup into a scratch database and start the app against it; write down how long it took.' },
  { id: 'MAN003', section: 'backups', severity: 'high', title: 'Uploaded media files are backed up', how: 'MEDIA_ROOT (or the media bucket) is included in backups or versioned storage; database backups alone lose every upload.' },
  { id: 'MAN004', section: 'web-server', severity: 'high', title: 'DNS points at the server and TLS certificates renew automatically', how: 'A and AAAA records are correct; certbot renew (or the platform) runs on a timer and a dry run succeeds.' },
  { id: 'MAN005', section: 'security', severity: 'high', title: 'The host firewall exposes only SSH, HTTP and HTTPS', how: 'ufw/nftables/security groups allow 22, 80 and 443 only; the database, Redis and the app server port are not reachable from the internet.' },
  { id: 'MAN006', section: 'security', severity: 'medium', title: 'SSH allows keys only, no root login', how: 'PasswordAuthentication no and PermitRootLogin no in sshd_config; fail2ban or an equivalent on exposed hosts.' },
  { id: 'MAN007', section: 'logging-monitoring', severity: 'high', title: 'Uptime monitoring alerts a person', how: 'An external check (e.g. every minute) of the health URL pages or mails someone when the site is down.' },
  { id: 'MAN008', section: 'logging-monitoring', severity: 'medium', title: 'Logs are rotated and kept', how: 'journald or logrotate limits log size; application and nginx logs are kept long enough to investigate an incident.' },
  { id: 'MAN009', section: 'ci-cd', severity: 'medium', title: 'A rollback procedure exists and has been tried', how: 'The previous release can be redeployed in minutes (tagged images, previous release directory) and migrations are backward compatible or reversible.' },
  { id: 'MAN010', section: 'database', severity: 'medium', title: 'The database user has only the privileges the app needs', how: 'The app connects as a role that owns its schema but is not a superuser; no shared admin credentials.' },
  { id: 'MAN011', section: 'security', severity: 'medium', title: 'Production secrets are stored outside the repository and rotated when people leave', how: 'Secrets live in the platform secret store or root-only env files; a list says where each secret is and how to rotate it.' },
  { id: 'MAN012', section: 'email', severity: 'low', title: 'Outgoing mail is authenticated (SPF, DKIM, DMARC)', how: 'The sending domain publishes SPF and DKIM records and a DMARC policy, so password-reset and error mails are delivered.' },
];

export function manualItem(id: string): ManualItem | undefined {
  return MANUAL_ITEMS.find((m) => m.id === id);
}
