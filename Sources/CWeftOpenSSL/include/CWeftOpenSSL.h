#ifndef WEFT_CWEFTOPENSSL_H
#define WEFT_CWEFTOPENSSL_H

// Functions for the OpenSSL API that is macros in C (Swift cannot import function-like macros).

#include <openssl/ssl.h>

/// The runtime OpenSSL version string, e.g. "OpenSSL 3.0.19 1 Jul 2025".
const char *weft_openssl_version_text(void);

/// SSL_CTX_set_min_proto_version (a macro over SSL_CTX_ctrl).
int weft_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version);

/// SSL_CTX_set_max_proto_version (a macro over SSL_CTX_ctrl).
int weft_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version);

/// SSL_set_tlsext_host_name (a macro over SSL_ctrl): the SNI name a client sends.
int weft_ssl_set_tlsext_host_name(SSL *ssl, const char *name);

/// The TLS 1.2 / 1.3 protocol version constants.
int weft_tls1_2_version(void);
int weft_tls1_3_version(void);

#endif
