#include "util/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/secret.h"

#include "util/banned.h"

static enum log_verbosity verbosity = LOG_NORMAL;
static bool color;

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
	secret_add(secret);
}

char *log_mask(const char *s)
{
	return secret_mask(s);
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
