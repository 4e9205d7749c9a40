#ifndef WEFT_CPLATFORMCRYPTO_SHIM_H
#define WEFT_CPLATFORMCRYPTO_SHIM_H
// OpenSSL's libcrypto, for the platform's password hashes (scrypt) and digests.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#endif
