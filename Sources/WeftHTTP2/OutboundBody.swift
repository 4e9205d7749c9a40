import NIOCore

/// One stream's outgoing body: chunks waiting for the peer's flow-control window, then how the
/// body ends. A plain value that `HTTP2Connection` drives: writes go in, nghttp2's asks for bytes
/// take them out as zero-copy slices, and the promises of what went out are handed back to be
/// completed once those bytes are written.
struct OutboundBody {
    /// Bytes queued, and the promise their write completes. A struct, not a tuple: the buffer's
    /// generic code then finds its type's metadata statically, not through the runtime's cache.
    private struct Chunk {
        var bytes: ByteBuffer
        let promise: EventLoopPromise<Void>?
    }

    /// The chunks queued, in order; the first is held inline, so the usual body (one chunk: a
    /// whole answer, a unary request) takes no allocation for its queue.
    private var head: Chunk?
    /// The chunks after `head`; empty whenever `head` is nil.
    private var tail: CircularBuffer<Chunk>?
    private var queuedBytes = 0
    private var end: End?
    private var endReported = false
    /// Promises whose bytes (or end) have been handed to nghttp2.
    private var finished: [EventLoopPromise<Void>] = []

    /// How the body ends, with the promise completed once the end is written.
    enum End {
        case endStream(EventLoopPromise<Void>?)
        case trailers(HeaderFields, EventLoopPromise<Void>?)
    }

    /// Whether more bytes (or the end) may still be queued.
    var acceptsWrites: Bool { end == nil }

    /// Whether everything, end included, has been handed to nghttp2.
    var isComplete: Bool { endReported && queuedBytes == 0 }

    /// Queues non-empty `bytes`; `promise` completes once they are written.
    mutating func append(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?) {
        precondition(acceptsWrites && bytes.readableBytes > 0)
        if head == nil {
            head = Chunk(bytes: bytes, promise: promise)
        } else {
            if tail == nil { tail = CircularBuffer() }
            tail!.append(Chunk(bytes: bytes, promise: promise))
        }
        queuedBytes += bytes.readableBytes
    }

    /// Ends the body after the bytes already queued.
    mutating func finish(_ end: End) {
        precondition(acceptsWrites)
        self.end = end
    }

    /// Answers nghttp2 asking for at most `maximum` bytes: as many as are queued, and the end
    /// once the last of them goes.
    mutating func nextChunk(maximum: Int) -> NGHTTP2BodyChunk {
        let length = min(maximum, queuedBytes)
        guard length == queuedBytes, let end, !endReported else {
            return length == 0 ? .deferred : .data(length: length, end: nil)
        }
        endReported = true
        switch end {
        case .endStream(let promise):
            if let promise { finished.append(promise) }
            return .data(length: length, end: .endStream)
        case .trailers(let trailers, let promise):
            if let promise { finished.append(promise) }
            return .data(length: length, end: .trailers(trailers))
        }
    }

    /// Removes the next `length` bytes for a DATA frame, handing them to `body` in order as
    /// slices of the queued buffers (no array of them is made: a frame is usually one slice).
    mutating func take(_ length: Int, _ body: (inout ByteBuffer) -> Void) {
        precondition(length <= queuedBytes)
        var remaining = length
        while remaining > 0 {
            let count = min(remaining, head!.bytes.readableBytes)
            var slice = head!.bytes.readSlice(length: count)!
            body(&slice)
            remaining -= count
            if head!.bytes.readableBytes == 0 {
                if let promise = head!.promise { finished.append(promise) }
                head = tail?.popFirst()
            }
        }
        queuedBytes -= length
    }

    /// The promises of everything handed to nghttp2 since the last call.
    mutating func takeFinishedPromises() -> [EventLoopPromise<Void>] {
        defer { finished = [] }
        return finished
    }

    /// The promises of what will now never be sent (the stream closed first).
    mutating func abandon() -> [EventLoopPromise<Void>] {
        var promises: [EventLoopPromise<Void>] = []
        if let promise = head?.promise { promises.append(promise) }
        promises += tail?.compactMap(\.promise) ?? []
        if !endReported {
            switch end {
            case .endStream(let promise?), .trailers(_, let promise?): promises.append(promise)
            default: break
            }
        }
        head = nil
        tail = nil
        queuedBytes = 0
        end = nil
        return promises
    }
}
