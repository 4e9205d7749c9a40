import CNGHTTP2

/// Header fields as nghttp2 name/value pairs.
enum NGHTTP2HeaderBlock {
    /// Runs `body` with `headers` as `nghttp2_nv`s, valid only inside `body` (nghttp2 copies them
    /// when a frame is submitted). Names, values and pairs live in temporary buffers (on the
    /// stack for a typical block): no heap allocation per header block.
    static func withNameValues<Result>(_ headers: HeaderFields, _ body: (UnsafeMutableBufferPointer<nghttp2_nv>) -> Result) -> Result {
        // Never empty, so the base address exists even when every field is empty.
        let byteCount = headers.reduce(1) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: byteCount) { bytes in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: headers.count) { pairs in
                let base = bytes.baseAddress!
                var offset = 0
                func append(_ text: String) -> (UnsafeMutablePointer<UInt8>, Int) {
                    let start = offset
                    offset = UnsafeMutableBufferPointer(rebasing: bytes[start...]).initialize(from: text.utf8).1 + start
                    return (base + start, offset - start)
                }
                for (index, field) in headers.enumerated() {
                    let (name, nameLength) = append(field.name)
                    let (value, valueLength) = append(field.value)
                    let flags = isNewEveryRequest(field.name) ? NGHTTP2_NV_FLAG_NO_INDEX : NGHTTP2_NV_FLAG_NONE
                    (pairs.baseAddress! + index).initialize(to: nghttp2_nv(
                        name: name, value: value, namelen: nameLength, valuelen: valueLength, flags: UInt8(flags.rawValue)))
                }
                // nghttp2_nv is a plain C struct: nothing to deinitialize afterwards.
                return body(pairs)
            }
        }
    }

    /// Whether a field's value differs on every request (a trace or request id, a remaining
    /// timeout): HPACK then sends it as never indexed, not adding it to the dynamic table, where
    /// it would cost both ends an insertion and push out entries that do repeat (and no proxy
    /// after us indexes it either).
    static func isNewEveryRequest(_ name: String) -> Bool {
        switch name.utf8.count {
        case 11: name == "traceparent"
        case 12: name == "x-request-id" || name == "grpc-timeout"
        default: false
        }
    }
}
