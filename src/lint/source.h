/* A unit's source text: validation, and byte offsets to line and column. */
#ifndef GATE_LINT_SOURCE_H
#define GATE_LINT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

struct source {
	const char *text;
	size_t len;
	size_t *line_starts; /* offset of each line's first byte */
	size_t n_lines;
	/* Characters before each SOURCE_BLOCK-byte block, so that a column on a very long line costs a block, not the
	 * line. */
	size_t *chars_before;
};

void source_init(struct source *s, const char *text, size_t len);
void source_release(struct source *s);
/* 1-based line and column (in characters) of a byte offset. */
void source_position(const struct source *s, size_t offset, unsigned *line, unsigned *column);
/* The bytes of the given 1-based line without its newline (or CR LF); empty when out of range. */
void source_line_span(const struct source *s, unsigned line, size_t *start, size_t *len);
/* True when byte offsets a <= b lie on the same line. */
bool source_same_line(const struct source *s, size_t a, size_t b);
/*
 * Returns 0 for valid UTF-8 text. Otherwise sets *bad to the offending byte's
 * offset and returns 1 for a NUL byte (binary data) or 2 for invalid UTF-8.
 */
int source_validate(const char *text, size_t len, size_t *bad);
/* Byte offset of the cursor-th character (1-based) after start. */
size_t source_char_offset(const char *start, size_t len, int cursor);

#endif
