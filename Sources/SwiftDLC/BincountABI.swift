import CSwiftDL
import SwiftDL

// The bag-of-values encodings ("multi_hot", "count") of the preprocessing layers, over a
// caller's int64 buffers (the layers hold their indices in numpy).

@_cdecl("sdl_bincount_rows")
public func bincountRows(
    _ indices: UnsafePointer<Int64>?, _ rows: Int64, _ width: Int64, _ depth: Int64, _ binary: Int32,
    _ counts: UnsafeMutablePointer<Int64>?
) -> Int32 {
    perform {
        let op = "bincount_rows"
        guard rows >= 0, width >= 0, depth >= 1 else {
            throw SDLError(
                .value,
                "[\(op)] rows and width must be non-negative and depth positive; received \(rows), \(width), \(depth)")
        }
        guard !rows.multipliedReportingOverflow(by: max(width, depth)).overflow else {
            throw SDLError(.value, "[\(op)] rows × width or depth overflows; received \(rows), \(width), \(depth)")
        }
        guard let indices, let counts else { throw SDLError(.value, "[\(op)] indices and counts must not be NULL") }
        counts.update(repeating: 0, count: Int(rows * depth))
        rowBincountKernel(
            indices: indices, rows: Int(rows), width: Int(width), depth: Int(depth), binary: binary != 0, counts: counts
        )
    }
}
