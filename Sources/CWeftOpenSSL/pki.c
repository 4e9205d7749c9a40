#include "CWeftOpenSSL.h"
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int fail(char *error, size_t error_length, const char *what) {
    unsigned long code = ERR_get_error();
    char reason[256] = "";
    if (code != 0) ERR_error_string_n(code, reason, sizeof(reason));
    snprintf(error, error_length, "%s%s%s", what, code != 0 ? ": " : "", reason);
    ERR_clear_error();
    return 0;
}

static int add_extension(X509 *certificate, X509 *issuer, int nid, const char *value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, NULL, NULL, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(NULL, &context, nid, value);
    if (extension == NULL) return 0;
    int ok = X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
    return ok;
}

int weft_issue_certificate(const char *subject_cn, const char *san, int is_ca, int days,
                           const char *issuer_cert_path, const char *issuer_key_path,
                           const char *out_cert_path, const char *out_key_path,
                           char *error, size_t error_length) {
    int ok = 0;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *certificate = X509_new();
    X509 *issuer = NULL;
    EVP_PKEY *issuer_key = NULL;
    FILE *file = NULL;
    if (key == NULL || certificate == NULL) { fail(error, error_length, "cannot create a key"); goto done; }

    if (issuer_cert_path != NULL) {
        file = fopen(issuer_cert_path, "r");
        issuer = file ? PEM_read_X509(file, NULL, NULL, NULL) : NULL;
        if (file) fclose(file);
        file = fopen(issuer_key_path, "r");
        issuer_key = file ? PEM_read_PrivateKey(file, NULL, NULL, NULL) : NULL;
        if (file) fclose(file);
        file = NULL;
        if (issuer == NULL || issuer_key == NULL) { fail(error, error_length, "cannot read the issuing CA"); goto done; }
    }

    unsigned char serial_bytes[16];
    RAND_bytes(serial_bytes, sizeof(serial_bytes));
    serial_bytes[0] &= 0x7F;  // positive
    BIGNUM *serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), NULL);
    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate));
    BN_free(serial);

    X509_set_version(certificate, 2);
    // An expired certificate (negative days) started before it ended.
    X509_gmtime_adj(X509_getm_notBefore(certificate), days < 0 ? (long)days * 2 * 86400 : -60);
    X509_gmtime_adj(X509_getm_notAfter(certificate), (long)days * 86400);
    X509_NAME *name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)subject_cn, -1, -1, 0);
    X509_set_issuer_name(certificate, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(certificate, key);

    X509 *authority = issuer ? issuer : certificate;
    if (!add_extension(certificate, authority, NID_basic_constraints, is_ca ? "critical,CA:true" : "CA:false") ||
        !add_extension(certificate, authority, NID_key_usage,
                       is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature") ||
        !add_extension(certificate, authority, NID_subject_key_identifier, "hash") ||
        (!is_ca && !add_extension(certificate, authority, NID_ext_key_usage, "serverAuth,clientAuth")) ||
        (san != NULL && !add_extension(certificate, authority, NID_subject_alt_name, san))) {
        fail(error, error_length, "cannot add the certificate's extensions");
        goto done;
    }
    if (X509_sign(certificate, issuer_key ? issuer_key : key, EVP_sha256()) == 0) {
        fail(error, error_length, "cannot sign the certificate");
        goto done;
    }

    file = fopen(out_key_path, "w");
    if (file == NULL) { snprintf(error, error_length, "cannot write %s", out_key_path); goto done; }
    chmod(out_key_path, 0600);
    if (!PEM_write_PrivateKey(file, key, NULL, NULL, 0, NULL, NULL)) { fail(error, error_length, "cannot write the key"); goto done; }
    fclose(file);
    file = fopen(out_cert_path, "w");
    if (file == NULL) { snprintf(error, error_length, "cannot write %s", out_cert_path); goto done; }
    if (!PEM_write_X509(file, certificate)) { fail(error, error_length, "cannot write the certificate"); goto done; }
    ok = 1;

done:
    if (file) fclose(file);
    EVP_PKEY_free(key);
    EVP_PKEY_free(issuer_key);
    X509_free(certificate);
    X509_free(issuer);
    return ok;
}
