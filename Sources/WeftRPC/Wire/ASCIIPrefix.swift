extension String {
    /// Whether the string's UTF-8 bytes begin with `prefix`'s, compared as bytes at once.
    /// `utf8.starts(with:)` walks both sequences a byte at a time through their iterators,
    /// which was a measurable part of reading every call's headers.
    package func hasUTF8Prefix(_ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        return utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count >= count && UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[..<count])
                .elementsEqual(UnsafeRawBufferPointer(start: prefix.utf8Start, count: count))
        } ?? utf8.starts(with: UnsafeBufferPointer(start: prefix.utf8Start, count: count))
    }
}
