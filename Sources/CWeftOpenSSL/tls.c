#include "CWeftOpenSSL.h"
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

static const unsigned char h2_protocols[] = {2, 'h', '2'};

static int select_h2(SSL *ssl, const unsigned char **out, unsigned char *out_length,
                     const unsigned char *in, unsigned int in_length, void *arg) {
    (void)ssl;
    (void)arg;
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, out_length, h2_protocols, sizeof(h2_protocols), in, in_length) !=
        OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

void weft_ssl_ctx_require_h2_alpn(SSL_CTX *ctx) { SSL_CTX_set_alpn_select_cb(ctx, select_h2, NULL); }

static const unsigned char h2_and_http11_protocols[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

static int select_h2_or_http11(SSL *ssl, const unsigned char **out, unsigned char *out_length,
                               const unsigned char *in, unsigned int in_length, void *arg) {
    (void)ssl;
    (void)arg;
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, out_length, h2_and_http11_protocols, sizeof(h2_and_http11_protocols), in,
                              in_length) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

void weft_ssl_ctx_prefer_h2_alpn(SSL_CTX *ctx) { SSL_CTX_set_alpn_select_cb(ctx, select_h2_or_http11, NULL); }

int weft_ssl_ctx_offer_h2_alpn(SSL_CTX *ctx) { return SSL_CTX_set_alpn_protos(ctx, h2_protocols, sizeof(h2_protocols)); }

int weft_ssl_negotiated_h2(const SSL *ssl) {
    const unsigned char *protocol = NULL;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl, &protocol, &length);
    return length == 2 && memcmp(protocol, "h2", 2) == 0;
}

int weft_ssl_peer_uri_san(SSL *ssl, char *out, size_t out_length) {
    X509 *peer = SSL_get1_peer_certificate(ssl);
    if (peer == NULL) return -1;
    int result = -1;
    GENERAL_NAMES *names = X509_get_ext_d2i(peer, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
        if (name->type != GEN_URI) continue;
        int length = ASN1_STRING_length(name->d.uniformResourceIdentifier);
        if (length < 0 || (size_t)length >= out_length) continue;
        memcpy(out, ASN1_STRING_get0_data(name->d.uniformResourceIdentifier), (size_t)length);
        out[length] = 0;
        result = length;
        break;
    }
    GENERAL_NAMES_free(names);
    X509_free(peer);
    return result;
}

int weft_ssl_peer_subject(SSL *ssl, char *out, size_t out_length) {
    X509 *peer = SSL_get1_peer_certificate(ssl);
    if (peer == NULL) return -1;
    BIO *bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, X509_get_subject_name(peer), 0, XN_FLAG_RFC2253);
    int length = BIO_read(bio, out, (int)out_length - 1);
    out[length > 0 ? length : 0] = 0;
    BIO_free(bio);
    X509_free(peer);
    return length;
}

int weft_ssl_set_expected_peer_name(SSL *ssl, const char *name) {
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1) return 1;
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return SSL_set1_host(ssl, name);
}

void weft_ssl_last_error(char *out, size_t out_length) {
    unsigned long code = ERR_get_error();
    if (code == 0) {
        strncpy(out, "unknown TLS error", out_length);
        out[out_length - 1] = 0;
    } else {
        ERR_error_string_n(code, out, out_length);
    }
    ERR_clear_error();
}

void weft_ssl_ctx_set_buffer_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
}
