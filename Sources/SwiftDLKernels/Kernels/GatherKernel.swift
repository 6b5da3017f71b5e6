#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// out[o, j, :] = input[o, indices[j], :] for a contiguous (outer, n, inner) input.
/// Indices must already be validated and non-negative.
public func gatherKernel(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, indices: UnsafePointer<Int64>,
    indexCount: Int, outer: Int, n: Int, innerBytes: Int
) {
    let work = outer * indexCount * innerBytes
    let pieces =
        ThreadPool.shared.threadCount > 1 && work >= 1 << 20
        ? min(ThreadPool.shared.threadCount * 4, max(outer * indexCount, 1)) : 1
    let rows = outer * indexCount
    ThreadPool.shared.parallelFor(pieces) { piece in
        for row in rows * piece / pieces..<rows * (piece + 1) / pieces {
            let o = row / indexCount, j = row % indexCount
            let source = input + (o * n + Int(indices[j])) * innerBytes
            memcpy(output + row * innerBytes, source, innerBytes)
        }
    }
}
