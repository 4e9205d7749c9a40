/// A field's occurrences in one message, in wire order. Most fields occur once or not at all,
/// which takes no array: reading a response's fields made one array per field present.
struct FieldOccurrences: RandomAccessCollection, Sendable {
    private enum Storage: Sendable {
        /// The field did not occur.
        case none
        /// It occurred once: no array.
        case one(RawValue)
        /// It occurred more than once, in wire order.
        case many([RawValue])
    }

    private var storage = Storage.none

    /// No occurrence.
    init() {}

    /// One occurrence.
    init(_ value: RawValue) {
        storage = .one(value)
    }

    /// Adds the next occurrence.
    mutating func append(_ value: RawValue) {
        switch storage {
        case .none:
            storage = .one(value)
        case .one(let first):
            storage = .many([first, value])
        case .many(var values):
            storage = .none  // `values` is then the array's only holder: appended in place
            values.append(value)
            storage = .many(values)
        }
    }

    var startIndex: Int { 0 }

    var endIndex: Int {
        switch storage {
        case .none: 0
        case .one: 1
        case .many(let values): values.count
        }
    }

    subscript(position: Int) -> RawValue {
        switch storage {
        case .none: preconditionFailure("no occurrence at \(position)")
        case .one(let value):
            precondition(position == 0, "no occurrence at \(position)")
            return value
        case .many(let values): return values[position]
        }
    }
}
