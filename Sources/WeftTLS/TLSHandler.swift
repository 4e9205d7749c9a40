import COpenSSL
import CWeftOpenSSL
import NIOCore

/// Fired inbound once the handshake has succeeded.
public struct TLSHandshakeCompleted: Sendable {
    public let peer: PeerIdentity?
}

/// TLS for one connection: an OpenSSL `SSL` over two memory BIOs. Ciphertext from the socket
/// goes into the read BIO, plaintext comes out of `SSL_read`; plaintext writes go through
/// `SSL_write` and the write BIO's ciphertext goes to the socket. Confined to the channel's event
/// loop like the handler itself. A failed handshake (no client certificate, a foreign CA, an
/// expired certificate, a wrong server name, no ALPN h2, a peer other than the expected
/// identity, a handshake not finished within `TLSConfiguration.handshakeTimeout`) closes the
/// connection, as does a fatal error reading records after it.
///
/// OpenSSL reports failures through a per-thread error queue: it is cleared before every
/// handshake step, read and write, so a stale error left by another connection on the same
/// event loop cannot fail this one.
public final class TLSHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        case handshaking
        case established
        case closed
    }

    private let context: TLSContext
    private var ssl: OpaquePointer?
    private var readBIO: OpaquePointer?
    private var writeBIO: OpaquePointer?
    private var state = State.handshaking
    /// Plaintext written before the handshake finished, sent right after it.
    private var pendingWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    /// Plaintext written since the last flush, encrypted at the flush: the frames of one event-
    /// loop turn share TLS records instead of taking one (and an encryption) each. Its storage
    /// is reused from flush to flush.
    private var unflushed: ByteBuffer?
    /// Completes when the unflushed plaintext has been written (the promises of its writes,
    /// chained).
    private var unflushedPromise: EventLoopPromise<Void>?
    /// The last flush's ciphertext buffer, reused once the channel has written it.
    private var ciphertext: ByteBuffer?
    /// The peer's identity, known once the handshake is done.
    public private(set) var peer: PeerIdentity?
    /// Ends a handshake that takes longer than `TLSConfiguration.handshakeTimeout`.
    private var handshakeTimer: Scheduled<Void>?

    public init(context: TLSContext) {
        self.context = context
    }

    deinit {
        if let ssl { SSL_free(ssl) }  // frees both BIOs too
    }

    public func handlerAdded(context channelContext: ChannelHandlerContext) {
        let sslContext = context.retainedContextForNewConnection()
        defer { SSL_CTX_free(sslContext) }  // the SSL keeps its own reference
        guard let ssl = SSL_new(sslContext), let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            channelContext.fireErrorCaught(TLSError.setup(TLSContext.lastError()))
            channelContext.close(promise: nil)
            return
        }
        SSL_set_bio(ssl, readBIO, writeBIO)
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        switch context.configuration.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let name = context.configuration.serverName {
                _ = weft_ssl_set_tlsext_host_name(ssl, name)
                _ = weft_ssl_set_expected_peer_name(ssl, name)
            }
        }
        if channelContext.channel.isActive { startHandshake(channelContext) }
    }

    public func channelActive(context channelContext: ChannelHandlerContext) {
        startHandshake(channelContext)
        channelContext.fireChannelActive()
    }

    private func startHandshake(_ channelContext: ChannelHandlerContext) {
        if handshakeTimer == nil, let timeout = context.configuration.handshakeTimeout {
            let bound = NIOLoopBound((self, channelContext), eventLoop: channelContext.eventLoop)
            handshakeTimer = channelContext.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                let (handler, channelContext) = bound.value
                guard handler.state == .handshaking else { return }
                handler.fail(TLSError.handshakeTimeout(timeout), channelContext)
            }
        }
        advanceHandshake(channelContext)
    }

    public func channelRead(context channelContext: ChannelHandlerContext, data: NIOAny) {
        guard let readBIO else { return }
        let ciphertext = unwrapInboundIn(data)
        ciphertext.withUnsafeReadableBytes { bytes in
            _ = BIO_write(readBIO, bytes.baseAddress, Int32(bytes.count))
        }
        switch state {
        case .handshaking:
            advanceHandshake(channelContext)
            if state == .established { readPlaintext(channelContext) }
        case .established:
            readPlaintext(channelContext)
        case .closed:
            break
        }
    }

    public func write(context channelContext: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        switch state {
        case .handshaking: pendingWrites.append((plaintext, promise))
        case .established: holdPlaintext(plaintext, promise: promise, channelContext)
        case .closed: promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func flush(context channelContext: ChannelHandlerContext) {
        guard state != .handshaking else { return }
        encryptUnflushed(channelContext)
        channelContext.flush()
    }

    public func close(context channelContext: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if state == .established, let ssl {
            encryptUnflushed(channelContext)
            SSL_shutdown(ssl)  // close_notify
            flushCiphertext(channelContext)
            channelContext.flush()  // what was written before the close goes out before it
        }
        state = .closed
        failUnsent(ChannelError.ioOnClosedChannel)
        channelContext.close(mode: mode, promise: promise)
    }

    public func handlerRemoved(context channelContext: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        failUnsent(ChannelError.ioOnClosedChannel)
    }

    // MARK: Steps

    private func advanceHandshake(_ channelContext: ChannelHandlerContext) {
        guard state == .handshaking, let ssl else { return }
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        flushCiphertext(channelContext)
        if result == 1 {
            guard weft_ssl_negotiated_h2(ssl) == 1 || context.configuration.allowsHTTP1 else {
                return fail(TLSError.alpnNotNegotiated, channelContext)
            }
            let identity = Self.peerIdentity(ssl)
            if let expected = context.configuration.expectedPeerIdentity, identity?.uri != expected {
                return fail(TLSError.unexpectedPeer(expected: expected, actual: identity?.uri), channelContext)
            }
            state = .established
            handshakeTimer?.cancel()
            peer = identity
            channelContext.fireUserInboundEventTriggered(TLSHandshakeCompleted(peer: peer))
            let writes = pendingWrites
            pendingWrites = []
            for (plaintext, promise) in writes { holdPlaintext(plaintext, promise: promise, channelContext) }
            encryptUnflushed(channelContext)
            channelContext.flush()
            return
        }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return }
        fail(TLSError.handshake(Self.handshakeFailure(ssl)), channelContext)
    }

    /// The most plaintext one TLS record carries.
    private static let readChunk = 16 * 1024

    private func readPlaintext(_ channelContext: ChannelHandlerContext) {
        guard let ssl else { return }
        var buffer = channelContext.channel.allocator.buffer(capacity: Self.readChunk)
        while true {
            // Grow only when little room is left: asking for a whole record's room before every
            // SSL_read reallocated the buffer on every read, even when one record was all there was.
            let room = buffer.writableBytes >= 2048 ? 1 : Self.readChunk
            var result: Int32 = 0
            ERR_clear_error()
            let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { bytes in
                result = SSL_read(ssl, bytes.baseAddress, Int32(bytes.count))
                return Int(max(0, result))
            }
            if read > 0 { continue }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                break
            case SSL_ERROR_ZERO_RETURN:
                // The peer sent close_notify.
                flushCiphertext(channelContext)
                if buffer.readableBytes > 0 { channelContext.fireChannelRead(wrapInboundOut(buffer)) }
                channelContext.close(promise: nil)
                return
            default:
                // A record that fails to decrypt or a protocol violation: nothing more can be read.
                if buffer.readableBytes > 0 { channelContext.fireChannelRead(wrapInboundOut(buffer)) }
                return fail(TLSError.read(TLSContext.lastError()), channelContext)
            }
            break
        }
        flushCiphertext(channelContext)  // e.g. post-handshake messages
        if buffer.readableBytes > 0 { channelContext.fireChannelRead(wrapInboundOut(buffer)) }
    }

    /// Keeps `plaintext` for the next flush.
    private func holdPlaintext(_ plaintext: ByteBuffer, promise: EventLoopPromise<Void>?, _ channelContext: ChannelHandlerContext) {
        if unflushed == nil { unflushed = channelContext.channel.allocator.buffer(capacity: max(plaintext.readableBytes, 4096)) }
        unflushed!.writeImmutableBuffer(plaintext)
        guard let promise else { return }
        if let earlier = unflushedPromise {
            earlier.futureResult.cascade(to: promise)
        } else {
            unflushedPromise = promise
        }
    }

    /// Encrypts the plaintext held since the last flush and writes its ciphertext (an empty
    /// write's promise completes with it).
    private func encryptUnflushed(_ channelContext: ChannelHandlerContext) {
        guard let ssl else { return }
        let promise = unflushedPromise
        unflushedPromise = nil
        // Taken out while it is read, so that clearing it afterwards reuses its storage. (Every
        // write, an empty one too, leaves a buffer here; no buffer means no promise either.)
        guard var plaintext = unflushed.take() else { return }
        while plaintext.readableBytes > 0 {
            ERR_clear_error()
            let written = plaintext.withUnsafeReadableBytes { bytes in
                SSL_write(ssl, bytes.baseAddress, Int32(bytes.count))
            }
            guard written > 0 else {
                let error = TLSError.write(TLSContext.lastError())
                promise?.fail(error)
                return fail(error, channelContext)
            }
            plaintext.moveReaderIndex(forwardBy: Int(written))
        }
        plaintext.clear()
        if plaintext.capacity <= Self.keptBufferCapacity { unflushed = plaintext }
        flushCiphertext(channelContext, promise: promise)
    }

    /// Fails the writes not sent yet: held for a flush, or waiting for the handshake.
    private func failUnsent(_ error: any Error) {
        unflushed = nil
        let promise = unflushedPromise
        unflushedPromise = nil
        promise?.fail(error)
        let waiting = pendingWrites
        pendingWrites = []
        for (_, promise) in waiting { promise?.fail(error) }
    }

    /// Writes what OpenSSL produced for the socket, into the previous flush's buffer when the
    /// channel has let go of it.
    private func flushCiphertext(_ channelContext: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        guard let writeBIO else { return }
        let pending = Int(BIO_ctrl_pending(writeBIO))
        guard pending > 0 else {
            promise?.succeed(())
            return
        }
        var buffer = ciphertext ?? channelContext.channel.allocator.buffer(capacity: pending)
        ciphertext = nil  // so that the buffer is uniquely held while it is refilled
        buffer.clear()
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
            Int(max(0, BIO_read(writeBIO, bytes.baseAddress, Int32(pending))))
        }
        channelContext.write(wrapOutboundOut(buffer), promise: promise)
        // A large write's buffer is not kept: a connection's idle memory stays small.
        if buffer.capacity <= Self.keptBufferCapacity { ciphertext = buffer }
        if state == .handshaking { channelContext.flush() }
    }

    /// The largest plaintext or ciphertext buffer kept for reuse.
    private static let keptBufferCapacity = 64 * 1024

    private func fail(_ error: TLSError, _ channelContext: ChannelHandlerContext) {
        flushCiphertext(channelContext)  // the alert, so the peer learns why
        channelContext.flush()
        state = .closed
        failUnsent(error)
        channelContext.fireErrorCaught(error)
        channelContext.close(promise: nil)
    }

    /// OpenSSL's reason, with why the peer's certificate was refused when that was the cause
    /// ("certificate verify failed (certificate has expired)").
    private static func handshakeFailure(_ ssl: OpaquePointer) -> String {
        let reason = TLSContext.lastError()
        let verification = SSL_get_verify_result(ssl)
        guard verification != X509_V_OK, let text = X509_verify_cert_error_string(verification) else { return reason }
        return "\(reason) (\(String(cString: text)))"
    }

    private static func peerIdentity(_ ssl: OpaquePointer) -> PeerIdentity? {
        var subject = [CChar](repeating: 0, count: 512)
        guard weft_ssl_peer_subject(ssl, &subject, subject.count) >= 0 else { return nil }
        var uri = [CChar](repeating: 0, count: 512)
        let hasURI = weft_ssl_peer_uri_san(ssl, &uri, uri.count) >= 0
        func text(_ chars: [CChar]) -> String {
            String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return PeerIdentity(uri: hasURI ? text(uri) : nil, subject: text(subject))
    }
}
