#include "util/interrupt.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/banned.h"

#define WHERE_MAX 240

/* Two buffers: the handler reads the one `current` names while the other is written. */
static char where[2][WHERE_MAX];
static volatile sig_atomic_t current;

void interrupt_where(const char *fmt, ...)
{
	int next = !current;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(where[next], WHERE_MAX, fmt, ap);
	va_end(ap);
	current = next;
}

static void put(const char *s)
{
	ssize_t n = write(STDERR_FILENO, s, strlen(s));
	(void)n;
}

/* Async-signal-safe: write(), signal(), raise() and static text only. */
static void on_signal(int sig)
{
	put("interrupted by ");
	put(sig == SIGINT ? "SIGINT" : "SIGTERM");
	if (where[current][0]) {
		put(" during ");
		put(where[current]);
	}
	put(": no report written\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

static void handle(void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void interrupt_install(void)
{
	handle(on_signal);
}

static volatile sig_atomic_t pending;

static void on_signal_deferred(int sig)
{
	pending = sig;
}

void interrupt_defer(void)
{
	handle(on_signal_deferred);
}

int interrupt_pending(void)
{
	return pending;
}

const char *interrupt_name(void)
{
	return pending == SIGINT ? "SIGINT" : pending == SIGTERM ? "SIGTERM" : NULL;
}

void interrupt_finish(void)
{
	if (!pending)
		return;
	fflush(NULL);
	signal(pending, SIG_DFL);
	raise(pending);
}
