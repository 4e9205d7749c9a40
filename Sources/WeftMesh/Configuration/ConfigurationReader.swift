import WeftMessages

/// A configuration value that is missing, misspelt or of the wrong kind, or a file that is not
/// JSON: one line naming the file (when known) and the key, or the line and column.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The dotted key, e.g. `upstreams.shop.Catalog.address`; empty for a syntax error.
    public let key: String
    public let problem: String
    /// Where a syntax error is, 1-based.
    public let position: (line: Int, column: Int)?
    /// The configuration file, once known.
    public var file: String?

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
        self.position = nil
    }

    /// A syntax error at `line`:`column`.
    public init(line: Int, column: Int, problem: String) {
        self.key = ""
        self.problem = problem
        self.position = (line, column)
    }

    public var description: String {
        if let position { return "\(file ?? "configuration"):\(position.line):\(position.column): \(problem)" }
        return (file.map { "\($0): " } ?? "") + (key.isEmpty ? problem : "configuration key \(key) \(problem)")
    }
}

/// Typed reads of configuration JSON, each error naming its key and what would be right.
public struct ConfigurationReader: Sendable {
    /// What relative file paths are relative to.
    public let baseDirectory: String

    public init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    /// Parses `bytes` as the top-level JSON value; a syntax error names its line and column.
    public func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try bytes.withUnsafeBytes { try JSONValue(parsing: $0) }
        } catch let error as JSONDecodingError {
            let before = bytes.prefix(min(error.offset, bytes.count))
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            throw ConfigurationError(line: line, column: column, problem: "not valid JSON: \(error.message)")
        }
    }

    public func object(_ value: JSONValue, at key: String, allowed: Set<String>?) throws -> [String: JSONValue] {
        guard case .object(let members) = value else { throw ConfigurationError(key: key.isEmpty ? "(top level)" : key, problem: "must be an object") }
        var fields: [String: JSONValue] = [:]
        for (name, member) in members {
            let path = key.isEmpty ? name : "\(key).\(name)"
            if let allowed, !allowed.contains(name) {
                let known = "use one of: \(allowed.sorted().joined(separator: ", "))"
                let guess = Self.closest(to: name, among: allowed).map { "did you mean \($0)? (\(known))" } ?? known
                throw ConfigurationError(key: path, problem: "is not a known setting; \(guess)")
            }
            fields[name] = member
        }
        return fields
    }

    /// The known name a misspelt one most likely meant: at most two edits away (or differing
    /// only in case), the nearest.
    static func closest(to name: String, among known: Set<String>) -> String? {
        let scored = known.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { ($0.1, $0.0) < ($1.1, $1.0) }), best.1 <= 2, best.1 < name.count else { return nil }
        return best.0
    }

    /// Levenshtein distance between two strings, by characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let (a, b) = (Array(a), Array(b))
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    public func string(_ value: JSONValue, at key: String) throws -> String {
        guard case .string(let text) = value else { throw ConfigurationError(key: key, problem: "must be a string") }
        return text
    }

    public func strings(_ value: JSONValue, at key: String) throws -> [String] {
        guard case .array(let elements) = value else { throw ConfigurationError(key: key, problem: "must be an array of strings") }
        var result: [String] = []
        for (index, element) in elements.enumerated() { result.append(try string(element, at: "\(key)[\(index)]")) }
        return result
    }

    public func bool(_ value: JSONValue, at key: String) throws -> Bool {
        guard case .bool(let flag) = value else { throw ConfigurationError(key: key, problem: "must be true or false") }
        return flag
    }

    public func number(_ value: JSONValue, at key: String) throws -> Double {
        guard case .number(let text) = value, let number = Double(text), number >= 0 else {
            throw ConfigurationError(key: key, problem: "must be a number of at least 0")
        }
        return number
    }

    /// A whole number of 0 or more.
    public func wholeNumber(_ value: JSONValue, at key: String) throws -> Int {
        guard case .number(let text) = value, let number = Int(text), number >= 0 else {
            throw ConfigurationError(key: key, problem: "must be a whole number of at least 0")
        }
        return number
    }

    public func count(_ value: JSONValue, at key: String) throws -> Int {
        guard case .number(let text) = value, let count = Int(text), count > 0 else {
            throw ConfigurationError(key: key, problem: "must be a whole number above 0")
        }
        return count
    }

    /// `"host:port"`.
    public func address(_ value: JSONValue, at key: String) throws -> (String, Int) {
        let text = try string(value, at: key)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
              colon != text.startIndex
        else { throw ConfigurationError(key: key, problem: "must be \"host:port\", e.g. \"127.0.0.1:8080\"; got \"\(text)\"") }
        let host = text[..<colon]
        // "[::1]:8080": the brackets only delimit an IPv6 address.
        return (host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : String(host), port)
    }

    public func path(_ fields: [String: JSONValue], _ name: String, at key: String) throws -> String {
        guard let value = fields[name] else { throw ConfigurationError(key: "\(key).\(name)", problem: "is required (a PEM file path)") }
        return resolve(try string(value, at: "\(key).\(name)"))
    }

    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") || baseDirectory == "." ? path : baseDirectory + "/" + path
    }
}
