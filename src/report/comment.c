/*
 * The body of a sticky pull/merge request comment: a hidden marker that names
 * the project and records a hash of the rest, then the Markdown report, cut to
 * the API's limit without leaving a code fence or a <details> block open.
 */
#include <stdlib.h>
#include <string.h>

#include "report/writer.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/sha256.h"

#include "util/banned.h"

#define MARKER_HEAD "<!-- migrate-gate:"

/* Keys go into an HTML comment: only characters that cannot end it or confuse a reader. */
static char *clean_key(const char *key)
{
	struct buf b = BUF_INIT;
	for (const char *p = key && *key ? key : "default"; *p && b.len < 100; p++)
		buf_addc(&b,
		         strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/", *p) ? *p : '-');
	return buf_detach(&b);
}

static char *marker_prefix(const char *key)
{
	char *k = clean_key(key);
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s sha256:", MARKER_HEAD, k);
	free(k);
	return buf_detach(&b);
}

bool report_comment_marker(const char *body, const char *key, char **hash)
{
	char *prefix = marker_prefix(key);
	const char *at = body ? strstr(body, prefix) : NULL;
	if (at && hash) {
		at += strlen(prefix);
		*hash = xstrndup(at, strspn(at, "0123456789abcdef"));
	}
	free(prefix);
	return at != NULL;
}

/* Open fences and <details> blocks in text, so a cut can close them. */
struct open_blocks {
	size_t fence; /* backticks of the open fence, 0 when none */
	unsigned details;
};

static void scan_line(const char *line, size_t len, struct open_blocks *o)
{
	size_t ticks = 0;
	while (ticks < len && line[ticks] == '`')
		ticks++;
	if (ticks >= 3 && (!o->fence || (ticks >= o->fence && ticks == len)))
		o->fence = o->fence ? 0 : ticks;
	else if (!o->fence && len >= 9 && !strncmp(line, "<details>", 9))
		o->details++;
	else if (!o->fence && len >= 10 && !strncmp(line + len - 10, "</details>", 10) && o->details)
		o->details--;
}

/* The longest prefix of md, ending at a line break, that fits in max bytes; what it leaves open in *o. */
static size_t cut_at(const char *md, size_t max, struct open_blocks *o)
{
	size_t end = 0;
	memset(o, 0, sizeof(*o));
	for (const char *p = md; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if ((size_t)(p - md) + len + 1 > max)
			break;
		scan_line(p, len, o);
		p += len + (nl != NULL);
		end = (size_t)(p - md);
	}
	return end;
}

/* The footer of a cut report: close what is open, then say where the whole report is. */
static void add_cut_footer(struct buf *b, const struct open_blocks *o, const char *job_url)
{
	for (size_t i = 0; o->fence && i < o->fence; i++)
		buf_addc(b, '`');
	if (o->fence)
		buf_addc(b, '\n');
	for (unsigned i = 0; i < o->details; i++)
		buf_adds(b, "\n</details>\n");
	buf_adds(b, "\n---\n**The report is cut here: it is longer than a comment may be.**");
	if (job_url && *job_url)
		buf_addf(b, " The whole report is in [the job's summary](%s).", job_url);
	buf_addc(b, '\n');
}

#define FOOTER_ROOM 1024

char *report_comment_body(const char *markdown, const char *key, size_t max_bytes, const char *job_url)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	size_t room = max_bytes > 2 * FOOTER_ROOM ? max_bytes - FOOTER_ROOM : max_bytes / 2;
	size_t len = strlen(markdown);
	if (len <= room) {
		buf_adds(&text, markdown);
	} else {
		struct open_blocks o;
		buf_add(&text, markdown, cut_at(markdown, room, &o));
		add_cut_footer(&text, &o, job_url);
	}
	char hash[SHA256_HEX_LEN + 1];
	sha256_hex(buf_str(&text), text.len, hash);
	char *prefix = marker_prefix(key);
	buf_addf(&out, "%s%s -->\n%s", prefix, hash, buf_str(&text));
	free(prefix);
	buf_release(&text);
	return buf_detach(&out);
}
