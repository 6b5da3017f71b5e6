/// Shape, index and byte-size arithmetic that cannot wrap around.
///
/// Release builds compile the kernels with `-Ounchecked`, where `*` and `+` on `Int` wrap
/// silently instead of trapping, and a debug build traps instead: either way a product of
/// user-given sizes that overflows would be a wrong answer or a crash, not an error. Every
/// product or sum of sizes that validation works out from its operands goes through here.
/// Swift's overflow-reporting operations report overflow under every optimisation level
/// (`-Ounchecked` included), and these turn it into an `SDLError`.
///
/// NOTE: tensors keep one invariant that makes the arithmetic inside kernels safe: the
/// product of a tensor's non-zero sizes, times its item size, fits in `Int` (numpy's rule).
/// So any partial product of an existing tensor's sizes fits, even for zero-size tensors
/// such as (0, 2^62, 4), which `elementCount` refuses as numpy does.
public enum CheckedSize {
    /// a·b, or nil when it does not fit in `Int`.
    @inlinable
    public static func product(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : result
    }

    /// a + b, or nil when it does not fit in `Int`.
    @inlinable
    public static func sum(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : result
    }

    /// The product of `factors` (1 for none), or nil when it does not fit in `Int`.
    @inlinable
    public static func product<S: Sequence>(of factors: S) -> Int? where S.Element == Int {
        var result = 1
        for factor in factors {
            guard let next = product(result, factor) else { return nil }
            result = next
        }
        return result
    }

    /// a·b, or an error `[op] <what> is too large` of `kind`.
    @inlinable
    public static func product(
        _ a: Int, _ b: Int, op: String, _ what: @autoclosure () -> String,
        kind: SDLError.Kind = .value
    ) throws -> Int {
        guard let result = product(a, b) else { throw tooLarge(op, what(), kind) }
        return result
    }

    /// a + b, or an error `[op] <what> is too large` of `kind`.
    @inlinable
    public static func sum(
        _ a: Int, _ b: Int, op: String, _ what: @autoclosure () -> String,
        kind: SDLError.Kind = .value
    ) throws -> Int {
        guard let result = sum(a, b) else { throw tooLarge(op, what(), kind) }
        return result
    }

    /// The product of `factors`, or an error `[op] <what> is too large` of `kind`.
    @inlinable
    public static func product<S: Sequence>(
        of factors: S, op: String, _ what: @autoclosure () -> String,
        kind: SDLError.Kind = .value
    ) throws -> Int where S.Element == Int {
        guard let result = product(of: factors) else { throw tooLarge(op, what(), kind) }
        return result
    }

    /// The number of elements of `shape`. Refuses negative sizes (ValueError) and shapes
    /// whose non-zero sizes multiply past `Int` (MemoryError), even when a zero size makes
    /// the count 0, so that every partial product of the sizes fits.
    public static func elementCount(_ shape: [Int], op: String) throws -> Int {
        try byteCount(shape, itemSize: 1, op: op)
    }

    /// The bytes `shape` takes at `itemSize` bytes an element, with `elementCount`'s checks;
    /// the non-zero sizes times the item size must fit as well.
    public static func byteCount(_ shape: [Int], itemSize: Int, op: String) throws -> Int {
        var elements = 1, isEmpty = false
        for size in shape {
            if size < 0 {
                throw SDLError.value(op, "negative dimensions are not allowed; received shape \(describeShape(shape))")
            }
            if size == 0 { isEmpty = true; continue }
            guard let next = product(elements, size) else {
                throw SDLError(.memory, "[\(op)] shape \(describeShape(shape)) has too many elements")
            }
            elements = next
        }
        guard let bytes = product(elements, itemSize) else {
            throw SDLError(.memory, "[\(op)] shape \(describeShape(shape)) of \(itemSize)-byte elements is too large")
        }
        return isEmpty ? 0 : bytes
    }

    @usableFromInline
    static func tooLarge(_ op: String, _ what: String, _ kind: SDLError.Kind) -> SDLError {
        SDLError(kind, "[\(op)] \(what) is too large")
    }
}
