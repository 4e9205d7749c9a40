#include "CWeftOpenSSL.h"
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

EVP_PKEY *weft_load_public_key(const char *path, weft_signature_algorithm algorithm) {
    BIO *file = BIO_new_file(path, "r");
    if (file == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PUBKEY(file, NULL, NULL, NULL);
    BIO_free(file);
    if (key == NULL) return NULL;
    int fits = algorithm == WEFT_SIG_EDDSA ? EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519
                                           : EVP_PKEY_get_base_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == 256;
    if (!fits) {
        EVP_PKEY_free(key);
        ERR_raise_data(ERR_LIB_EVP, EVP_R_UNSUPPORTED_KEY_TYPE,
                       algorithm == WEFT_SIG_EDDSA ? "EdDSA needs an Ed25519 key" : "ES256 needs a P-256 key");
        return NULL;
    }
    return key;
}

/// JWS carries ECDSA signatures as R||S; OpenSSL verifies the DER form.
static int es256_der(const uint8_t *signature, unsigned char **der, int *der_length) {
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(signature, 32, NULL);
    BIGNUM *s = BN_bin2bn(signature + 32, 32, NULL);
    if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
        ECDSA_SIG_free(sig);
        BN_free(r);
        BN_free(s);
        return 0;
    }
    *der = NULL;
    *der_length = i2d_ECDSA_SIG(sig, der);
    ECDSA_SIG_free(sig);
    return *der_length > 0;
}

int weft_verify_signature(weft_signature_algorithm algorithm, EVP_PKEY *key, const uint8_t *data, size_t data_length,
                          const uint8_t *signature, size_t signature_length) {
    if (signature_length != 64) return 0;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int valid = 0;
    if (algorithm == WEFT_SIG_EDDSA) {
        valid = EVP_DigestVerifyInit(context, NULL, NULL, NULL, key) == 1 &&
                EVP_DigestVerify(context, signature, signature_length, data, data_length) == 1;
    } else {
        unsigned char *der = NULL;
        int der_length = 0;
        if (es256_der(signature, &der, &der_length)) {
            valid = EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key) == 1 &&
                    EVP_DigestVerify(context, der, (size_t)der_length, data, data_length) == 1;
        }
        OPENSSL_free(der);
    }
    EVP_MD_CTX_free(context);
    ERR_clear_error();
    return valid;
}
