import CNGHTTP2

/// Header fields as nghttp2 name/value pairs.
enum NGHTTP2HeaderBlock {
    /// Runs `body` with `headers` as `nghttp2_nv`s, valid only inside `body` (nghttp2 copies them
    /// when a frame is submitted).
    static func withNameValues<Result>(_ headers: HeaderFields, _ body: (UnsafeMutableBufferPointer<nghttp2_nv>) -> Result) -> Result {
        // One buffer holds every name and value back to back.
        var storage: [UInt8] = []
        storage.reserveCapacity(headers.reduce(1) { $0 + $1.name.utf8.count + $1.value.utf8.count })
        var ranges: [(name: Range<Int>, value: Range<Int>)] = []
        ranges.reserveCapacity(headers.count)
        for (name, value) in headers {
            let nameStart = storage.count
            storage += name.utf8
            let valueStart = storage.count
            storage += value.utf8
            ranges.append((nameStart..<valueStart, valueStart..<storage.count))
        }
        storage.append(0)  // never empty, so the base address exists even for empty fields
        return storage.withUnsafeMutableBufferPointer { bytes in
            let base = bytes.baseAddress!
            var nva = ranges.map { range in
                nghttp2_nv(
                    name: base + range.name.lowerBound, value: base + range.value.lowerBound,
                    namelen: range.name.count, valuelen: range.value.count, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            return nva.withUnsafeMutableBufferPointer { body($0) }
        }
    }
}
