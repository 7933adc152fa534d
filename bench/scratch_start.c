/*
 * Times the scratch cluster the way `migrate-gate check` starts it: the wall
 * time of scratch_start() (until pg_ctl -w says the server accepts
 * connections) and of scratch_free() (stop and remove), cold (initdb) or
 * with --scratch-cache DIR.
 *
 * usage: scratch_start RUNS [CACHE_DIR]
 * Prints one "start_ms stop_ms" line per run. With CACHE_DIR, one untimed
 * start first fills the cache, so every timed run copies the template.
 *
 * Built by bench/check against build/libgatecore.a; not part of the product.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pg/scratch.h"
#include "util/error.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One start and stop; returns 0, or -1 after printing the recorded error. */
static int one_run(const struct scratch_options *opts, double *start_ms, double *stop_ms)
{
	struct scratch *s = NULL;
	double t0 = now_ms();
	if (scratch_start(opts, &s) < 0) {
		gate_error_flush();
		return -1;
	}
	double t1 = now_ms();
	scratch_free(s);
	*start_ms = t1 - t0;
	*stop_ms = now_ms() - t1;
	return 0;
}

int main(int argc, char **argv)
{
	struct scratch_options opts = {0};
	double start_ms, stop_ms;
	long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	if (argc < 2 || argc > 3 || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: scratch_start RUNS [CACHE_DIR]\n");
		return 2;
	}
	opts.cache_dir = argc == 3 ? argv[2] : NULL;
	if (opts.cache_dir && one_run(&opts, &start_ms, &stop_ms) < 0)
		return 3;
	for (long i = 0; i < runs; i++) {
		if (one_run(&opts, &start_ms, &stop_ms) < 0)
			return 3;
		printf("%.1f %.1f\n", start_ms, stop_ms);
	}
	return 0;
}
