#include "net/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

#define DEFAULT_ATTEMPTS 3
#define DEFAULT_DELAY_MS 1000
#define DEFAULT_MAX_DELAY_MS 30000
#define DEFAULT_MAX_BODY (1024 * 1024)

/* What one try needs from the callbacks. */
struct transfer {
	const struct http_request *req;
	struct http_response *resp;
	size_t max_body;
	FILE *body_file;
	bool read_failed;
	double last_progress; /* monotonic seconds of the last progress call */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int global_init(void)
{
	static bool done;
	if (!done && curl_global_init(CURL_GLOBAL_DEFAULT))
		return gate_error(EXIT_ENV, "check the libcurl installation", "cannot initialise libcurl");
	done = true;
	return 0;
}

void http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
}

void http_response_release(struct http_response *r)
{
	strlist_release(&r->headers);
	buf_release(&r->body);
	http_response_init(r);
}

const char *http_header(const struct http_response *r, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < r->headers.n; i++) {
		const char *h = r->headers.items[i];
		if (!strncasecmp(h, name, n) && h[n] == ':')
			return h + n + 1 + (h[n + 1] == ' ');
	}
	return NULL;
}

/* A new status line starts a new response (100 Continue, or the next try): forget the last one's headers. */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	size_t len = size * n;
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		strlist_release(&t->resp->headers);
		buf_reset(&t->resp->body);
		t->resp->truncated = false;
		return size * n;
	}
	const char *colon = memchr(data, ':', len);
	if (!colon)
		return size * n;
	struct buf line = BUF_INIT;
	for (const char *p = data; p < colon; p++)
		buf_addc(&line, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	buf_adds(&line, ":");
	const char *v = colon + 1;
	while (v < data + len && (*v == ' ' || *v == '\t'))
		v++;
	buf_addc(&line, ' ');
	buf_add(&line, v, (size_t)(data + len - v));
	strlist_add_owned(&t->resp->headers, buf_detach(&line));
	return size * n;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	size_t len = size * n, room = t->max_body - t->resp->body.len;
	if (t->resp->body.len + len > t->max_body)
		t->resp->truncated = true;
	buf_add(&t->resp->body, data, len < room ? len : room);
	return len;
}

static size_t on_read(char *dest, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	size_t got = fread(dest, 1, size * n, t->body_file);
	if (got < size * n && ferror(t->body_file)) {
		t->read_failed = true;
		return CURL_READFUNC_ABORT;
	}
	t->resp->sent += got;
	return got;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = user;
	(void)dltotal;
	(void)dlnow;
	double now = now_s();
	if (t->req->progress && ulnow > 0 && (now - t->last_progress >= 1.0 || ulnow == ultotal)) {
		t->last_progress = now;
		t->req->progress(t->req->progress_ctx, (uint64_t)ulnow, (uint64_t)ultotal);
	}
	return 0;
}

/* Everything but the body source, the same for every try. */
static void set_common(CURL *h, const struct http_request *req, struct transfer *t, struct curl_slist *headers,
                       char *errbuf)
{
	const char *method = req->method ? req->method : "GET";
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, t);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "migrate-gate/" MIGRATE_GATE_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, req->connect_timeout_s ? req->connect_timeout_s : 30L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, req->timeout_s);
	if (req->timeout_ms)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	if (req->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, req->ca_file);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (req->user_pwd)
		curl_easy_setopt(h, CURLOPT_USERPWD, req->user_pwd);
	if (req->aws_sigv4)
		curl_easy_setopt(h, CURLOPT_AWS_SIGV4, req->aws_sigv4);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") && strcmp(method, "PUT"))
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	else if (!strcmp(method, "PUT") && !req->body_path)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
}

/* The body of one try: from memory as POSTFIELDS, from a file as an upload read from the start again. */
static int set_body(CURL *h, const struct http_request *req, struct transfer *t)
{
	if (req->body_path) {
		struct stat st;
		t->body_file = fopen(req->body_path, "rb");
		if (!t->body_file || fstat(fileno(t->body_file), &st))
			return gate_error(EXIT_ENV, "check that the file exists and is readable",
			                  "cannot read '%s': %s", req->body_path, strerror(errno));
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(h, CURLOPT_READDATA, t);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
	} else if (req->body || (req->method && strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))) {
		/* A PUT, POST or PATCH without a body still says Content-Length: 0. */
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
	}
	return 0;
}

static bool retryable_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static bool retryable_status(long status)
{
	return status >= 500 || status == 408 || status == 429;
}

/* Retry-After in seconds (an HTTP date is not worth parsing here), in ms; 0 when absent. */
static unsigned retry_after_ms(const struct http_response *r)
{
	const char *v = http_header(r, "retry-after");
	char *end;
	if (!v)
		return 0;
	errno = 0;
	unsigned long s = strtoul(v, &end, 10);
	if (errno || end == v || s > 86400)
		return 0;
	return (unsigned)s * 1000u;
}

static struct curl_slist *header_list(const struct http_request *req)
{
	struct curl_slist *l = NULL;
	/* Expect: 100-continue would cost a round trip, or a second when the server ignores it. */
	l = curl_slist_append(l, "Expect:");
	for (size_t i = 0; req->headers && i < req->headers->n; i++)
		l = curl_slist_append(l, req->headers->items[i]);
	return l;
}

/* One try. Returns the libcurl code; resp->status is set when a response arrived. */
static CURLcode one_try(CURL *h, const struct http_request *req, struct http_response *resp, char *errbuf,
                        bool *read_failed)
{
	struct transfer t = {req, resp, req->max_body ? req->max_body : DEFAULT_MAX_BODY, NULL, false, 0};
	struct curl_slist *headers = header_list(req);
	CURLcode rc;
	curl_easy_reset(h);
	resp->status = 0;
	resp->sent = 0;
	strlist_release(&resp->headers);
	buf_reset(&resp->body);
	resp->truncated = false;
	errbuf[0] = '\0';
	set_common(h, req, &t, headers, errbuf);
	if (set_body(h, req, &t)) {
		rc = CURLE_READ_ERROR;
		*read_failed = true;
		goto out;
	}
	rc = curl_easy_perform(h);
	*read_failed = t.read_failed;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	else if (!req->body_path)
		resp->sent = 0;
out:
	if (t.body_file)
		fclose(t.body_file);
	curl_slist_free_all(headers);
	return rc;
}

static int no_response(const struct http_request *req, CURLcode rc, const char *errbuf, unsigned attempts,
                       bool read_failed)
{
	char *where = http_url_redacted(req->url);
	const char *what = req->what ? req->what : "request";
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	int ret;
	if (read_failed)
		ret = gate_error(EXIT_ENV, "check the file and the disk it is on",
		                 "%s to '%s' failed: cannot read '%s'", what, where, req->body_path);
	else
		ret = gate_error(EXIT_ENV, "check the URL, the network and that the server is up",
		                 "%s to '%s' failed after %u tr%s: %s", what, where, attempts,
		                 attempts == 1 ? "y" : "ies", why);
	free(where);
	return ret;
}

int http_send(const struct http_request *req, struct http_response *resp)
{
	unsigned attempts = req->retry.attempts ? req->retry.attempts : DEFAULT_ATTEMPTS;
	unsigned delay = req->retry.delay_ms ? req->retry.delay_ms : DEFAULT_DELAY_MS;
	unsigned max_delay = req->retry.max_delay_ms ? req->retry.max_delay_ms : DEFAULT_MAX_DELAY_MS;
	char errbuf[CURL_ERROR_SIZE];
	double start = now_s();
	bool read_failed = false;
	CURLcode rc = CURLE_OK;
	http_response_release(resp);
	if (global_init())
		return -1;
	CURL *h = curl_easy_init();
	if (!h)
		return gate_error(EXIT_ENV, "check the libcurl installation", "cannot create a libcurl handle");
	for (resp->attempts = 1;; resp->attempts++) {
		rc = one_try(h, req, resp, errbuf, &read_failed);
		bool again = rc == CURLE_OK ? retryable_status(resp->status) : retryable_code(rc) && !read_failed;
		if (!again || resp->attempts >= attempts)
			break;
		unsigned wait = rc == CURLE_OK && retry_after_ms(resp) > delay ? retry_after_ms(resp) : delay;
		sleep_ms(wait < max_delay ? wait : max_delay);
		delay = delay > max_delay / 2 ? max_delay : delay * 2;
	}
	curl_easy_cleanup(h);
	resp->seconds = now_s() - start;
	resp->lasting = rc != CURLE_OK && (read_failed || !retryable_code(rc));
	return rc == CURLE_OK ? 0 : no_response(req, rc, errbuf, resp->attempts, read_failed);
}

char *http_url_redacted(const char *url)
{
	struct buf b = BUF_INIT;
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *end = host + strcspn(host, "/?#");
	const char *at = memchr(host, '@', (size_t)(end - host));
	buf_add(&b, url, (size_t)(host - url));
	if (at)
		host = at + 1;
	buf_add(&b, host, strcspn(host, "?#"));
	return buf_detach(&b);
}

/* The text of <Tag>...</Tag> in an S3-style XML error body, or NULL. */
static char *xml_field(const char *body, const char *tag)
{
	struct buf open = BUF_INIT, close = BUF_INIT;
	char *out = NULL;
	buf_addf(&open, "<%s>", tag);
	buf_addf(&close, "</%s>", tag);
	const char *s = strstr(body, open.data);
	const char *e = s ? strstr(s, close.data) : NULL;
	if (e)
		out = xstrndup(s + open.len, (size_t)(e - s - (ptrdiff_t)open.len));
	buf_release(&open);
	buf_release(&close);
	return out;
}

char *http_describe_status(const struct http_response *r)
{
	struct buf b = BUF_INIT;
	const char *body = buf_str(&r->body);
	char *code = xml_field(body, "Code"), *message = xml_field(body, "Message");
	buf_addf(&b, "HTTP %ld", r->status);
	if (code)
		buf_addf(&b, ": %s", code);
	if (message)
		buf_addf(&b, "%s%.200s", code ? " (" : ": ", message);
	if (message && code)
		buf_addc(&b, ')');
	free(code);
	free(message);
	return buf_detach(&b);
}
