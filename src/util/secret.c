#include "util/secret.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "util/buf.h"
#include "util/mem.h"
#include "util/strset.h"

#include "util/banned.h"

extern char **environ;

static char **secrets;
static struct strlist taken; /* "NAME=value" of every variable secret_strip_environ() removed */
static size_t n_secrets, alloc_secrets;

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The byte a %XX escape at s stands for, or -1. */
static int escaped_byte(const char *s)
{
	if (s[0] != '%' || hex_value(s[1]) < 0 || hex_value(s[2]) < 0)
		return -1;
	return hex_value(s[1]) * 16 + hex_value(s[2]);
}

static void add_one(const char *s)
{
	/* Short strings would mask ordinary words; they are not real secrets. */
	if (strlen(s) < 3)
		return;
	for (size_t i = 0; i < n_secrets; i++)
		if (!strcmp(secrets[i], s))
			return;
	XGROW(secrets, alloc_secrets, n_secrets + 1);
	secrets[n_secrets++] = xstrdup(s);
}

void secret_add(const char *secret)
{
	if (!secret)
		return;
	add_one(secret);
	/* A password given %-encoded (PGPASSWORD=p%40ss) may show decoded ("p@ss") in a server message. */
	if (!strchr(secret, '%'))
		return;
	struct buf b = BUF_INIT;
	buf_adds(&b, "");
	for (const char *p = secret; *p; p++) {
		int c = escaped_byte(p);
		buf_addc(&b, c > 0 ? (char)c : *p);
		p += c > 0 ? 2 : 0;
	}
	add_one(b.data);
	buf_release(&b);
}

void secret_add_env(const char *name)
{
	secret_add(getenv(name));
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && !strncmp(s + n - k, suffix, k);
}

/* Names of variables that hold a token or a password by convention. */
static bool secret_name(const char *entry, size_t n)
{
	static const char *const exact[] = {
	    "GITHUB_TOKEN",          "GH_TOKEN",          "GITLAB_TOKEN", "CI_JOB_TOKEN",
	    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PGPASSWORD"};
	static const char *const suffixes[] = {"_TOKEN", "_PASSWORD", "_PASSWD", "_SECRET", "_SECRET_KEY", "_API_KEY"};
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strlen(exact[i]) == n && !strncmp(entry, exact[i], n))
			return true;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(entry, n, suffixes[i]))
			return true;
	return false;
}

/* Flags, not secrets: masking "true" would garble every message that says it. */
static bool plain_word(const char *v)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "none", "null"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(v, words[i]))
			return true;
	return false;
}

void secret_add_token_env(void)
{
	for (char **e = environ; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		if ((*e)[n] == '=' && secret_name(*e, n) && !plain_word(*e + n + 1))
			secret_add(*e + n + 1);
	}
}

unsigned secret_count(void)
{
	return (unsigned)n_secrets;
}

void secret_clear(void)
{
	for (size_t i = 0; i < n_secrets; i++)
		free(secrets[i]);
	free(secrets);
	secrets = NULL;
	n_secrets = alloc_secrets = 0;
	strlist_release(&taken);
}

/* ---- finding secrets ------------------------------------------------------------- */

/*
 * Length of secret at s, spelt raw or with any byte %-encoded ('+' for a
 * blank), or 0. Only a '%' of the secret can be read both ways ("%25..." is
 * '%' encoded, or '%' followed by "25"), so only there are both tried.
 */
static size_t match_at(const char *s, const char *secret)
{
	size_t i = 0;
	for (const char *p = secret; *p; p++) {
		if (*p == '%' && escaped_byte(s + i) == '%') {
			size_t rest = match_at(s + i + 3, p + 1);
			if (rest || !p[1])
				return i + 3 + rest;
		}
		if (s[i] == *p)
			i++;
		else if (escaped_byte(s + i) == (unsigned char)*p)
			i += 3;
		else if (*p == ' ' && s[i] == '+')
			i++;
		else
			return 0;
	}
	return i;
}

static size_t registered_at(const char *s)
{
	size_t best = 0;
	for (size_t k = 0; k < n_secrets; k++) {
		size_t n = match_at(s, secrets[k]);
		best = n > best ? n : best;
	}
	return best;
}

/* Where a URL written in running text ends: at a blank or a quote around it. */
static bool url_end(char c)
{
	return !c || isspace((unsigned char)c) || c == '\'' || c == '"' || c == '`';
}

/*
 * In "scheme://user:password@host", the password runs from the colon to the
 * last '@' of the URL; 0 when none. The last, not the first: a raw '@' in the
 * password ("u:p@ss@host") would otherwise leave "ss" in the clear, and a
 * '/' may be part of a password too. Masking a little more of a malformed
 * URL is the price.
 */
static size_t url_password_end(const char *s, size_t colon)
{
	size_t at = 0;
	for (size_t i = colon + 1; !url_end(s[i]); i++)
		if (s[i] == '@')
			at = i;
	return at;
}

/* The userinfo password of the URL at s ("scheme://..."): its start and end (0 when none). */
static size_t url_password_at(const char *s, size_t *start)
{
	const char *sep = strstr(s, "://");
	if (!sep)
		return 0;
	size_t i = (size_t)(sep - s) + 3;
	while (!url_end(s[i]) && s[i] != ':' && s[i] != '@' && s[i] != '/')
		i++;
	*start = i + 1;
	return s[i] == ':' ? url_password_end(s, i) : 0;
}

void secret_add_url(const char *url)
{
	size_t start, end = url ? url_password_at(url, &start) : 0;
	if (!end)
		return;
	char *pw = xstrndup(url + start, end - start);
	secret_add(pw);
	/* libpq reads "p@ss@host" as password "p" and host "ss@host", and names that host in its errors. */
	for (char *at = strchr(pw, '@'); at; at = strchr(at + 1, '@'))
		secret_add(at + 1);
	free(pw);
}

bool secret_url_raw_at(const char *url)
{
	size_t start, end = url ? url_password_at(url, &start) : 0;
	/* "host:5432/db?x=a@b" is a port and a query, not a password: only advice hangs on it, not masking. */
	return end && memchr(url + start, '@', end - start) && strcspn(url + start, "/?") >= end - start;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Length of "password=" or "PGPASSWORD=" (any case, blanks around '=') at s + i, or 0. */
static size_t password_key_len(const char *s, size_t i)
{
	if (i && word_char(s[i - 1]))
		return 0;
	size_t n = !strncasecmp(s + i, "pg", 2) ? 2 : 0;
	if (strncasecmp(s + i + n, "password", 8))
		return 0;
	n += 8;
	while (s[i + n] == ' ' || s[i + n] == '\t')
		n++;
	if (s[i + n] != '=')
		return 0;
	n++;
	while (s[i + n] == ' ' || s[i + n] == '\t')
		n++;
	return n;
}

/*
 * End of a value: 'quoted, with \\ escapes' or a bare word. A bare word ends
 * at a blank or '&', and at a quote, bracket or comma that closes the text
 * around it ("... password=x': ...", "(PGPASSWORD=x)"), i.e. one not
 * followed by a letter or digit.
 */
static size_t kv_value_end(const char *s, size_t i)
{
	if (s[i] != '\'') {
		while (s[i] && !isspace((unsigned char)s[i]) && s[i] != '&' &&
		       !(strchr("'\"),;]}", s[i]) && !word_char(s[i + 1])))
			i++;
		return i;
	}
	for (i++; s[i] && s[i] != '\''; i++)
		if (s[i] == '\\' && s[i + 1])
			i++;
	return s[i] ? i + 1 : i;
}

/* The end of a password found at start: end, or further when a registered secret starts there and is longer. */
static size_t longest(size_t end, const char *s, size_t start)
{
	size_t n = registered_at(s + start);
	return start + n > end ? start + n : end;
}

typedef void (*span_fn)(void *ctx, size_t start, size_t end);

/*
 * Calls fn for every span of s that holds a secret, in order, in one pass:
 * registered secrets, URL passwords, password= values. in_userinfo is true
 * between a "://" and the next blank, newline or '@'.
 */
static void scan(const char *s, span_fn fn, void *ctx)
{
	bool in_userinfo = false;
	size_t i = 0;
	while (s[i]) {
		size_t n = registered_at(s + i), end;
		if (n) {
			fn(ctx, i, i + n);
			i += n;
			continue;
		}
		if (s[i] == ':' && in_userinfo) {
			end = url_password_end(s, i);
			in_userinfo = false; /* a later colon of the same part would stop at the same place */
			if (end) {
				end = longest(end, s, i + 1); /* "u:p@ss@host": a registered p@ss wins */
				fn(ctx, i + 1, end);
				i = end;
				continue;
			}
		}
		if ((n = password_key_len(s, i)) != 0) {
			end = longest(kv_value_end(s, i + n), s, i + n);
			fn(ctx, i + n, end);
			i = end;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '@')
			in_userinfo = false;
		else if (s[i] == '/' && i >= 2 && s[i - 1] == '/' && s[i - 2] == ':')
			in_userinfo = true;
		i++;
	}
}

struct mask_ctx {
	const char *s;
	size_t done;
	struct buf out;
	bool found;
};

static void mask_span(void *p, size_t start, size_t end)
{
	struct mask_ctx *m = p;
	buf_add(&m->out, m->s + m->done, start - m->done);
	buf_adds(&m->out, "****");
	m->done = end;
	m->found = true;
}

char *secret_mask(const char *s)
{
	struct mask_ctx m = {s, 0, BUF_INIT, false};
	buf_adds(&m.out, "");
	scan(s, mask_span, &m);
	buf_adds(&m.out, s + m.done);
	return buf_detach(&m.out);
}

static void found_span(void *p, size_t start, size_t end)
{
	(void)start;
	(void)end;
	*(bool *)p = true;
}

bool secret_found(const char *s)
{
	bool found = false;
	scan(s, found_span, &found);
	return found;
}

static void scrub_span(void *p, size_t start, size_t end)
{
	memset((char *)p + start, '*', end - start);
}

void secret_scrub(char *s)
{
	scan(s, scrub_span, s);
}

/* ---- the environment ------------------------------------------------------------- */

static bool named(const char *entry, size_t n, const char *const *also, unsigned n_also)
{
	for (unsigned i = 0; i < n_also; i++)
		if (also[i] && strlen(also[i]) == n && !strncmp(entry, also[i], n))
			return true;
	return false;
}

void secret_strip_environ(const char *const *also, unsigned n_also)
{
	struct strlist names = STRLIST_INIT;
	for (char **e = environ; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		if ((*e)[n] != '=' || !(named(*e, n, also, n_also) || secret_found(*e + n + 1)))
			continue;
		strlist_add(&taken, *e);
		strlist_add_owned(&names, xstrndup(*e, n));
		/* Blank the whole value: the original block is what /proc/PID/environ reads. */
		memset(*e + n + 1, '*', strlen(*e + n + 1));
	}
	for (size_t i = 0; i < names.n; i++)
		unsetenv(names.items[i]);
	strlist_release(&names);
}

const char *secret_getenv(const char *name)
{
	const char *v = getenv(name);
	size_t n = strlen(name);
	for (size_t i = taken.n; !v && i-- > 0;)
		if (!strncmp(taken.items[i], name, n) && taken.items[i][n] == '=')
			v = taken.items[i] + n + 1;
	return v;
}

void secret_protect_process(void)
{
#ifdef __linux__
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}
