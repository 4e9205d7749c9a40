/// Decides when to PING an idle connection and when a missing ACK closes it. A plain value: the
/// connection reports inbound bytes, ACKs and timer ticks, and performs the returned action.
struct KeepaliveState {
    /// What the connection should do after a tick.
    enum Action: Equatable {
        case none
        /// Send a keepalive PING and start its timeout.
        case sendPing
        /// The PING went unanswered: close the connection.
        case closeConnection
    }

    private var receivedSinceTick = false
    private var awaitingAck = false

    /// A frame began arriving from the peer: the connection is alive. (Bytes alone are not: a
    /// peer trickling one byte at a time into a frame would hold the connection forever.)
    mutating func receivedFrame() {
        receivedSinceTick = true
    }

    /// The keepalive PING was acknowledged.
    mutating func receivedPingAck() {
        awaitingAck = false
    }

    /// The interval passed: PING when nothing arrived during it and no PING is outstanding.
    mutating func intervalElapsed() -> Action {
        defer { receivedSinceTick = false }
        guard !receivedSinceTick, !awaitingAck else { return .none }
        awaitingAck = true
        return .sendPing
    }

    /// The timeout of an outstanding PING passed.
    func timeoutElapsed() -> Action {
        awaitingAck ? .closeConnection : .none
    }
}
