/*
 * Secrets: the one registry of passwords and tokens, and the one masking step.
 *
 * The rule (docs/security.md): no password or token ever reaches a terminal,
 * a log, a report, an error message, the argv of a child, or the environment
 * of a child that runs revision code. Two things make that hold:
 *
 *  1. Registration, as early as possible. Every command registers what it
 *     may come across before it runs anything:
 *       - secret_add(value): a password or token it holds (a literal);
 *       - secret_add_env("GITHUB_TOKEN"): the value of a variable, if set;
 *       - pg_register_dsn_secret(dsn) (pg/secret.h): the password of a URL or
 *         key=value conninfo, and the passfile entries that could apply to it;
 *       - pg_register_env_secrets() (pg/secret.h): PGPASSWORD and the passfile.
 *     config_load() (cli/config.h) already does all of it for every source
 *     of configuration (flags, environment, [migrate_gate] of alembic.ini) and
 *     for the usual CI tokens (secret_add_token_env()). A new command that
 *     reads a secret from anywhere else (a response body, a file) calls
 *     secret_add() on it at once.
 *
 *  2. Masking in one place per channel. util/log.h masks every line it
 *     prints (errors included); report_write() (report/writer.h) masks every
 *     finding and note before any writer, whatever the format, sees them.
 *     Nothing else writes to a terminal or a report.
 *
 *  3. Nothing readable by other processes: config_load() blanks a password
 *     on argv (secret_scrub()) and takes every secret out of the environment
 *     (secret_strip_environ()); main() makes the process non-dumpable
 *     (secret_protect_process()). A child gets credentials only through an
 *     environment built for it; code reads them with secret_getenv().
 *
 * A registered secret is masked in its raw form, its %-decoded form (when it
 * holds %XX escapes) and any %-encoded spelling of it (each byte as itself or
 * %XX in either case, '+' for a blank). Besides registered secrets, the
 * password of any URL (scheme://user:PASSWORD@host, up to the URL's last '@') and of any
 * password=VALUE / PGPASSWORD=VALUE is masked, registered or not. Strings
 * shorter than 3 bytes are not registered: they would mask ordinary words.
 */
#ifndef GATE_UTIL_SECRET_H
#define GATE_UTIL_SECRET_H

#include <stdbool.h>

/* Registers a literal secret (and its %-decoded form). Accepts NULL. */
void secret_add(const char *secret);
/*
 * Registers the password of a URL (scheme://user:PASSWORD@host), taken up to
 * the last '@', and each part of it after a raw '@' in it: what libpq would
 * show as a host name. Accepts NULL and text that is no such URL.
 */
void secret_add_url(const char *url);
/* True when the password of a URL holds a raw '@' (it needs %-encoding, '@' as %40). */
bool secret_url_raw_at(const char *url);
/* Registers the value of environment variable name, when it is set. */
void secret_add_env(const char *name);
/*
 * Registers every well-known CI token and cloud credential the environment
 * holds (GITHUB_TOKEN, GH_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, ...), and every variable whose
 * name ends in _TOKEN, _PASSWORD or _SECRET, or starts with MIGRATE_GATE_ and
 * holds one of those words.
 */
void secret_add_token_env(void);
/* How many secrets are registered (forms included); for tests. */
unsigned secret_count(void);
/* Forgets every registered secret; for tests. */
void secret_clear(void);

/* Returns a newly allocated copy of s with every secret replaced by "****". */
char *secret_mask(const char *s);
/* True when secret_mask(s) would change s. */
bool secret_found(const char *s);
/*
 * Overwrites, in place, every byte of every secret inside s with '*' (the
 * length stays). For memory other processes can read: argv and the process's
 * original environment block (/proc/PID/cmdline, /proc/PID/environ).
 */
void secret_scrub(char *s);

/*
 * Takes the secrets out of the environment every child inherits. Each
 * variable whose value holds a secret (secret_found()), and each of the
 * n_also variables named in also (NULL names are skipped), is overwritten
 * with '*' in place in the
 * process's original environment block (what /proc/PID/environ shows to
 * code running as the same user) and removed with unsetenv(). Its value
 * stays readable by this process through secret_getenv(). Call it once the
 * configuration is read and the secrets registered. A child that needs a
 * credential gets it in an environment built for it.
 */
void secret_strip_environ(const char *const *also, unsigned n_also);
/* getenv(name), or the value secret_strip_environ() took out of the environment. */
const char *secret_getenv(const char *name);
/*
 * Makes /proc/PID/{environ,mem,...} of this process unreadable to other
 * processes of the same user and refuses their ptrace (PR_SET_DUMPABLE 0 on
 * Linux; children are dumpable again after exec). /proc/PID/cmdline stays
 * readable to everyone: argv is scrubbed with secret_scrub() instead.
 */
void secret_protect_process(void);

#endif
