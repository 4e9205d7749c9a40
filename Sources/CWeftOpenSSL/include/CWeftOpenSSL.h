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

#ifndef WEFT_CWEFTOPENSSL_TLS_H
#define WEFT_CWEFTOPENSSL_TLS_H
#include <stddef.h>

/// Servers: pick "h2" from the client's ALPN list, and fail the handshake when it is absent.
void weft_ssl_ctx_require_h2_alpn(SSL_CTX *ctx);

/// Servers with an HTTP/1.1 front: pick "h2", else "http/1.1", from the client's ALPN list;
/// a client offering neither (or no ALPN) continues without ALPN.
void weft_ssl_ctx_prefer_h2_alpn(SSL_CTX *ctx);

/// Clients: offer "h2" by ALPN. Returns 0 on success (OpenSSL's convention for this call).
int weft_ssl_ctx_offer_h2_alpn(SSL_CTX *ctx);

/// Whether the handshake negotiated "h2".
int weft_ssl_negotiated_h2(const SSL *ssl);

/// Copies the peer certificate's first URI SAN (e.g. spiffe://domain/service/name) into `out`
/// as a NUL-terminated string; returns its length, or -1 when there is none.
int weft_ssl_peer_uri_san(SSL *ssl, char *out, size_t out_length);

/// Copies the peer certificate's subject (one line, RFC 2253) into `out`; -1 without a peer.
int weft_ssl_peer_subject(SSL *ssl, char *out, size_t out_length);

/// Makes the client verify the server's name: a DNS name, or an IP address when `name` is one.
int weft_ssl_set_expected_peer_name(SSL *ssl, const char *name);

/// The reason of the most recent OpenSSL error on this thread, copied into `out`.
void weft_ssl_last_error(char *out, size_t out_length);

/// SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE).
void weft_ssl_ctx_set_buffer_modes(SSL_CTX *ctx);
#endif

#ifndef WEFT_CWEFTOPENSSL_PKI_H
#define WEFT_CWEFTOPENSSL_PKI_H
/// Issues a certificate for a new EC P-256 key, valid from now for `days` (negative: already
/// expired, for tests). `subject_cn` becomes the subject's CN; `san` (e.g.
/// "DNS:localhost,IP:127.0.0.1,URI:spiffe://weft.local/service/x") the subjectAltName when not
/// NULL. Self-signed CA when `issuer_cert_path` is NULL, else signed by that CA's key. Writes
/// PEM files (the key with mode 0600). Returns 1, or 0 with a message in `error`.
int weft_issue_certificate(const char *subject_cn, const char *san, int is_ca, int days,
                           const char *issuer_cert_path, const char *issuer_key_path,
                           const char *out_cert_path, const char *out_key_path,
                           char *error, size_t error_length);
#endif

#ifndef WEFT_CWEFTOPENSSL_SIGNATURES_H
#define WEFT_CWEFTOPENSSL_SIGNATURES_H
#include <stddef.h>
#include <stdint.h>

/// Algorithms of JSON Web Signatures the gateway verifies.
typedef enum { WEFT_SIG_ES256 = 1, WEFT_SIG_EDDSA = 2 } weft_signature_algorithm;

/// Reads a PEM public key (SubjectPublicKeyInfo) from `path` and checks it fits `algorithm`
/// (P-256 for ES256, Ed25519 for EdDSA). Returns NULL and leaves the reason in OpenSSL's error
/// queue otherwise; free with EVP_PKEY_free.
EVP_PKEY *weft_load_public_key(const char *path, weft_signature_algorithm algorithm);

/// Verifies a JWS signature over `data`: ES256's is the 64-byte R||S of RFC 7518, EdDSA's
/// the 64-byte Ed25519 signature. Returns 1 when valid, 0 otherwise.
int weft_verify_signature(weft_signature_algorithm algorithm, EVP_PKEY *key, const uint8_t *data, size_t data_length,
                          const uint8_t *signature, size_t signature_length);

/// A public key from its JSON Web Key coordinates: Ed25519's 32 raw bytes in `x` (`y` NULL),
/// or P-256's 32-byte `x` and `y`. NULL when they are not a point of the curve.
EVP_PKEY *weft_public_key_from_coordinates(weft_signature_algorithm algorithm, const uint8_t *x, size_t x_length,
                                           const uint8_t *y, size_t y_length);

/// A new Ed25519 private key; NULL on failure.
EVP_PKEY *weft_ed25519_generate(void);

/// An Ed25519 private key from PKCS#8 PEM text; NULL when it is not one.
EVP_PKEY *weft_ed25519_private_key_from_pem(const char *pem, size_t pem_length);

/// Writes the private key as PKCS#8 PEM into `out`; returns the length written, or -1 when
/// `out_length` is too small.
int weft_private_key_pem(EVP_PKEY *key, char *out, size_t out_length);

/// Copies Ed25519's 32-byte raw public key into `out`; returns 1, or 0 on failure.
int weft_ed25519_raw_public_key(EVP_PKEY *key, uint8_t out[32]);

/// Signs `data` with an Ed25519 private key into the 64-byte `signature`; returns 1, or 0.
int weft_ed25519_sign(EVP_PKEY *key, const uint8_t *data, size_t data_length, uint8_t signature[64]);
#endif
