/** Email backends that never deliver mail (shared by DJ115 and DJ116). Not a rule file. */
export const NON_DELIVERING_BACKENDS: Record<string, string> = {
  'django.core.mail.backends.console.EmailBackend': 'prints messages to standard output',
  'django.core.mail.backends.locmem.EmailBackend': 'keeps messages in memory (a test backend)',
  'django.core.mail.backends.dummy.EmailBackend': 'discards every message',
  'django.core.mail.backends.filebased.EmailBackend': 'writes messages to files on the server',
};
