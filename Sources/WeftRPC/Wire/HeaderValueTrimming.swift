extension StringProtocol {
    /// The value without leading and trailing spaces, as comma-separated header lists need.
    public var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
