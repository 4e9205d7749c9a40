#include "CWeftNATS.h"
#include <stdio.h>

natsStatus weft_js_connect(const char *url, natsConnection **connection, jsCtx **js) {
    natsOptions *options = NULL;
    natsStatus status = natsOptions_Create(&options);
    if (status == NATS_OK) status = natsOptions_SetURL(options, url);
    // Reconnect for ever: the broker restarting must not end the service.
    if (status == NATS_OK) status = natsOptions_SetMaxReconnect(options, -1);
    if (status == NATS_OK) status = natsConnection_Connect(connection, options);
    natsOptions_Destroy(options);
    if (status == NATS_OK) status = natsConnection_JetStream(js, *connection, NULL);
    return status;
}

natsStatus weft_js_ensure_stream(jsCtx *js, const char *name, const char *subjects, int64_t duplicate_window_ms) {
    jsStreamInfo *info = NULL;
    jsErrCode code = 0;
    natsStatus status = js_GetStreamInfo(&info, js, name, NULL, &code);
    if (status == NATS_OK) {
        jsStreamInfo_Destroy(info);
        return NATS_OK;
    }
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = name;
    config.Subjects = &subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.Duplicates = duplicate_window_ms * 1000000;
    status = js_AddStream(&info, js, &config, NULL, &code);
    if (status == NATS_OK) jsStreamInfo_Destroy(info);
    return status;
}

natsStatus weft_js_publish(jsCtx *js, const char *subject, const void *data, int length, const char *msg_id,
                           const char *type, const char *topic, int64_t offset, bool *duplicate) {
    natsMsg *message = NULL;
    natsStatus status = natsMsg_Create(&message, subject, NULL, data, length);
    char offset_text[24];
    snprintf(offset_text, sizeof offset_text, "%lld", (long long)offset);
    if (status == NATS_OK) status = natsMsgHeader_Set(message, "Weft-Event-Type", type);
    if (status == NATS_OK) status = natsMsgHeader_Set(message, "Weft-Event-Topic", topic);
    if (status == NATS_OK) status = natsMsgHeader_Set(message, "Weft-Event-Offset", offset_text);
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MsgId = msg_id;
    jsPubAck *ack = NULL;
    jsErrCode code = 0;
    if (status == NATS_OK) status = js_PublishMsg(&ack, js, message, &options, &code);
    if (status == NATS_OK) {
        *duplicate = ack->Duplicate;
        jsPubAck_Destroy(ack);
    }
    natsMsg_Destroy(message);
    return status;
}

natsStatus weft_js_pull_subscribe(jsCtx *js, const char *stream, const char *subject, const char *durable, int64_t ack_wait_ms,
                                  natsSubscription **subscription) {
    // The durable consumer is made, or brought to this configuration (a new ack wait, say),
    // then the subscription binds to it.
    jsConsumerConfig config;
    jsConsumerConfig_Init(&config);
    config.Durable = durable;
    config.FilterSubject = subject;
    config.AckPolicy = js_AckExplicit;
    config.AckWait = ack_wait_ms * 1000000;
    jsConsumerInfo *info = NULL;
    jsErrCode code = 0;
    natsStatus status = js_GetConsumerInfo(&info, js, stream, durable, NULL, &code);
    if (status == NATS_OK) {
        jsConsumerInfo_Destroy(info);
        info = NULL;
        status = js_UpdateConsumer(&info, js, stream, &config, NULL, &code);
    } else {
        status = js_AddConsumer(&info, js, stream, &config, NULL, &code);
    }
    if (status != NATS_OK) return status;
    jsConsumerInfo_Destroy(info);
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = stream;
    options.Consumer = durable;
    return js_PullSubscribe(subscription, js, subject, durable, NULL, &options, &code);
}

const char *weft_nats_error_text(natsStatus status) {
    const char *text = nats_GetLastError(NULL);
    return text != NULL && text[0] != 0 ? text : natsStatus_GetText(status);
}
