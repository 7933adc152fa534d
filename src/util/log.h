/*
 * Terminal logging to stderr with verbosity, colour, and secret masking:
 * every line goes through secret_mask() (util/secret.h) before it is written,
 * so registered secrets and every password inside a connection URL or
 * key=value DSN show as "****".
 */
#ifndef GATE_UTIL_LOG_H
#define GATE_UTIL_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_verbosity { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 };
enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

void log_set_verbosity(enum log_verbosity v);
enum log_verbosity log_verbosity(void);
/* Resolves auto against NO_COLOR and whether the stream is a terminal. */
bool log_color_enabled(enum color_mode mode, FILE *stream);
void log_set_color(bool on);
bool log_color(void);

/* Same as secret_add() and secret_mask() of util/secret.h, the registry and masking API. */
void log_add_secret(const char *secret);
char *log_mask(const char *s);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ANSI sequences, or "" when colour is off. */
const char *log_sgr(const char *code);

#endif
