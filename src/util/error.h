/*
 * Error reporting by status: a failing function records what went wrong with
 * gate_error() and returns its result; only main prints the recorded errors
 * and turns them into the exit status.
 */
#ifndef GATE_UTIL_ERROR_H
#define GATE_UTIL_ERROR_H

enum gate_exit {
	EXIT_PASS = 0,  /* gate passed */
	EXIT_FAIL = 1,  /* gate failed: findings or replay */
	EXIT_USAGE = 2, /* usage, config or input error */
	EXIT_ENV = 3,   /* environment: cannot connect, no binaries, no Python/Alembic */
	EXIT_APPLY = 4, /* apply failed; production's state is printed */
};

/*
 * Records an error with its exit code and an optional hint (NULL for none).
 * Returns -1 so callers can write `return gate_error(...)`. Secrets are masked
 * when the error is printed.
 */
int gate_error(enum gate_exit code, const char *hint, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The exit code of the most severe recorded error, or EXIT_PASS when none. */
enum gate_exit gate_error_code(void);
/* How many errors have been recorded. */
unsigned gate_error_count(void);
/* Prints every recorded error (and its hint) to stderr and forgets them. */
void gate_error_flush(void);
/*
 * Turns the errors recorded since gate_error_count() returned `first` into
 * warnings: prints them (and their hints) as warnings and forgets them, so they
 * do not change the exit status. For side tasks that must never fail the gate.
 */
void gate_error_warn_since(unsigned first);
/*
 * Forgets the errors recorded since gate_error_count() returned `first`: for
 * work tried ahead of its place, done again there when it failed.
 */
void gate_error_forget_since(unsigned first);
/* The message of the i-th recorded error, for tests. */
const char *gate_error_message(unsigned i);

#endif
