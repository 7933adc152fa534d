/*
 * net/http against the suite's own HTTP server (tests/lib/http_server.py on
 * 127.0.0.1): bodies from memory and streamed from a file, headers and body
 * capture with its cap, retries on 5xx and 429 with Retry-After, no retry on
 * 4xx, connection refused, HEAD, and AWS SigV4 signatures that the server
 * checks the way S3 does.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/http.h"
#include "quiet_errors.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/sha256.h"

struct server {
	pid_t pid;
	char url[128];
	char log[1024];
	char dir[1024];
};

static char out_dir[512];

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Starts the server with extra arguments (NULL-terminated); waits up to 10 s for its port. */
static void server_start(struct server *s, const char *name, ...)
{
	const char *src = getenv("MIGRATE_GATE_SRC");
	char script[512], port_file[1100], store[1100];
	const char *argv[32];
	int n = 0;
	va_list ap;
	assert_non_null(src);
	snprintf(script, sizeof(script), "%s/tests/lib/http_server.py", src);
	snprintf(s->dir, sizeof(s->dir), "%s/%s", out_dir, name);
	mkdir(s->dir, 0700);
	snprintf(port_file, sizeof(port_file), "%s/port", s->dir);
	snprintf(s->log, sizeof(s->log), "%.900s/requests.jsonl", s->dir);
	snprintf(store, sizeof(store), "%s/store", s->dir);
	mkdir(store, 0700);
	unlink(port_file);
	unlink(s->log);
	argv[n++] = access("/usr/bin/python3", X_OK) ? "python3" : "/usr/bin/python3";
	argv[n++] = script;
	argv[n++] = "--port-file";
	argv[n++] = port_file;
	argv[n++] = "--log";
	argv[n++] = s->log;
	argv[n++] = "--store";
	argv[n++] = store;
	argv[n++] = "--idle";
	argv[n++] = "60";
	va_start(ap, name);
	for (const char *a; (a = va_arg(ap, const char *)) && n < 30;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (!s->pid) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 1000 && access(port_file, R_OK); i++)
		sleep_ms(10);
	struct buf port = BUF_INIT;
	assert_int_equal(fs_read_file(port_file, &port), 0);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%s", port.data);
	buf_release(&port);
}

static void server_stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

/* How many request lines the server logged, and whether the log holds text. */
static int logged(const struct server *s, const char *text)
{
	struct buf b = BUF_INIT;
	int lines = 0;
	if (access(s->log, R_OK) || fs_read_file(s->log, &b))
		return 0;
	for (size_t i = 0; i < b.len; i++)
		lines += b.data[i] == '\n';
	if (text && !strstr(buf_str(&b), text))
		lines = -1;
	buf_release(&b);
	return lines;
}

static void fast_retry(struct http_request *r)
{
	r->retry.attempts = 3;
	r->retry.delay_ms = 20;
	r->retry.max_delay_ms = 2000;
}

static int setup(void **state)
{
	(void)state;
	const char *bin = getenv("MIGRATE_GATE_BIN");
	char tmpl[512];
	if (bin) {
		snprintf(out_dir, sizeof(out_dir), "%s", bin);
		char *slash = strrchr(out_dir, '/');
		if (slash)
			*slash = '\0';
		strncat(out_dir, "/test-outputs", sizeof(out_dir) - strlen(out_dir) - 1);
		mkdir(out_dir, 0755);
		strncat(out_dir, "/unit_http", sizeof(out_dir) - strlen(out_dir) - 1);
		mkdir(out_dir, 0755);
	} else {
		snprintf(tmpl, sizeof(tmpl), "/tmp/http_test.XXXXXX");
		assert_non_null(mkdtemp(tmpl));
		snprintf(out_dir, sizeof(out_dir), "%s", tmpl);
	}
	return 0;
}

static void test_put_file_streams_and_head_reads_size(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	char path[1100], url[256];
	server_start(&s, "put_file", (const char *)NULL);
	snprintf(path, sizeof(path), "%s/body.bin", s.dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 300000; i++)
		fputc('a' + i % 26, f);
	fclose(f);
	snprintf(url, sizeof(url), "%s/bucket/obj.bin?X-Amz-Signature=topsecret", s.url);
	struct http_request req = {.method = "PUT", .url = url, .body_path = path};
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.sent, 300000);
	assert_string_equal(http_header(&r, "X-TEST"), "yes");
	assert_true(logged(&s, "\"size\": 300000") == 1);
	struct http_request head = {.method = "HEAD", .url = url};
	assert_int_equal(http_send(&head, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_header(&r, "content-length"), "300000");
	http_response_release(&r);
	server_stop(&s);
}

static void test_body_from_memory_headers_and_cap(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	struct strlist headers = STRLIST_INIT;
	char url[256];
	server_start(&s, "memory", "--body", "0123456789abcdef", (const char *)NULL);
	snprintf(url, sizeof(url), "%s/api/comments", s.url);
	strlist_add(&headers, "Content-Type: application/json");
	strlist_add(&headers, "Authorization: Bearer tok-123456");
	struct http_request req = {
	    .method = "PATCH", .url = url, .headers = &headers, .body = "{\"a\":1}", .body_len = 7, .max_body = 10};
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "0123456789");
	assert_true(r.truncated);
	assert_true(logged(&s, "\"method\": \"PATCH\"") == 1);
	char want[128], hex[SHA256_HEX_LEN + 1];
	sha256_hex("Bearer tok-123456", 17, hex);
	snprintf(want, sizeof(want), "\"authorization\": \"sha256:%s\"", hex);
	assert_true(logged(&s, want) == 1);
	assert_true(logged(&s, "\"size\": 7") == 1);
	req.max_body = 0;
	req.method = "GET";
	req.body = NULL;
	assert_int_equal(http_send(&req, &r), 0);
	assert_string_equal(buf_str(&r.body), "0123456789abcdef");
	assert_false(r.truncated);
	strlist_release(&headers);
	http_response_release(&r);
	server_stop(&s);
}

static void test_retries_5xx_then_succeeds(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	char url[256];
	server_start(&s, "retry_ok", "--script", "500,503,200", (const char *)NULL);
	snprintf(url, sizeof(url), "%s/x", s.url);
	struct http_request req = {.method = "PUT", .url = url, .body = "abc", .body_len = 3};
	fast_retry(&req);
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(logged(&s, NULL), 3);
	http_response_release(&r);
	server_stop(&s);
}

static void test_gives_up_after_attempts(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	char url[256];
	server_start(&s, "retry_fail", "--script", "500,500,500,500", (const char *)NULL);
	snprintf(url, sizeof(url), "%s/x", s.url);
	struct http_request req = {.method = "PUT", .url = url, .body = "abc", .body_len = 3};
	fast_retry(&req);
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 500);
	assert_int_equal(r.attempts, 3);
	char *d = http_describe_status(&r);
	assert_string_equal(d, "HTTP 500: Scripted (scripted failure)");
	free(d);
	http_response_release(&r);
	server_stop(&s);
}

static void test_4xx_is_not_retried(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	char url[256];
	server_start(&s, "no_retry", "--script", "404", (const char *)NULL);
	snprintf(url, sizeof(url), "%s/x", s.url);
	struct http_request req = {.url = url};
	fast_retry(&req);
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.attempts, 1);
	http_response_release(&r);
	server_stop(&s);
}

static void test_retry_after_is_honoured(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	char url[256];
	server_start(&s, "retry_after", "--script", "429", "--retry-after", "1", (const char *)NULL);
	snprintf(url, sizeof(url), "%s/x", s.url);
	struct http_request req = {.url = url};
	fast_retry(&req);
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	assert_true(r.seconds >= 0.9); /* waited Retry-After: 1, not the 20 ms backoff */
	http_response_release(&r);
	server_stop(&s);
}

static void test_connection_refused_is_an_error(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	char url[256];
	server_start(&s, "refused", (const char *)NULL);
	snprintf(url, sizeof(url), "%s/x?sig=hidden-part", s.url);
	server_stop(&s); /* nothing listens on the port any more */
	struct http_request req = {.method = "PUT", .url = url, .body = "abc", .body_len = 3, .what = "upload of 'a'"};
	fast_retry(&req);
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), -1);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(gate_error_code(), EXIT_ENV);
	const char *msg = gate_error_message(0);
	assert_non_null(strstr(msg, "upload of 'a' to 'http://127.0.0.1:"));
	assert_non_null(strstr(msg, "failed after 3 tries"));
	assert_null(strstr(msg, "hidden-part"));
	forget_errors();
	http_response_release(&r);
}

static void test_unreadable_body_file(void **state)
{
	(void)state;
	struct http_response r;
	struct http_request req = {.method = "PUT", .url = "http://127.0.0.1:9/x", .body_path = "/nonexistent/file"};
	fast_retry(&req);
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), -1);
	assert_int_equal(r.attempts, 1);
	assert_non_null(strstr(gate_error_message(0), "cannot read '/nonexistent/file'"));
	forget_errors();
	http_response_release(&r);
}

static void test_sigv4_signature_is_checked(void **state)
{
	(void)state;
	struct server s;
	struct http_response r;
	struct strlist headers = STRLIST_INIT;
	char url[256];
	server_start(&s, "sigv4", "--sigv4", "AKIDTEST:good-secret-key", (const char *)NULL);
	snprintf(url, sizeof(url), "%s/bucket/dir/obj.tar.zst", s.url);
	/* sha256("hello") */
	strlist_add(&headers, "x-amz-content-sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
	struct http_request req = {.method = "PUT",
	                           .url = url,
	                           .headers = &headers,
	                           .body = "hello",
	                           .body_len = 5,
	                           .aws_sigv4 = "aws:amz:us-east-1:s3",
	                           .user_pwd = "AKIDTEST:good-secret-key"};
	http_response_init(&r);
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 200);
	req.user_pwd = "AKIDTEST:wrong-secret-key";
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 403);
	char *d = http_describe_status(&r);
	assert_non_null(strstr(d, "SignatureDoesNotMatch"));
	free(d);
	req.user_pwd = "AKIDTEST:good-secret-key";
	req.body = "hellO"; /* the payload hash no longer matches the body */
	assert_int_equal(http_send(&req, &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(buf_str(&r.body), "XAmzContentSHA256Mismatch"));
	strlist_release(&headers);
	http_response_release(&r);
	server_stop(&s);
}

static void test_url_redacted(void **state)
{
	(void)state;
	char *u = http_url_redacted("https://user:pw@h.example:9000/b/k.tar.zst?X-Amz-Signature=abc#frag");
	assert_string_equal(u, "https://h.example:9000/b/k.tar.zst");
	free(u);
	u = http_url_redacted("http://h/");
	assert_string_equal(u, "http://h/");
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_file_streams_and_head_reads_size),
	    cmocka_unit_test(test_body_from_memory_headers_and_cap),
	    cmocka_unit_test(test_retries_5xx_then_succeeds),
	    cmocka_unit_test(test_gives_up_after_attempts),
	    cmocka_unit_test(test_4xx_is_not_retried),
	    cmocka_unit_test(test_retry_after_is_honoured),
	    cmocka_unit_test(test_connection_refused_is_an_error),
	    cmocka_unit_test(test_unreadable_body_file),
	    cmocka_unit_test(test_sigv4_signature_is_checked),
	    cmocka_unit_test(test_url_redacted),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
