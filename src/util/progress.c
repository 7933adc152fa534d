#include "util/progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"

#include "util/banned.h"

#define SPIN_INTERVAL_NS 100000000L

static struct timespec origin;
static bool have_origin;

static struct {
	char *label;
	double start_ms;
	bool running;
	bool spinning;
	bool stop;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
} step = {NULL, 0, false, false, false, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

double progress_clock_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!have_origin) {
		origin = now;
		have_origin = true;
	}
	return (double)(now.tv_sec - origin.tv_sec) * 1e3 + (double)(now.tv_nsec - origin.tv_nsec) / 1e6;
}

/* A spinner rewrites its line in place, which only a terminal shows as intended. */
static bool want_spinner(void)
{
	const char *term = getenv("TERM");
	return log_verbosity() == LOG_NORMAL && isatty(STDERR_FILENO) && !(term && !strcmp(term, "dumb"));
}

static void *spin(void *arg)
{
	static const char frames[] = "|/-\\";
	(void)arg;
	pthread_mutex_lock(&step.lock);
	for (unsigned i = 0; !step.stop; i++) {
		fprintf(stderr, "\r\033[K%c %s  %.1f s", frames[i % 4], step.label,
		        (progress_clock_ms() - step.start_ms) / 1e3);
		fflush(stderr);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += SPIN_INTERVAL_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&step.wake, &step.lock, &until);
	}
	fputs("\r\033[K", stderr);
	pthread_mutex_unlock(&step.lock);
	return NULL;
}

double progress_begin(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (step.running)
		progress_end(true);
	free(step.label);
	step.label = log_mask(buf_str(&b));
	buf_release(&b);
	step.start_ms = progress_clock_ms();
	step.running = true;
	step.stop = false;
	step.spinning = want_spinner() && !pthread_create(&step.thread, NULL, spin, NULL);
	return step.start_ms;
}

double progress_end(bool ok)
{
	if (!step.running)
		return 0;
	double ms = progress_clock_ms() - step.start_ms;
	if (step.spinning) {
		pthread_mutex_lock(&step.lock);
		step.stop = true;
		pthread_cond_signal(&step.wake);
		pthread_mutex_unlock(&step.lock);
		pthread_join(step.thread, NULL);
		step.spinning = false;
	}
	step.running = false;
	if (log_verbosity() >= LOG_NORMAL)
		fprintf(stderr, "  %s%-6s%s %s  %.2f s\n", log_sgr(ok ? "\033[32m" : "\033[1;31m"),
		        ok ? "ok" : "FAILED", log_sgr("\033[0m"), step.label, ms / 1e3);
	free(step.label);
	step.label = NULL;
	return ms;
}
