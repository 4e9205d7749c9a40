/// Looks names up the way protoc does from inside one file: the innermost scope first, then each
/// enclosing scope; for a dotted name only the first component is searched for and the rest is
/// looked up inside what it binds to. Only symbols of the file itself, its imports and what
/// those re-export with `import public` are visible.
struct ScopeResolver {
    let table: SymbolTable
    /// `ProtoFile.path` of the file doing the lookup.
    let file: String
    let visibleFiles: Set<String>

    enum Outcome {
        case found(fullName: String, symbol: SymbolTable.Symbol)
        case notFound(message: String)
    }

    /// Resolves `name` (possibly `.`-prefixed) used inside `scope` (a package or a message,
    /// service or method full name). With `typesOnly`, single-component matches that are not
    /// types are skipped, as for field types.
    func resolve(_ name: String, in scope: String, typesOnly: Bool) -> Outcome {
        var undeclaredIn: String?
        var unresolvedFullName: String?

        func find(_ fullName: String) -> SymbolTable.Symbol? {
            guard let symbol = table.symbols[fullName] else { return nil }
            if visibleFiles.contains(symbol.file) { return symbol }
            if symbol.kind == .package, !(table.packageFiles[fullName] ?? []).isDisjoint(with: visibleFiles) {
                return symbol
            }
            undeclaredIn = symbol.file
            return nil
        }

        func result(_ fullName: String) -> Outcome {
            if let symbol = find(fullName) { return .found(fullName: fullName, symbol: symbol) }
            if let undeclaredIn {
                return .notFound(message: "\"\(name)\" seems to be defined in \"\(undeclaredIn)\", which is not imported by \"\(file)\"; to use it here, add the necessary import")
            }
            if let unresolvedFullName {
                return .notFound(message: "\"\(name)\" is resolved to \"\(unresolvedFullName)\", which is not defined; the innermost scope is searched first in name resolution, consider using a leading '.' (i.e., \".\(name)\") to start from the outermost scope")
            }
            return .notFound(message: "\"\(name)\" is not defined")
        }

        if name.hasPrefix(".") { return result(String(name.dropFirst())) }
        let firstComponent = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        let isCompound = firstComponent.count < name.count
        var scopeToTry = scope
        while !scopeToTry.isEmpty {
            let candidate = scopeToTry + "." + firstComponent
            if let symbol = find(candidate) {
                if isCompound, symbol.isAggregate {
                    unresolvedFullName = scopeToTry + "." + name
                    return result(scopeToTry + "." + name)
                }
                if !isCompound, !typesOnly || symbol.isType {
                    return .found(fullName: candidate, symbol: symbol)
                }
            }
            scopeToTry = scopeToTry.lastIndex(of: ".").map { String(scopeToTry[..<$0]) } ?? ""
        }
        return result(name)
    }
}
