#include "util/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

#define MAX_SECRETS 32

static enum log_verbosity verbosity = LOG_NORMAL;
static bool color;
static char *secrets[MAX_SECRETS];
static unsigned n_secrets;

void log_set_verbosity(enum log_verbosity v)
{
	verbosity = v;
}
enum log_verbosity log_verbosity(void)
{
	return verbosity;
}
void log_set_color(bool on)
{
	color = on;
}
bool log_color(void)
{
	return color;
}

bool log_color_enabled(enum color_mode mode, FILE *stream)
{
	if (mode != COLOR_AUTO)
		return mode == COLOR_ALWAYS;
	const char *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		return false;
	return isatty(fileno(stream)) != 0;
}

const char *log_sgr(const char *code)
{
	return color ? code : "";
}

void log_add_secret(const char *secret)
{
	/* Short strings would mask ordinary words; they are not real secrets. */
	if (!secret || strlen(secret) < 3 || n_secrets == MAX_SECRETS)
		return;
	for (unsigned i = 0; i < n_secrets; i++)
		if (!strcmp(secrets[i], secret))
			return;
	secrets[n_secrets++] = xstrdup(secret);
}

/* In "scheme://user:password@host", the password runs from the colon to the '@'. */
static size_t url_password_end(const char *s, size_t colon)
{
	size_t i = colon + 1;
	while (s[i] && s[i] != '@' && s[i] != '/' && s[i] != ' ' && s[i] != '\n')
		i++;
	return s[i] == '@' ? i : 0;
}

static bool in_url_userinfo(const char *s, size_t pos)
{
	const char *scheme = NULL;
	for (size_t i = pos; i >= 2; i--) {
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '@')
			return false;
		if (s[i - 2] == ':' && s[i - 1] == '/' && s[i] == '/') {
			scheme = s + i;
			break;
		}
	}
	return scheme != NULL;
}

/* Length of "password=" at s + i, with the blanks libpq's conninfo allows around '=', or 0. */
static size_t password_key_len(const char *s, size_t i)
{
	if (strncmp(s + i, "password", 8) || (i && s[i - 1] != ' ' && s[i - 1] != '?' && s[i - 1] != '&'))
		return 0;
	size_t n = 8;
	while (s[i + n] == ' ' || s[i + n] == '\t')
		n++;
	if (s[i + n] != '=')
		return 0;
	n++;
	while (s[i + n] == ' ' || s[i + n] == '\t')
		n++;
	return n;
}

/* End of a conninfo value: 'quoted, with \\ escapes' or a bare word. */
static size_t kv_value_end(const char *s, size_t i)
{
	if (s[i] != '\'') {
		while (s[i] && s[i] != ' ' && s[i] != '&' && s[i] != '\n')
			i++;
		return i;
	}
	for (i++; s[i] && s[i] != '\''; i++)
		if (s[i] == '\\' && s[i + 1])
			i++;
	return s[i] ? i + 1 : i;
}

static size_t mask_secret_at(const char *s, size_t i)
{
	for (unsigned k = 0; k < n_secrets; k++) {
		size_t n = strlen(secrets[k]);
		if (!strncmp(s + i, secrets[k], n))
			return n;
	}
	return 0;
}

char *log_mask(const char *s)
{
	struct buf out = BUF_INIT;
	size_t i = 0;
	while (s[i]) {
		size_t n = mask_secret_at(s, i);
		if (n) {
			buf_adds(&out, "****");
			i += n;
			continue;
		}
		if (s[i] == ':' && in_url_userinfo(s, i)) {
			size_t end = url_password_end(s, i);
			if (end) {
				buf_adds(&out, ":****");
				i = end;
				continue;
			}
		}
		size_t key = password_key_len(s, i);
		if (key) {
			buf_adds(&out, "password=****");
			i = kv_value_end(s, i + key);
			continue;
		}
		buf_addc(&out, s[i++]);
	}
	return buf_detach(&out);
}

static void emit(const char *label, const char *sgr, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
static void emit(const char *label, const char *sgr, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vaddf(&b, fmt, ap);
	char *masked = log_mask(buf_str(&b));
	if (label)
		fprintf(stderr, "%s%s%s %s\n", log_sgr(sgr), label, log_sgr("\033[0m"), masked);
	else
		fprintf(stderr, "%s\n", masked);
	free(masked);
	buf_release(&b);
}

#define LOG_FN(name, min, label, sgr)                                                                                  \
	void name(const char *fmt, ...)                                                                                \
	{                                                                                                              \
		if (verbosity < (min))                                                                                 \
			return;                                                                                        \
		va_list ap;                                                                                            \
		va_start(ap, fmt);                                                                                     \
		emit(label, sgr, fmt, ap);                                                                             \
		va_end(ap);                                                                                            \
	}

LOG_FN(log_error, LOG_QUIET, "error:", "\033[1;31m")
LOG_FN(log_hint, LOG_QUIET, "hint:", "\033[1;36m")
LOG_FN(log_warn, LOG_NORMAL, "warning:", "\033[1;33m")
LOG_FN(log_info, LOG_NORMAL, NULL, "")
LOG_FN(log_debug, LOG_VERBOSE, "debug:", "\033[2m")
