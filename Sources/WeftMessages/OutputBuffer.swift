/// A growable byte buffer over raw memory, shared by `WireWriter` and `JSONWriter`.
///
/// It owns its allocation and frees it on `deinit` unless `takeBytes()` consumed it.
@usableFromInline
struct OutputBuffer: ~Copyable {
    /// Start of the allocation.
    @usableFromInline var base: UnsafeMutableRawPointer
    /// Bytes allocated.
    @usableFromInline var capacity: Int
    /// Bytes written.
    @usableFromInline var count: Int

    @usableFromInline
    init(capacity: Int) {
        let capacity = max(capacity, 16)
        base = .allocate(byteCount: capacity, alignment: 16)
        self.capacity = capacity
        count = 0
    }

    @inlinable
    deinit { base.deallocate() }

    /// Makes room for at least `n` more bytes.
    @inlinable @inline(__always)
    mutating func reserve(_ n: Int) {
        if capacity &- count < n { grow(n) }
    }

    @usableFromInline
    mutating func grow(_ n: Int) {
        var newCapacity = capacity &* 2
        while newCapacity &- count < n { newCapacity &*= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends one byte.
    @inlinable @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    /// Appends `n` bytes from `source`.
    @inlinable @inline(__always)
    mutating func append(_ source: UnsafeRawPointer, count n: Int) {
        reserve(n)
        (base + count).copyMemory(from: source, byteCount: n)
        count &+= n
    }

    /// Appends the bytes of a buffer.
    @inlinable
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        append(source, count: bytes.count)
    }

    /// Appends the UTF-8 bytes of a static string.
    @inlinable @inline(__always)
    mutating func append(_ s: StaticString) {
        append(UnsafeRawPointer(s.utf8Start), count: s.utf8CodeUnitCount)
    }

    /// Appends the decimal digits of `value`.
    @inlinable
    mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        var digits = 1
        var probe = value
        while probe >= 10 { probe /= 10; digits &+= 1 }
        reserve(digits)
        var v = value
        var index = count &+ digits
        while index > count {
            index &-= 1
            let (q, r) = v.quotientAndRemainder(dividingBy: 10)
            base.storeBytes(of: UInt8(truncatingIfNeeded: r) &+ 0x30, toByteOffset: index, as: UInt8.self)
            v = q
        }
        count &+= digits
    }

    /// Appends the decimal text of a signed value.
    @inlinable
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(value.magnitude)
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends `value` as exactly `width` decimal digits, zero padded.
    @inlinable
    mutating func appendDigits(_ value: Int, width: Int) {
        reserve(width)
        var v = value
        var index = count &+ width
        while index > count {
            index &-= 1
            base.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ 0x30, toByteOffset: index, as: UInt8.self)
            v /= 10
        }
        count &+= width
    }

    /// Copies the bytes out into an array and frees the buffer.
    @usableFromInline
    consuming func takeBytes() -> [UInt8] {
        let n = count
        let source = base
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
            if n > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source, byteCount: n) }
            initialized = n
        }
    }

    /// Copies the bytes out into a string (they must be UTF-8) and frees the buffer.
    @usableFromInline
    consuming func takeString() -> String {
        let n = count
        let source = base
        return String(unsafeUninitializedCapacity: n) { buffer in
            if n > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source, byteCount: n) }
            return n
        }
    }
}
