/*
 * SHA-256 over OpenSSL's libcrypto (libpq links it already): incremental, for
 * streams that are never held whole in memory, and one-shot for files.
 */
#ifndef GATE_UTIL_SHA256_H
#define GATE_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

struct sha256 {
	void *ctx; /* EVP_MD_CTX */
	uint64_t bytes;
};

/* Starts a digest (aborts when libcrypto cannot allocate one, as util/mem does). */
void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex, and releases h. */
void sha256_final(struct sha256 *h, char hex[SHA256_HEX_LEN + 1]);
/* Releases h without a result (on error paths). Accepts a released one. */
void sha256_release(struct sha256 *h);

/* The digest of a whole file, read in blocks. Returns 0, or -1 with errno set. */
int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size);
/* The digest of a string. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif
