/*
 * Polls an application's health URL over the one HTTP client (net/http.h)
 * until it answers 2xx a number of times in a row, or a deadline passes:
 * deploy's verify stage. One GET per interval, each bounded by the time
 * left; a try that gets no answer (connection refused, a timeout) counts as
 * unhealthy and polling goes on, except when another try cannot help (a
 * certificate refused, a bad URL). Nothing here prints or records an error:
 * the caller judges the outcome.
 */
#ifndef GATE_NET_HEALTH_H
#define GATE_NET_HEALTH_H

#include <stdbool.h>

#include "util/strset.h"

/* How much of the last body the outcome keeps. */
#define HEALTH_BODY_MAX 300

struct health_probe {
	const char *url;
	const struct strlist *headers; /* "Name: value" lines (a token: register it as a secret), or NULL */
	const char *ca_file;           /* the CAs to trust for https, or NULL for the system's */
	unsigned timeout_ms;           /* the whole poll */
	unsigned interval_ms;          /* from one try's start to the next */
	unsigned checks;               /* 2xx answers in a row that pass */
};

struct health_outcome {
	bool passed;
	long status;       /* the last answer's HTTP status; 0 when none came */
	char *body;        /* the first HEALTH_BODY_MAX bytes of the last body, printable, masked; NULL when empty */
	char *error;       /* why the last try got no answer (masked), or NULL */
	unsigned tries;    /* requests sent */
	unsigned in_a_row; /* 2xx answers in a row at the end */
	double ms;         /* from the first try to the verdict */
};

void health_outcome_init(struct health_outcome *o);
void health_outcome_release(struct health_outcome *o);

/* Polls p->url as described above; fills o (reset first). Never fails: o says what happened. */
void health_poll(const struct health_probe *p, struct health_outcome *o);

#endif
