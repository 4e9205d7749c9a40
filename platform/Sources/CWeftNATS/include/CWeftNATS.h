#ifndef WEFT_CWEFTNATS_H
#define WEFT_CWEFTNATS_H
// The few JetStream operations the platform uses, with their option structs filled in C
// (Swift would have to keep every string alive across the call by hand).
#include <nats/nats.h>
#include <stdbool.h>
#include <stdint.h>

/// Connects to `url` and opens its JetStream context.
natsStatus weft_js_connect(const char *url, natsConnection **connection, jsCtx **js);

/// Creates the stream `name` over `subjects` (file storage, `duplicate_window_ms` of
/// de-duplication by message id), or leaves it as it is when it exists.
natsStatus weft_js_ensure_stream(jsCtx *js, const char *name, const char *subjects, int64_t duplicate_window_ms);

/// Publishes `data` on `subject` with the message id `msg_id` (JetStream drops a second one
/// within the window) and the event's type, topic and outbox offset as headers; waits for the
/// stream's acknowledgement. `duplicate` says whether the stream had it already.
natsStatus weft_js_publish(jsCtx *js, const char *subject, const void *data, int length, const char *msg_id,
                           const char *type, const char *topic, int64_t offset, bool *duplicate);

/// A subscription to the durable pull consumer `durable` of `subject` in `stream` (explicit
/// acks, redelivery after `ack_wait_ms`), made or updated to this configuration first.
natsStatus weft_js_pull_subscribe(jsCtx *js, const char *stream, const char *subject, const char *durable, int64_t ack_wait_ms,
                                  natsSubscription **subscription);

/// The text of the last error of this thread (status and JetStream code included).
const char *weft_nats_error_text(natsStatus status);
#endif
