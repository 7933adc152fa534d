/* Growable byte buffers, always NUL-terminated. */
#ifndef GATE_UTIL_BUF_H
#define GATE_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t alloc;
};

#define BUF_INIT                                                                                                       \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s with JSON string escaping (no surrounding quotes). */
void buf_add_json_escaped(struct buf *b, const char *s, size_t len);
/* Appends s with XML text/attribute escaping. */
void buf_add_xml_escaped(struct buf *b, const char *s);
/* Returns the contents ("" when empty) and leaves b empty; the caller frees. */
char *buf_detach(struct buf *b);
/* The contents, "" when empty. */
const char *buf_str(const struct buf *b);

#endif
