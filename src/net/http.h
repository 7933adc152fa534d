/*
 * The one HTTP client of the project, over libcurl: any method, request
 * headers, a body from memory or streamed from a file, the response status,
 * headers and body (capped), AWS SigV4 signing, and retries with exponential
 * backoff for connection errors, 5xx, 408 and 429 (Retry-After honoured).
 *
 * Nothing here prints: a request that gets no response records an EXIT_ENV
 * error naming the URL without its query string (a presigned URL carries its
 * signature there), and every other outcome is left to the caller, who reads
 * resp->status. Redirects are not followed.
 */
#ifndef GATE_NET_HTTP_H
#define GATE_NET_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/strset.h"

struct http_retry {
	unsigned attempts;     /* tries in all; 0 means 3 */
	unsigned delay_ms;     /* wait before the second try, doubled after each; 0 means 1000 */
	unsigned max_delay_ms; /* longest single wait, Retry-After included; 0 means 30000 */
};

struct http_request {
	const char *method;            /* "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"; NULL means GET */
	const char *url;               /* http:// or https:// */
	const struct strlist *headers; /* "Name: value" lines, or NULL */
	const char *body;              /* the body from memory (body_len bytes), or NULL */
	size_t body_len;
	const char *body_path; /* or a file streamed from disk, reopened for each try; never loaded whole */
	const char *aws_sigv4; /* e.g. "aws:amz:eu-west-1:s3": sign with CURLOPT_AWS_SIGV4, user_pwd is KEY:SECRET */
	const char *user_pwd;  /* credentials for aws_sigv4 (or HTTP basic auth without it); register them as secrets */
	size_t max_body;       /* keep at most this much of the response body; 0 means 1 MiB */
	long timeout_s;        /* the whole of one try; 0 means no limit */
	long connect_timeout_s; /* 0 means 30 */
	long timeout_ms;        /* when not 0, the whole of one try in milliseconds, instead of timeout_s */
	const char *ca_file;    /* a PEM bundle of the CAs to trust for https (a private CA), or NULL: the system's */
	struct http_retry retry;
	/* Called about once a second and at the end while the body is sent; may be NULL. */
	void (*progress)(void *ctx, uint64_t sent, uint64_t total);
	void *progress_ctx;
	const char *what; /* what the request is, for messages, e.g. "upload of 'x.tar.zst'"; NULL: "request" */
};

struct http_response {
	long status;            /* the last response's HTTP status; 0 when none arrived */
	struct strlist headers; /* the last response's headers as "name: value", name in lowercase */
	struct buf body;        /* the last response's body, up to max_body */
	bool truncated;         /* the body was longer than max_body */
	unsigned attempts;      /* tries made */
	uint64_t sent;          /* body bytes sent by the last try */
	double seconds;         /* wall time of all tries and waits */
	bool lasting; /* no response, for a reason another try will not fix (a certificate refused, a bad URL) */
};

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);

/* The value of a response header (name in any case), or NULL. */
const char *http_header(const struct http_response *r, const char *name);

/*
 * Sends req, retrying as described above. Returns 0 when a response arrived
 * (any status; after the last try a 5xx stays in resp->status for the caller
 * to judge), or -1 with a recorded error when no try got one (cannot connect,
 * timeout, cannot read body_path). resp is reset first.
 */
int http_send(const struct http_request *req, struct http_response *resp);

/* The URL without user info, query string and fragment, for messages. Newly allocated. */
char *http_url_redacted(const char *url);

/* A short description of a failed response for messages: "HTTP 403: <Code> <Message>" from an S3-style XML
 * or JSON body when there is one, else "HTTP 403". Newly allocated. */
char *http_describe_status(const struct http_response *r);

#endif
