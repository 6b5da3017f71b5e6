/// An error the engine reports to its caller instead of trapping.
/// The C shims turn the kind into a status code and Python into the matching exception.
public struct SDLError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Int32, Sendable {
        case value = 1 // ValueError: a bad shape, axis or argument
        case type = 2 // TypeError: an unsupported dtype
        case index = 3 // IndexError: an index out of range
        case memory = 4 // MemoryError: an allocation failed
        case `internal` = 5 // RuntimeError: a bug in swiftdl
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    package static func value(_ op: String, _ what: String) -> SDLError { SDLError(.value, "[\(op)] \(what)") }
    package static func type(_ op: String, _ what: String) -> SDLError { SDLError(.type, "[\(op)] \(what)") }
    package static func index(_ op: String, _ what: String) -> SDLError { SDLError(.index, "[\(op)] \(what)") }
}

/// Formats a shape the way numpy prints it: `(2, 3)`, `(5,)`, `()`.
public func describeShape(_ shape: [Int]) -> String {
    if shape.count == 1 { return "(\(shape[0]),)" }
    return "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
