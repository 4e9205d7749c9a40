extension Sequence where Element == MessageDecl {
    /// These messages and everything nested in them, each before its nested ones.
    var includingNested: [MessageDecl] {
        flatMap { [$0] + $0.messages.includingNested }
    }
}
