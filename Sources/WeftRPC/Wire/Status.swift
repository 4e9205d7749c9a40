import WeftMessages

/// The outcome of an RPC: a code, a human-readable message and typed details (gRPC's
/// `grpc-status`, `grpc-message` and `grpc-status-details-bin`, google.rpc's error model). It is
/// also the error type calls throw.
///
/// Two statuses are equal when their codes, messages and details are; `origin` is what this
/// process knows about where a status came from, and takes no part in equality.
public struct Status: Error, Sendable, Hashable, CustomStringConvertible {
    /// One of gRPC's 17 status codes. A struct rather than an enum so that a code a peer sends
    /// outside 0…16 survives (it reads as `unknown` but keeps its number).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The number sent in `grpc-status`.
        public let rawValue: Int

        /// A code for `rawValue`; numbers outside 0…16 are kept as given.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        public static let ok = Code(rawValue: 0)
        public static let cancelled = Code(rawValue: 1)
        public static let unknown = Code(rawValue: 2)
        public static let invalidArgument = Code(rawValue: 3)
        public static let deadlineExceeded = Code(rawValue: 4)
        public static let notFound = Code(rawValue: 5)
        public static let alreadyExists = Code(rawValue: 6)
        public static let permissionDenied = Code(rawValue: 7)
        public static let resourceExhausted = Code(rawValue: 8)
        public static let failedPrecondition = Code(rawValue: 9)
        public static let aborted = Code(rawValue: 10)
        public static let outOfRange = Code(rawValue: 11)
        public static let unimplemented = Code(rawValue: 12)
        public static let `internal` = Code(rawValue: 13)
        public static let unavailable = Code(rawValue: 14)
        public static let dataLoss = Code(rawValue: 15)
        public static let unauthenticated = Code(rawValue: 16)

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED",
        ]

        /// The canonical name, e.g. `DEADLINE_EXCEEDED`; `CODE_<n>` for a number outside 0…16.
        public var description: String {
            Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE_\(rawValue)"
        }

        /// Whether the code points at a problem of the server or what it depends on (UNKNOWN,
        /// DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS) rather than at
        /// the request or the caller (NOT_FOUND, INVALID_ARGUMENT, CANCELLED…): what deserves an
        /// operator's attention.
        public var isServerFault: Bool {
            [Self.unknown, .deadlineExceeded, .unimplemented, .internal, .unavailable, .dataLoss].contains(self)
        }

        /// The code for a canonical name (`NOT_FOUND`), nil for an unknown name.
        public init?(name: String) {
            guard let index = Self.names.firstIndex(of: name) else { return nil }
            self.init(rawValue: index)
        }
    }

    /// Where a status came from, as this process knows it. Local knowledge only: it is never sent
    /// on the wire, so no peer can claim an origin, and a server sending a status it caught sends
    /// only its code and message.
    public struct Origin: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case application, peer, transport, transportBeforeSending
        }

        private let kind: Kind

        /// Made by code (a handler, an interceptor, the caller): the origin of every status built
        /// with `Status.init`.
        public static let application = Origin(kind: .application)
        /// Read from the `grpc-status` of a peer's response (or given by an in-process server).
        public static let peer = Origin(kind: .peer)
        /// Made by this process's transport once the call may have reached the peer (the
        /// connection failed, the deadline passed, the response was malformed).
        public static let transport = Origin(kind: .transport)
        /// Made by this process's transport for a call whose request never left it (the connection
        /// was closed or refused a new stream, no endpoint took it): the peer saw nothing, so the
        /// call may be retried anywhere whatever its idempotency.
        public static let transportBeforeSending = Origin(kind: .transportBeforeSending)

        /// Whether this process's transport made the status (sent or not).
        public var isTransport: Bool { kind == .transport || kind == .transportBeforeSending }

        public var description: String {
            switch kind {
            case .application: "application"
            case .peer: "peer"
            case .transport: "transport"
            case .transportBeforeSending: "transport, before sending"
            }
        }
    }

    public var code: Code
    /// Free text for a developer; any Unicode, percent-encoded on the wire.
    public var message: String
    /// Details a client can act on (`google.rpc.ErrorInfo`, `BadRequest`…), sent in
    /// `grpc-status-details-bin` as a `google.rpc.Status`.
    public var details: [Google_Protobuf_Any]
    /// Where this status came from; not part of equality and never sent.
    public private(set) var origin: Origin

    /// A status with `code`, an optional message and details, made by application code.
    public init(_ code: Code, _ message: String = "", details: [Google_Protobuf_Any] = []) {
        self.init(code, message, details: details, origin: .application)
    }

    /// A status with a stated origin: Weft's transports mark what they make and what they read.
    package init(_ code: Code, _ message: String, details: [Google_Protobuf_Any] = [], origin: Origin) {
        self.code = code
        self.message = message
        self.details = details
        self.origin = origin
    }

    /// The first detail of type `Detail` (`status.detail(Google_Rpc_ErrorInfo.self)`), nil when
    /// there is none.
    public func detail<Detail: WeftMessage>(_ type: Detail.Type) -> Detail? {
        details.lazy.compactMap { (try? $0.unpack(Detail.self)) ?? nil }.first
    }

    /// A status this process's transport made.
    @usableFromInline package static func transport(_ code: Code, _ message: String) -> Status {
        Status(code, message, origin: .transport)
    }

    /// The status of a call whose request never left this process (see `Origin.transportBeforeSending`).
    package static func notSent(_ reason: String) -> Status {
        Status(.unavailable, "the call was not sent: \(reason)", origin: .transportBeforeSending)
    }

    /// The same code, message and details with another origin.
    package func from(_ origin: Origin) -> Status {
        Status(code, message, details: details, origin: origin)
    }

    public static func == (lhs: Status, rhs: Status) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.details == rhs.details
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(details)
    }

    /// The success status.
    public static let ok = Status(.ok)

    public var isOK: Bool { code == .ok }

    public var description: String {
        message.isEmpty ? code.description : "\(code): \(message)"
    }

    /// As a `google.rpc.Status`, what `grpc-status-details-bin` carries.
    public var rpcStatus: Google_Rpc_Status {
        Google_Rpc_Status(code: Int32(truncatingIfNeeded: code.rawValue), message: message, details: details)
    }

    /// The status for a response that is not HTTP 200, as the gRPC HTTP/2 protocol maps it
    /// (the peer is not speaking gRPC, or a proxy answered).
    public init(httpStatus: Int) {
        let code: Code
        switch httpStatus {
        case 400: code = .internal
        case 401: code = .unauthenticated
        case 403: code = .permissionDenied
        case 404: code = .unimplemented
        case 429, 502, 503, 504: code = .unavailable
        default: code = .unknown
        }
        self.init(code, "HTTP status \(httpStatus)", origin: .transport)
    }
}

/// An error that is sent as a particular status: a generated typed error (a reason the schema
/// declares, with its code and details). A handler may throw it as it would a `Status`.
public protocol StatusConvertible: Error {
    /// The status the caller receives.
    var status: Status { get }
}

extension ServiceError: StatusConvertible {
    /// The status this failure is sent as: its reason's code, its message, ErrorInfo and
    /// BadRequest details.
    public var status: Status {
        let rpc = rpcStatus
        return Status(Status.Code(rawValue: Int(rpc.code)), rpc.message, details: rpc.details)
    }
}

extension Status {
    /// What `error` is as a status: itself, the status a `StatusConvertible` is sent as,
    /// CANCELLED for a `CancellationError`, otherwise UNKNOWN naming it.
    public init(error: any Error) {
        switch error {
        case let status as Status: self = status
        case let convertible as any StatusConvertible: self = convertible.status
        case is CancellationError: self.init(.cancelled, "the call was cancelled")
        default: self.init(.unknown, "\(error)")
        }
    }

    /// The typed failure this status carries, when its details name one of `Reason`'s reasons.
    public func serviceError<Reason: ErrorReason>(_ reason: Reason.Type) -> ServiceError<Reason>? {
        ServiceError(rpcStatus: rpcStatus)
    }
}
