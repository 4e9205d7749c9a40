#include "CWeftOpenSSL.h"
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/core_names.h>
#include <string.h>

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

EVP_PKEY *weft_public_key_from_coordinates(weft_signature_algorithm algorithm, const uint8_t *x, size_t x_length,
                                           const uint8_t *y, size_t y_length) {
    if (x_length != 32) return NULL;
    if (algorithm == WEFT_SIG_EDDSA) return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, x_length);
    if (y == NULL || y_length != 32) return NULL;
    // The uncompressed SEC1 point 0x04 || x || y; OpenSSL checks it lies on the curve.
    unsigned char point[65];
    point[0] = 0x04;
    memcpy(point + 1, x, 32);
    memcpy(point + 33, y, 32);
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
        OSSL_PARAM_construct_end(),
    };
    if (context == NULL || EVP_PKEY_fromdata_init(context) != 1 ||
        EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(context);
    if (key != NULL) {
        // fromdata does not check the point; a public-key check does.
        EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        int valid = check != NULL && EVP_PKEY_public_check(check) == 1;
        EVP_PKEY_CTX_free(check);
        if (!valid) {
            EVP_PKEY_free(key);
            key = NULL;
        }
    }
    return key;
}

EVP_PKEY *weft_ed25519_generate(void) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}

EVP_PKEY *weft_ed25519_private_key_from_pem(const char *pem, size_t pem_length) {
    BIO *memory = BIO_new_mem_buf(pem, (int)pem_length);
    if (memory == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(memory, NULL, NULL, NULL);
    BIO_free(memory);
    if (key != NULL && EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(key);
        ERR_raise_data(ERR_LIB_EVP, EVP_R_UNSUPPORTED_KEY_TYPE, "not an Ed25519 private key");
        return NULL;
    }
    return key;
}

int weft_private_key_pem(EVP_PKEY *key, char *out, size_t out_length) {
    BIO *memory = BIO_new(BIO_s_mem());
    if (memory == NULL) return -1;
    int written = -1;
    if (PEM_write_bio_PrivateKey(memory, key, NULL, NULL, 0, NULL, NULL) == 1) {
        char *text = NULL;
        long length = BIO_get_mem_data(memory, &text);
        if (length > 0 && (size_t)length <= out_length) {
            memcpy(out, text, (size_t)length);
            written = (int)length;
        }
    }
    BIO_free(memory);
    return written;
}

int weft_ed25519_raw_public_key(EVP_PKEY *key, uint8_t out[32]) {
    size_t length = 32;
    return EVP_PKEY_get_raw_public_key(key, out, &length) == 1 && length == 32;
}

int weft_ed25519_sign(EVP_PKEY *key, const uint8_t *data, size_t data_length, uint8_t signature[64]) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    size_t length = 64;
    int signed_ok = EVP_DigestSignInit(context, NULL, NULL, NULL, key) == 1 &&
                    EVP_DigestSign(context, signature, &length, data, data_length) == 1 && length == 64;
    EVP_MD_CTX_free(context);
    return signed_ok;
}
