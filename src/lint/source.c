#include "lint/source.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#include "util/banned.h"

#define SOURCE_BLOCK 256

static bool is_char_start(char c)
{
	return ((unsigned char)c & 0xC0) != 0x80;
}

void source_init(struct source *s, const char *text, size_t len)
{
	size_t alloc = 0;
	s->text = text;
	s->len = len;
	s->line_starts = NULL;
	s->n_lines = 0;
	XGROW(s->line_starts, alloc, 1);
	s->line_starts[s->n_lines++] = 0;
	for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL; p++) {
		XGROW(s->line_starts, alloc, s->n_lines + 1);
		s->line_starts[s->n_lines++] = (size_t)(p - text) + 1;
	}
	s->chars_before = xmalloc((len / SOURCE_BLOCK + 1) * sizeof(*s->chars_before));
	size_t chars = 0;
	for (size_t p = 0; p < len; p++) {
		if (p % SOURCE_BLOCK == 0)
			s->chars_before[p / SOURCE_BLOCK] = chars;
		chars += is_char_start(text[p]);
	}
	if (len % SOURCE_BLOCK == 0)
		s->chars_before[len / SOURCE_BLOCK] = chars;
}

void source_release(struct source *s)
{
	free(s->line_starts);
	free(s->chars_before);
	s->line_starts = NULL;
	s->chars_before = NULL;
	s->n_lines = 0;
}

static size_t line_index(const struct source *s, size_t offset)
{
	size_t lo = 0, hi = s->n_lines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Characters in text[0, offset). */
static size_t chars_to(const struct source *s, size_t offset)
{
	size_t n = s->chars_before[offset / SOURCE_BLOCK];
	for (size_t p = offset - offset % SOURCE_BLOCK; p < offset; p++)
		n += is_char_start(s->text[p]);
	return n;
}

void source_position(const struct source *s, size_t offset, unsigned *line, unsigned *column)
{
	if (offset > s->len)
		offset = s->len;
	size_t i = line_index(s, offset);
	*line = (unsigned)(i + 1);
	*column = (unsigned)(chars_to(s, offset) - chars_to(s, s->line_starts[i]) + 1);
}

void source_line_span(const struct source *s, unsigned line, size_t *start, size_t *len)
{
	*start = *len = 0;
	if (line == 0 || line > s->n_lines)
		return;
	size_t end = line < s->n_lines ? s->line_starts[line] - 1 : s->len;
	*start = s->line_starts[line - 1];
	if (end > *start && s->text[end - 1] == '\r')
		end--;
	*len = end - *start;
}

bool source_same_line(const struct source *s, size_t a, size_t b)
{
	return line_index(s, a) == line_index(s, b);
}

/* Length of the UTF-8 sequence at p (1..4), or 0 when it is malformed. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		n = 2, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		n = 3, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		n = 4, min = 0x10000;
	else
		return 0;
	if (n > left)
		return 0;
	unsigned cp = c & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

int source_validate(const char *text, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;
	while (i < len) {
		if (p[i] == 0) {
			*bad = i;
			return 1;
		}
		size_t n = p[i] < 0x80 ? 1 : utf8_len(p + i, len - i);
		if (!n) {
			*bad = i;
			return 2;
		}
		i += n;
	}
	return 0;
}

size_t source_char_offset(const char *start, size_t len, int cursor)
{
	size_t i = 0;
	for (int c = 1; c < cursor && i < len; c++) {
		i++;
		while (i < len && ((unsigned char)start[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}
