import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// An answer read as it arrives: its HTTP status once the head is in, then its body in chunks.
/// URLSession's own byte stream (`bytes(for:)`) exists on Apple platforms only; a data
/// delegate works on Linux too.
struct ResponseChunks {
    let status: Int
    let chunks: AsyncThrowingStream<Data, any Error>

    /// Starts `request` in a session of its own (made from `session`'s configuration, so that it
    /// can have this delegate) and returns when the answer's head arrived.
    static func open(_ request: URLRequest, like session: URLSession) async throws -> ResponseChunks {
        let (chunks, chunkSink) = AsyncThrowingStream<Data, any Error>.makeStream()
        let status: Int = try await withCheckedThrowingContinuation { head in
            let delegate = ChunkDelegate(head: head, chunks: chunkSink)
            let own = URLSession(configuration: session.configuration, delegate: delegate, delegateQueue: nil)
            let task = own.dataTask(with: request)
            chunkSink.onTermination = { _ in task.cancel() }
            task.resume()
            // The session lets the task finish, then lets go of its delegate.
            own.finishTasksAndInvalidate()
        }
        return ResponseChunks(status: status, chunks: chunks)
    }

    /// The whole remaining body.
    func body() async throws -> [UInt8] {
        var body: [UInt8] = []
        for try await chunk in chunks { body += chunk }
        return body
    }
}

/// Hands a data task's head to a continuation and its body chunks to a stream. URLSession calls
/// it on its serial delegate queue; the head continuation is resumed once, under a lock.
private final class ChunkDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private let head: Mutex<CheckedContinuation<Int, any Error>?>
    private let chunks: AsyncThrowingStream<Data, any Error>.Continuation

    init(head: CheckedContinuation<Int, any Error>, chunks: AsyncThrowingStream<Data, any Error>.Continuation) {
        self.head = Mutex(head)
        self.chunks = chunks
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        head.withLock { $0.take() }?.resume(returning: (response as? HTTPURLResponse)?.statusCode ?? 0)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        chunks.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            head.withLock { $0.take() }?.resume(throwing: error)
            chunks.finish(throwing: error)
        } else {
            head.withLock { $0.take() }?.resume(returning: (task.response as? HTTPURLResponse)?.statusCode ?? 0)
            chunks.finish()
        }
    }
}
