#include "CWeftOpenSSL.h"
#include <openssl/crypto.h>

const char *weft_openssl_version_text(void) { return OpenSSL_version(OPENSSL_VERSION); }

int weft_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

int weft_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

int weft_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

int weft_tls1_2_version(void) { return TLS1_2_VERSION; }
int weft_tls1_3_version(void) { return TLS1_3_VERSION; }
