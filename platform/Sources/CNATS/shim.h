#ifndef WEFT_CNATS_SHIM_H
#define WEFT_CNATS_SHIM_H
// The NATS C client (Debian's libnats-dev), for JetStream.
#include <nats/nats.h>
#endif
