/// Heap storage for a message field whose type leads back to the message that holds it
/// (`TreeNode.left: TreeNode?`), which a Swift struct cannot store inline. Immutable, so it
/// keeps the field's value semantics: generated setters replace the box, never mutate it.
public final class WeftBox<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The boxed message.
    public let value: Value

    /// Boxes `value`.
    public init(_ value: Value) {
        self.value = value
    }

    public static func == (lhs: WeftBox, rhs: WeftBox) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}
