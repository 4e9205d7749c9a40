extension String {
    /// Whether the string's UTF-8 bytes begin with `prefix`'s, compared over two contiguous
    /// buffers. `utf8.starts(with:)` walks both sequences through their iterators, index by
    /// index, which was a measurable part of reading every call's headers.
    package func hasUTF8Prefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { prefix in
            utf8.withContiguousStorageIfAvailable { bytes in
                bytes.count >= prefix.count && UnsafeBufferPointer(rebasing: bytes[..<prefix.count]).elementsEqual(prefix)
            } ?? utf8.starts(with: prefix)
        }
    }
}
