#include "util/error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* Enough for every input of one run to be reported; the rest is counted. */
#define MAX_ERRORS 64

struct recorded {
	enum gate_exit code;
	char *message;
	char *hint;
};

static struct recorded errors[MAX_ERRORS];
static unsigned n_errors;
static unsigned n_dropped;
static enum gate_exit worst = EXIT_PASS;

/* Environment and apply errors outrank usage errors for the exit status. */
static int rank(enum gate_exit c)
{
	switch (c) {
	case EXIT_APPLY:
		return 4;
	case EXIT_ENV:
		return 3;
	case EXIT_USAGE:
		return 2;
	case EXIT_FAIL:
		return 1;
	default:
		return 0;
	}
}

int gate_error(enum gate_exit code, const char *hint, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (rank(code) > rank(worst))
		worst = code;
	if (n_errors == MAX_ERRORS) {
		n_dropped++;
		buf_release(&msg);
		return -1;
	}
	errors[n_errors].code = code;
	errors[n_errors].message = buf_detach(&msg);
	errors[n_errors].hint = hint ? xstrdup(hint) : NULL;
	n_errors++;
	return -1;
}

enum gate_exit gate_error_code(void)
{
	return worst;
}

unsigned gate_error_count(void)
{
	return n_errors + n_dropped;
}

const char *gate_error_message(unsigned i)
{
	return i < n_errors ? errors[i].message : NULL;
}

void gate_error_flush(void)
{
	for (unsigned i = 0; i < n_errors; i++) {
		log_error("%s", errors[i].message);
		if (errors[i].hint)
			log_hint("%s", errors[i].hint);
		free(errors[i].message);
		free(errors[i].hint);
	}
	if (n_dropped)
		log_error("%u more errors not shown", n_dropped);
	n_errors = 0;
	n_dropped = 0;
}

static void drop_since(unsigned first, bool warn)
{
	for (unsigned i = first; i < n_errors; i++) {
		if (warn) {
			log_warn("%s", errors[i].message);
			if (errors[i].hint)
				log_hint("%s", errors[i].hint);
		}
		free(errors[i].message);
		free(errors[i].hint);
	}
	if (first < n_errors)
		n_errors = first;
	worst = EXIT_PASS;
	for (unsigned i = 0; i < n_errors; i++)
		if (rank(errors[i].code) > rank(worst))
			worst = errors[i].code;
}

void gate_error_warn_since(unsigned first)
{
	drop_since(first, true);
}

void gate_error_forget_since(unsigned first)
{
	drop_since(first, false);
}
