import NIOCore

/// nghttp2's callbacks, as they reach the connection: headers, data and closes go to the stream
/// delegate; bodies are handed out without copying (but for small payloads, copied after their
/// frame header into one write); PING ACKs drive keepalive and graceful shutdown. Every call
/// happens inside `receive` or `nextOutput`, which must not be re-entered from here.
extension HTTP2Connection {
    /// Every frame header: a frame beginning is the peer's sign of life for keepalive (a byte
    /// trickled into a frame is not), and its conduct is counted.
    func sessionBeganFrame(type: UInt8, flags: UInt8, stream: Int32) -> Bool {
        keepalive.receivedFrame()
        if case .calmDown(let reason) = conduct.frameBegan(type: type, flags: flags, at: .now()) {
            misconduct = reason
            return false
        }
        watchHeaderBlock()
        return true
    }

    /// Keeps a timer on the header block in progress, if any: one left unfinished past its
    /// deadline ends the connection. The timer is not cancelled when a block completes: almost
    /// every block does within one read, and scheduling and cancelling a timer per HEADERS frame
    /// was a measurable part of each request. When it fires it checks the block in progress then
    /// (none, or a later one) and arms itself again only for a block still open, so one timer per
    /// timeout period serves a busy connection.
    private func watchHeaderBlock() {
        guard headerBlockTimer == nil, let deadline = conduct.headerBlockDeadline else { return }
        headerBlockTimer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self else { return }
            headerBlockTimer = nil
            if case .calmDown(let reason) = conduct.headerBlockTimerFired(at: .now()) { calmDown(reason) } else { watchHeaderBlock() }
        }
    }
    /// A header block begins on `stream` (request, response or trailers).
    func sessionBeganHeaders(stream: Int32) {
        incomingHeaderBlock = (stream, newHeaderBlock())
    }

    /// An empty block over the fields array the last block used (emptied when that block was
    /// delivered), when its delegate kept no copy of it: one array serves every block, not one
    /// allocated per block.
    private func newHeaderBlock() -> IncomingHeaderBlock {
        var fields: HeaderFields = []
        swap(&fields, &spareHeaderFields)
        return IncomingHeaderBlock(fields: fields)
    }

    /// One field of that block.
    func sessionReceivedHeader(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, stream: Int32) {
        if incomingHeaderBlock?.stream != stream { incomingHeaderBlock = (stream, newHeaderBlock()) }
        let name = HeaderText.string(name)
        let value = repeatedValues.string(value, of: name)
        // Mutated in place: a copy taken out would copy the fields every time.
        incomingHeaderBlock!.block.append(name, value, limit: Int(configuration.maximumHeaderListSize))
    }

    /// A frame that completed: a header block, the end of a body, a PING ACK or a GOAWAY.
    func sessionReceived(_ frame: NGHTTP2Frame) {
        switch frame {
        case .headers(let stream, let endStream):
            var block = IncomingHeaderBlock(fields: [])
            if let incoming = incomingHeaderBlock, incoming.stream == stream {
                block = incoming.block
                incomingHeaderBlock = nil
            }
            if block.overflowed {
                delegate?.stream(stream, didReceiveOversizeHeaders: block.size, endStream: endStream, on: self)
            } else {
                delegate?.stream(stream, didReceiveHeaders: block.fields, endStream: endStream, on: self)
                // Kept for the next block with its room but not its strings (a request's
                // credentials must not outlive it on an idle connection).
                var fields = block.fields
                block = IncomingHeaderBlock(fields: [])
                fields.removeAll(keepingCapacity: true)
                spareHeaderFields = fields
            }
        case .endOfData(let stream):
            delegate?.stream(stream, didReceiveData: ByteBuffer(), endStream: true, on: self)
        case .pingAck(Self.keepalivePingPayload):
            keepalive.receivedPingAck()
        case .pingAck(Self.shutdownPingPayload):
            guard case .draining = shutdown else { return }
            session.submitGoAway(errorCode: HTTP2ErrorCode.noError)
            shutdown = .goingAway
        case .pingAck:
            break
        case .goAway(let lastStreamID, let errorCode):
            delegate?.connectionDidReceiveGoAway(lastStreamID: lastStreamID, errorCode: errorCode, on: self)
        case .settings:
            conduct.prefaceReceived()
            delegate?.connectionDidReceiveSettings(on: self)
        }
    }

    /// DATA payload bytes for `stream`; they point into the buffer given to `receive`.
    func sessionReceivedData(_ bytes: UnsafeRawBufferPointer, stream: Int32) {
        inbound.received(bytes.count, stream: stream)
        let data: ByteBuffer
        if let (buffer, base) = receiving, let start = bytes.baseAddress, start >= base, start + bytes.count <= base + buffer.readableBytes {
            data = buffer.getSlice(at: buffer.readerIndex + (start - base), length: bytes.count)!
        } else {
            data = ByteBuffer(bytes: bytes)
        }
        guard let delegate else { return consume(bytes.count, stream: stream) }
        delegate.stream(stream, didReceiveData: data, endStream: false, on: self)
    }

    /// `stream` closed; `errorCode` is 0 for a normal close.
    func sessionClosed(stream: Int32, errorCode: UInt32) {
        if incomingHeaderBlock?.stream == stream { incomingHeaderBlock = nil }
        if var body = outgoing.removeValue(forKey: stream) {
            pendingPromises += body.takeFinishedPromises()
            let failure = HTTP2Error.streamClosed(stream: stream, errorCode: errorCode)
            body.abandon().forEach { $0.fail(failure) }
        }
        let unconsumed = inbound.close(stream: stream)
        if unconsumed > 0 { session.consumeConnection(byteCount: unconsumed) }
        delegate?.streamDidClose(stream, errorCode: errorCode, on: self)
    }

    /// nghttp2 may send up to `maximum` bytes of `stream`'s body now.
    func sessionBodyChunk(stream: Int32, maximum: Int) -> NGHTTP2BodyChunk {
        // Bodies are changed in place (`outgoing.values[index]`): one taken out of the table and
        // put back would copy its chunk buffer, shared with the table's, on the first change.
        guard let index = outgoing.index(forKey: stream) else { return .deferred }
        let chunk = outgoing.values[index].nextChunk(maximum: maximum)
        pendingPromises += outgoing.values[index].takeFinishedPromises()
        // Bytes reported here stay queued until `sessionSendDataFrame` takes them.
        if body(at: index, { $0.isComplete }) { outgoing.remove(at: index) }
        return chunk
    }

    /// DATA payloads up to this size are copied into the pending bytes rather than written on
    /// their own.
    static let copiedPayloadLimit = 2048

    /// Write this DATA frame now: `header` (9 bytes), then the next `length` bytes of the body.
    func sessionSendDataFrame(header: UnsafeRawBufferPointer, length: Int, stream: Int32) {
        guard let index = outgoing.index(forKey: stream) else { return }
        // The body's bookkeeping is done before anything is written: a write may fail at once
        // and close the connection, clearing `outgoing`.
        var slices: [ByteBuffer] = []
        let copied = length <= Self.copiedPayloadLimit && output != nil
        if copied {
            // A small payload is copied after its header: one write for the whole flush, not a
            // write of its own.
            pending.writeBytes(header)
            outgoing.values[index].take(length) { slice in pending.writeBuffer(&slice) }
        } else {
            outgoing.values[index].take(length) { slice in slices.append(slice) }
        }
        pendingPromises += outgoing.values[index].takeFinishedPromises()
        if body(at: index, { $0.isComplete }) { outgoing.remove(at: index) }
        guard !copied, let output else { return }
        // Frames before this one and its header go out first, then the payload, uncopied. The
        // promises wait for the flush's last write (trailers may still follow in this flush).
        pending.writeBytes(header)
        handOverPending(to: output, promise: nil)
        for slice in slices { output.write(slice, promise: nil) }
    }
}

