/* For unit tests: forget the errors earlier calls recorded, without printing them. */
#ifndef GATE_TESTS_QUIET_ERRORS_H
#define GATE_TESTS_QUIET_ERRORS_H

#include <stdio.h>

#include "util/error.h"

static inline void forget_errors(void)
{
	FILE *saved = stderr, *null = fopen("/dev/null", "w");
	stderr = null ? null : saved;
	gate_error_flush();
	stderr = saved;
	if (null)
		fclose(null);
}

#endif
