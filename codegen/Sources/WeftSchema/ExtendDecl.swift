/// An `extend Target { ... }` block. In proto3 only option messages (`google.protobuf.*Options`)
/// may be extended, which is how custom options such as `google.api.http` are declared.
public struct ExtendDecl: Sendable, Hashable {
    /// The extended message: as written after parsing, fully qualified (no leading dot) once checked.
    public var extendee: String
    /// The extension fields; each one's `name` is local to the scope enclosing the `extend` block.
    public var fields: [FieldDecl]
    public var doc: String
    public var location: SourceLocation

    public init(extendee: String, fields: [FieldDecl] = [], doc: String = "", location: SourceLocation) {
        self.extendee = extendee
        self.fields = fields
        self.doc = doc
        self.location = location
    }
}
