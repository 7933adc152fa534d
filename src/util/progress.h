/*
 * Progress of long steps on stderr. Every step ends in one line with its
 * elapsed time, as it happens. On a terminal (and at normal verbosity) a
 * spinner with the running time shows the step while it runs and is replaced
 * by that line; elsewhere (a CI log, a pipe) only the final lines are written.
 */
#ifndef GATE_UTIL_PROGRESS_H
#define GATE_UTIL_PROGRESS_H

#include <stdbool.h>

/* Milliseconds since the run's clock started (the first call of any progress function). */
double progress_clock_ms(void);

/* Starts a step named by fmt; returns its start on the run's clock. One step at a time. */
double progress_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ends the running step with its line ("ok" or "FAILED" and the elapsed time); returns the elapsed ms. */
double progress_end(bool ok);

#endif
