/*
 * Upload of a finished archive: an HTTP PUT to a presigned URL, or an S3 PUT
 * signed with SigV4 (libcurl's CURLOPT_AWS_SIGV4). The file is streamed; the
 * S3 request carries the archive's sha256 as x-amz-content-sha256, so S3
 * itself checks the bytes it stored. A HEAD then checks the stored size.
 */
#include <stdlib.h>
#include <string.h>

#include "backup/internal.h"
#include "net/http.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/secret.h"

#include "util/banned.h"

/* S3 takes at most 5 GiB in one PUT; more needs a multipart upload, which this does not do. */
#define S3_MAX_PUT (5ULL * 1024 * 1024 * 1024)
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct s3_target {
	char *bucket;
	char *prefix; /* without leading or trailing '/', may be "" */
	char *endpoint;
	char *region;
	char *user_pwd; /* KEY:SECRET */
	const char *token;
};

static void s3_release(struct s3_target *t)
{
	free(t->bucket);
	free(t->prefix);
	free(t->endpoint);
	free(t->region);
	free(t->user_pwd);
}

static const char *env_or(const char *a, const char *b, const char *dflt)
{
	const char *v = secret_getenv(a);
	if (v && *v)
		return v;
	v = b ? secret_getenv(b) : NULL;
	return v && *v ? v : dflt;
}

static int s3_parse(const struct backup_options *o, struct s3_target *t)
{
	memset(t, 0, sizeof(*t));
	if (strncmp(o->s3, "s3://", 5) || !o->s3[5] || o->s3[5] == '/')
		return gate_error(EXIT_USAGE, "write it as s3://bucket or s3://bucket/prefix", "invalid --s3 '%s'",
		                  o->s3);
	const char *b = o->s3 + 5, *slash = strchr(b, '/');
	t->bucket = slash ? xstrndup(b, (size_t)(slash - b)) : xstrdup(b);
	const char *p = slash ? slash + 1 : "";
	size_t plen = strlen(p);
	while (plen && p[plen - 1] == '/')
		plen--;
	t->prefix = xstrndup(p, plen);
	t->region = xstrdup(o->s3_region ? o->s3_region : env_or("AWS_REGION", "AWS_DEFAULT_REGION", "us-east-1"));
	if (o->s3_endpoint) {
		size_t n = strlen(o->s3_endpoint);
		while (n && o->s3_endpoint[n - 1] == '/')
			n--;
		t->endpoint = xstrndup(o->s3_endpoint, n);
	} else {
		struct buf e = BUF_INIT;
		buf_addf(&e, "https://s3.%s.amazonaws.com", t->region);
		t->endpoint = buf_detach(&e);
	}
	const char *key = secret_getenv("AWS_ACCESS_KEY_ID"), *secret = secret_getenv("AWS_SECRET_ACCESS_KEY");
	if (!key || !*key || !secret || !*secret)
		return gate_error(EXIT_USAGE,
		                  "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN if any)",
		                  "--s3 needs AWS credentials in the environment");
	struct buf up = BUF_INIT;
	buf_addf(&up, "%s:%s", key, secret);
	t->user_pwd = buf_detach(&up);
	t->token = secret_getenv("AWS_SESSION_TOKEN");
	return 0;
}

int backup_upload_check(const struct backup_options *o)
{
	struct s3_target t;
	int rc = 0;
	if (o->upload_url && o->s3)
		return gate_error(EXIT_USAGE, "give one of them", "--upload-url and --s3 cannot be used together");
	if (o->upload_url) {
		if (strncmp(o->upload_url, "http://", 7) && strncmp(o->upload_url, "https://", 8))
			return gate_error(EXIT_USAGE, "give a presigned http:// or https:// URL",
			                  "invalid --upload-url");
	}
	if (o->s3) {
		rc = s3_parse(o, &t);
		s3_release(&t);
	}
	return rc;
}

/* Path-style URL of the object: <endpoint>/<bucket>/<prefix>/<name>, each byte outside [A-Za-z0-9-._~/] escaped. */
static char *object_url(const struct s3_target *t, const char *name)
{
	struct buf key = BUF_INIT, url = BUF_INIT;
	if (*t->prefix)
		buf_addf(&key, "%s/", t->prefix);
	buf_adds(&key, name);
	buf_addf(&url, "%s/%s/", t->endpoint, t->bucket);
	for (const unsigned char *p = (const unsigned char *)key.data; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			buf_addc(&url, (char)*p);
		else
			buf_addf(&url, "%%%02X", *p);
	}
	buf_release(&key);
	return buf_detach(&url);
}

static void retry_policy(const struct backup_options *o, struct http_request *req)
{
	req->retry.attempts = o->upload_retries + 1;
	req->retry.delay_ms = 1000;
	req->retry.max_delay_ms = 30000;
	req->connect_timeout_s = 30;
}

static int refused(const char *what, const char *where, const struct http_response *resp, const char *hint)
{
	char *why = http_describe_status(resp);
	int rc = gate_error(EXIT_ENV, hint, "%s to '%s' failed after %u tr%s: %s", what, where, resp->attempts,
	                    resp->attempts == 1 ? "y" : "ies", why);
	free(why);
	return rc;
}

/* HEAD: the stored size must be the archive's. A presigned PUT URL may not allow HEAD: then say so. */
static int check_size(struct http_request *head, const char *where, uint64_t bytes, bool must, struct backup_result *r)
{
	struct http_response resp;
	http_response_init(&resp);
	int rc = http_send(head, &resp);
	const char *len = http_header(&resp, "content-length");
	if (!rc && resp.status / 100 == 2 && len && strtoull(len, NULL, 10) == bytes) {
		log_debug("the stored object at '%s' has the archive's size, %llu bytes", where,
		          (unsigned long long)bytes);
	} else if (!rc && resp.status / 100 == 2) {
		rc = gate_error(EXIT_ENV, "upload again; the object is not the archive",
		                "the object at '%s' holds %s bytes, the archive %llu", where,
		                len ? len : "an unknown number of", (unsigned long long)bytes);
	} else if (!rc && must) {
		rc = refused("checking the size of the upload", where, &resp,
		             "check the bucket's permissions (s3:GetObject)");
	} else if (!rc) {
		struct buf note = BUF_INIT;
		buf_addf(&note, "the uploaded size was not checked: HEAD on the upload URL answered HTTP %ld",
		         resp.status);
		strlist_add_owned(&r->notes, buf_detach(&note));
	}
	http_response_release(&resp);
	return rc;
}

static void upload_progress(void *ctx, uint64_t sent, uint64_t total)
{
	(void)total;
	xfer_update(ctx, sent);
}

static int put(const struct backup_options *o, struct http_request *req, const char *where, const char *hint,
               struct backup_result *r)
{
	struct http_response resp;
	struct xfer_progress p;
	xfer_start(&p, "uploaded", o->progress, r->archive_bytes);
	req->progress = upload_progress;
	req->progress_ctx = &p;
	http_response_init(&resp);
	int rc = http_send(req, &resp);
	if (!rc)
		xfer_end(&p);
	if (!rc && resp.status / 100 != 2)
		rc = refused(req->what, where, &resp, hint);
	r->upload_seconds = resp.seconds;
	http_response_release(&resp);
	return rc;
}

static int upload_presigned(const struct backup_options *o, const char *archive, const char *name,
                            struct backup_result *r)
{
	struct buf what = BUF_INIT;
	char *where = http_url_redacted(o->upload_url);
	buf_addf(&what, "upload of '%s'", name);
	struct http_request req = {.method = "PUT", .url = o->upload_url, .body_path = archive, .what = what.data};
	retry_policy(o, &req);
	int rc = put(o, &req, where, "check that the presigned URL is valid, not expired, and made for PUT", r);
	if (!rc) {
		struct http_request head = {.method = "HEAD", .url = o->upload_url, .what = "HEAD"};
		retry_policy(o, &head);
		rc = check_size(&head, where, r->archive_bytes, false, r);
	}
	if (!rc)
		r->uploaded_to = xstrdup(where);
	free(where);
	buf_release(&what);
	return rc;
}

static void s3_headers(const struct s3_target *t, const char *payload_sha, const char *meta_sha, struct strlist *h)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "x-amz-content-sha256: %s", payload_sha);
	strlist_add_owned(h, buf_detach(&b));
	if (meta_sha) {
		buf_addf(&b, "x-amz-meta-sha256: %s", meta_sha);
		strlist_add_owned(h, buf_detach(&b));
	}
	if (t->token && *t->token) {
		buf_addf(&b, "x-amz-security-token: %s", t->token);
		strlist_add_owned(h, buf_detach(&b));
	}
}

static int upload_s3(const struct backup_options *o, const char *archive, const char *name, struct backup_result *r)
{
	struct s3_target t;
	struct strlist put_h = STRLIST_INIT, head_h = STRLIST_INIT;
	struct buf what = BUF_INIT, sigv4 = BUF_INIT, where = BUF_INIT, hint = BUF_INIT;
	char *url = NULL;
	int rc = s3_parse(o, &t);
	if (rc)
		goto out;
	if (r->archive_bytes > S3_MAX_PUT) {
		rc = gate_error(EXIT_ENV,
		                "keep the archive under 5 GiB, or upload it with a tool that does multipart uploads",
		                "the archive is larger than the 5 GiB a single S3 PUT takes");
		goto out;
	}
	url = object_url(&t, name);
	buf_addf(&where, "s3://%s/%s%s%s", t.bucket, t.prefix, *t.prefix ? "/" : "", name);
	buf_addf(&what, "upload of '%s'", name);
	buf_addf(&sigv4, "aws:amz:%s:s3", t.region);
	buf_addf(&hint,
	         "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, --s3-region (%s) and the access to bucket '%s'",
	         t.region, t.bucket);
	s3_headers(&t, r->sha256, r->sha256, &put_h);
	struct http_request req = {.method = "PUT",
	                           .url = url,
	                           .headers = &put_h,
	                           .body_path = archive,
	                           .aws_sigv4 = sigv4.data,
	                           .user_pwd = t.user_pwd,
	                           .what = what.data};
	retry_policy(o, &req);
	rc = put(o, &req, where.data, hint.data, r);
	if (!rc) {
		s3_headers(&t, EMPTY_SHA256, NULL, &head_h);
		struct http_request head = {.method = "HEAD",
		                            .url = url,
		                            .headers = &head_h,
		                            .aws_sigv4 = sigv4.data,
		                            .user_pwd = t.user_pwd,
		                            .what = "HEAD"};
		retry_policy(o, &head);
		rc = check_size(&head, where.data, r->archive_bytes, true, r);
	}
	if (!rc)
		r->uploaded_to = buf_detach(&where);
out:
	s3_release(&t);
	strlist_release(&put_h);
	strlist_release(&head_h);
	buf_release(&what);
	buf_release(&sigv4);
	buf_release(&where);
	buf_release(&hint);
	free(url);
	return rc;
}

int backup_upload(const struct backup_options *o, const char *archive, const char *name, struct backup_result *r)
{
	if (o->upload_url)
		return upload_presigned(o, archive, name, r);
	if (o->s3)
		return upload_s3(o, archive, name, r);
	return 0;
}
