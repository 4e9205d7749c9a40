/// The last value received on a connection for each of a few fields whose long values repeat
/// request after request (a client's `user-agent`, the `:authority` it calls): while the bytes
/// are the same, the string made for them the first time is reused instead of allocating
/// another. Values up to 15 bytes are held inline in a string and gain nothing from this.
///
/// No credential, path or per-end-user value is kept: what is kept outlives the request on an
/// idle connection. (`x-forwarded-for` is not among them: a proxy multiplexing many clients on
/// one connection sends a different one per request. An `:authority` with userinfo, which RFC
/// 9113 §8.3.1 forbids, is never kept.)
struct RepeatedHeaderValues {
    /// The fields whose values are kept.
    static let names = [":authority", "user-agent"]

    private var values = [String?](repeating: nil, count: names.count)

    /// `bytes`, the value of field `name`, as a string: the one kept for `name` when the bytes
    /// are the same.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, of name: String) -> String {
        guard bytes.count > 15, let slot = Self.names.firstIndex(of: name), !bytes.contains(UInt8(ascii: "@")) else {
            return HeaderText.string(bytes)
        }
        if let kept = values[slot], kept.utf8.count == bytes.count,
           kept.utf8.withContiguousStorageIfAvailable({ $0.elementsEqual(bytes) }) == true {
            return kept
        }
        let made = HeaderText.string(bytes)
        values[slot] = made
        return made
    }
}
