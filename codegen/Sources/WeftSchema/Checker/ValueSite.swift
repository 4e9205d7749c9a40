/// Where a value inside an option was written, for diagnostics that point into the option
/// rather than at its name: the option, its value starts the parser recorded
/// (`SyntaxSpans.optionValues`) and the value's path among them.
struct ValueSite {
    let option: SourceLocation
    let spans: SyntaxSpans
    let path: String

    /// The value's first token, else (a value the parser did not record, such as the `custom` in
    /// `(google.api.http).custom.path = "/x"`) the option's name.
    var location: SourceLocation {
        spans.optionValues[option]?[path] ?? option
    }

    /// The character `offset` Unicode scalars into a string value: exact in a literal without
    /// escapes, else the value's first token.
    func location(inString offset: Int) -> SourceLocation {
        var location = location
        if spans.verbatimStrings.contains(location) { location.column += 1 + offset }
        return location
    }

    /// The site of the `occurrence`-th (from 0) entry named `key` of the aggregate written here.
    func entry(_ key: String, occurrence: Int) -> ValueSite {
        ValueSite(option: option, spans: spans, path: SyntaxSpans.valuePath(path, key: key, occurrence: occurrence))
    }

    /// An aggregate's entries written here, each with its own site.
    func entries(of aggregate: [(key: String, value: OptionValue)]) -> [LocatedEntry] {
        var occurrences: [String: Int] = [:]
        return aggregate.map { key, value in
            let occurrence = occurrences[key, default: 0]
            occurrences[key] = occurrence + 1
            return LocatedEntry(key: key, value: value, site: entry(key, occurrence: occurrence))
        }
    }
}

/// One `key: value` entry of an option's aggregate value, with where its value was written.
struct LocatedEntry {
    let key: String
    let value: OptionValue
    let site: ValueSite
}
