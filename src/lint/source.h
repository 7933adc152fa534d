/* A unit's source text: validation, and byte offsets to line and column. */
#ifndef GATE_LINT_SOURCE_H
#define GATE_LINT_SOURCE_H

#include <stddef.h>

struct source {
	const char *text;
	size_t len;
	size_t *line_starts; /* offset of each line's first byte */
	size_t n_lines;
};

void source_init(struct source *s, const char *text, size_t len);
void source_release(struct source *s);
/* 1-based line and column (in characters) of a byte offset. */
void source_position(const struct source *s, size_t offset, unsigned *line, unsigned *column);
/* A copy of the given 1-based line without its newline. */
char *source_line_text(const struct source *s, unsigned line);
/*
 * Returns 0 for valid UTF-8 text. Otherwise sets *bad to the offending byte's
 * offset and returns 1 for a NUL byte (binary data) or 2 for invalid UTF-8.
 */
int source_validate(const char *text, size_t len, size_t *bad);
/* Byte offset of the cursor-th character (1-based) after start. */
size_t source_char_offset(const char *start, size_t len, int cursor);

#endif
