/// The field values a matched path binds, by field path (`name`, `book.id`), in key order. A
/// template binds one or two: a short array in order, looked through, costs less per request
/// than a dictionary's allocation and hashing, and needs no sorting where order matters.
package struct PathBindings: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    package typealias Element = (key: String, value: String)

    private var entries: [Element]

    /// The bindings `entries` list; a key listed twice keeps its last value.
    package init(_ entries: some Sequence<Element>) {
        self.entries = Self.merged(entries)
    }

    /// The bindings `entries` list; one binding (the usual case) is kept as it is, not copied.
    package init(_ entries: [Element]) {
        self.entries = entries.count > 1 ? Self.merged(entries) : entries
    }

    /// `entries` in key order, each key once with its last value.
    private static func merged(_ entries: some Sequence<Element>) -> [Element] {
        var kept: [Element] = []
        for entry in entries {
            if let index = kept.firstIndex(where: { $0.key == entry.key }) { kept[index].value = entry.value } else { kept.append(entry) }
        }
        return kept.count > 1 ? kept.sorted { $0.key < $1.key } : kept
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.lazy.map { (key: $0.0, value: $0.1) })
    }

    /// The value bound to `key`.
    package subscript(key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    package var isEmpty: Bool { entries.isEmpty }
    package var count: Int { entries.count }

    package func makeIterator() -> IndexingIterator<[Element]> {
        entries.makeIterator()
    }

    package static func == (lhs: PathBindings, rhs: PathBindings) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }
}
