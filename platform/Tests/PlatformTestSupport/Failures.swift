import WeftMessages
import WeftRPC

/// The typed reason `body` failed with; nil when it succeeded. Any other error is rethrown, so
/// the test fails showing it.
public func failureReason<Reason: ErrorReason>(_ type: Reason.Type, _ body: () async throws -> some Any) async throws -> Reason? {
    do {
        _ = try await body()
        return nil
    } catch let error as ServiceError<Reason> {
        return error.reason
    }
}

/// The status code `body` failed with (a `Status` the handler threw, not a typed error); nil
/// when it succeeded. Any other error is rethrown.
public func failureCode(_ body: () async throws -> some Any) async throws -> Status.Code? {
    do {
        _ = try await body()
        return nil
    } catch let status as Status {
        return status.code
    }
}
