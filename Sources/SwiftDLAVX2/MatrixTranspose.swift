// A matrix transposed into a copy, for the kernels that want an operand's other layout
// (SwiftDLAVX512's small products, the convolutions' input gradients). Portable Swift,
// inlinable so that each caller compiles it for its own element type and target.

/// target (columns × rows, row-major, contiguous) = source (rows × columns, row-major with
/// leading dimension `sourceStride`) transposed, sixteen source rows at a time: each step
/// reads one element of each of sixteen rows (sixteen streams, each cache line used over
/// sixteen steps) and writes sixteen contiguous elements. Element by element down whole
/// source rows, every write landed on another cache line (and page, for wide targets): a
/// 896×128 float32 copy took 200 µs, longer than the 144×128 · 128×896 product it fed.
@inlinable
public func transposeMatrix<T>(
    _ source: UnsafePointer<T>, rows: Int, columns: Int, sourceStride: Int, into target: UnsafeMutablePointer<T>
) {
    for first in stride(from: 0, to: rows, by: 16) {
        let count = min(16, rows - first)
        for p in 0..<columns {
            let out = target + p * rows + first
            for j in 0..<count { out[j] = source[(first + j) * sourceStride + p] }
        }
    }
}
