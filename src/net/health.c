#include "net/health.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/http.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/progress.h"

#include "util/banned.h"

static void sleep_ms(double ms)
{
	struct timespec ts = {(time_t)(ms / 1000.0), (long)((ms - (double)(time_t)(ms / 1000.0) * 1000.0) * 1e6)};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void health_outcome_init(struct health_outcome *o)
{
	memset(o, 0, sizeof(*o));
}

void health_outcome_release(struct health_outcome *o)
{
	free(o->body);
	free(o->error);
	health_outcome_init(o);
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * A body is whatever the application sends, cut at a byte count: it goes on
 * one line of the report as text, so control bytes become blanks and what is
 * not UTF-8 (a cut sequence included) becomes '?'. Then masked: an error page
 * may echo the token it was sent.
 */
static char *printable(const struct buf *body)
{
	const unsigned char *s = (const unsigned char *)buf_str(body);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < body->len;) {
		size_t len = s[i] < 0x80 ? 1 : utf8_len(s + i, body->len - i);
		if (s[i] < 0x80)
			buf_addc(&b, s[i] < 0x20 || s[i] == 0x7f ? ' ' : (char)s[i]);
		else if (len)
			buf_add(&b, (const char *)s + i, len);
		else
			buf_addc(&b, '?');
		i += len ? len : 1;
	}
	char *out = b.len ? log_mask(b.data) : NULL;
	buf_release(&b);
	return out;
}

/* One GET within the time left; the error http_send() records for a missing answer is kept in o, not raised. */
static bool one_try(const struct health_probe *p, double left_ms, struct health_outcome *o)
{
	struct http_request req;
	struct http_response resp;
	memset(&req, 0, sizeof(req));
	req.url = p->url;
	req.headers = p->headers;
	req.ca_file = p->ca_file;
	req.max_body = HEALTH_BODY_MAX;
	req.timeout_ms = left_ms < 1 ? 1 : (long)left_ms;
	req.connect_timeout_s = left_ms < 1000 ? 1 : (long)(left_ms / 1000.0 + 0.999);
	req.retry.attempts = 1;
	req.what = "health check";
	http_response_init(&resp);
	unsigned first = gate_error_count();
	int rc = http_send(&req, &resp);
	o->tries++;
	free(o->body);
	free(o->error);
	o->body = NULL;
	o->error = NULL;
	o->status = rc ? 0 : resp.status;
	if (rc)
		o->error = log_mask(gate_error_count() > first ? gate_error_message(first) : "no answer");
	else
		o->body = printable(&resp.body);
	gate_error_forget_since(first);
	bool lasting = rc && resp.lasting;
	http_response_release(&resp);
	o->in_a_row = o->status >= 200 && o->status < 300 ? o->in_a_row + 1 : 0;
	return lasting;
}

void health_poll(const struct health_probe *p, struct health_outcome *o)
{
	health_outcome_release(o);
	double start = progress_clock_ms(), deadline = start + p->timeout_ms;
	for (;;) {
		double t = progress_clock_ms();
		if (t >= deadline && o->tries)
			break;
		bool lasting = one_try(p, deadline - t, o);
		if (o->in_a_row >= p->checks) {
			o->passed = true;
			break;
		}
		double wait = t + p->interval_ms - progress_clock_ms(), left = deadline - progress_clock_ms();
		if (lasting || left <= 0)
			break;
		if (wait > 0)
			sleep_ms(wait < left ? wait : left);
	}
	o->ms = progress_clock_ms() - start;
}
