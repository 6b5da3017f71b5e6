/// The non-zero part of an (inSize, outSize) resampling weight matrix: output j reads input
/// rows first[j] ..< first[j] + count[j] with weights taps[start[j] ..< start[j] + count[j]],
/// stored contiguously so a kernel reads each output's weights from one cache line.
public struct ResamplingBands<T: FloatElement> {
    public var first: [Int] = [], count: [Int] = [], start: [Int] = []
    public var taps: [T] = []

    /// The bands of a row-major (inSize, outSize) matrix: each column from its first to its
    /// last non-zero entry (interpolation kernels have finite support).
    public init(weights: UnsafePointer<T>, inSize: Int, outSize: Int) {
        for j in 0..<outSize {
            var low = -1, high = -1
            for i in 0..<inSize where weights[i * outSize + j] != 0 {
                if low < 0 { low = i }
                high = i
            }
            first.append(max(low, 0))
            count.append(low < 0 ? 0 : high - low + 1)
            start.append(taps.count)
            if low >= 0 { for i in low...high { taps.append(weights[i * outSize + j]) } }
        }
    }
}

/// One axis of a separable resize: out[o, j, :] = Σᵢ w[i, j] · in[o, i, :] for a contiguous
/// (outer, inSize, inner) input, reading only each output's band of taps: bilinear reads 2
/// input rows per output where a GEMM with the dense matrix reads all inSize. The outer rows
/// are spread over the thread pool.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func resampleAxis<T: FloatElement>(
    _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, outer: Int, inSize: Int, outSize: Int,
    inner: Int, bands: ResamplingBands<T>
) {
    let work = outer * bands.taps.count * inner
    let pieces =
        ThreadPool.shared.threadCount > 1 && work >= 1 << 16 ? min(outer, ThreadPool.shared.threadCount * 4) : 1
    bands.first.withUnsafeBufferPointer { first in
        bands.count.withUnsafeBufferPointer { count in
            bands.start.withUnsafeBufferPointer { start in
                bands.taps.withUnsafeBufferPointer { taps in
                    guard let first = first.baseAddress, let count = count.baseAddress,
                        let start = start.baseAddress, let taps = taps.baseAddress
                    else { return }
                    ThreadPool.shared.parallelFor(pieces) { piece in
                        for o in outer * piece / pieces..<outer * (piece + 1) / pieces {
                            let source = input + o * inSize * inner
                            let target = output + o * outSize * inner
                            for j in 0..<outSize {
                                let rows = source + first[j] * inner
                                if inner == 3 {
                                    resampleThree(rows, target + j * 3, weights: taps + start[j], count: count[j])
                                } else {
                                    resampleOne(
                                        rows, target + j * inner, inner: inner, weights: taps + start[j],
                                        count: count[j])
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One output row: Σ over the band of weights[i] · rows[i].
@inline(__always)
private func resampleOne<T: FloatElement>(
    _ rows: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, inner: Int, weights: UnsafePointer<T>, count: Int
) {
    if count == 0 {
        target.update(repeating: 0, count: inner)
        return
    }
    let first = weights[0]
    for k in 0..<inner { target[k] = rows[k] * first }
    var i = 1
    // Two taps per sweep halve the passes over the output row (bilinear is exactly one sweep).
    while i + 1 < count {
        let w0 = weights[i], w1 = weights[i + 1]
        let row0 = rows + i * inner, row1 = rows + (i + 1) * inner
        for k in 0..<inner { target[k] += row0[k] * w0 + row1[k] * w1 }
        i += 2
    }
    if i < count {
        let w0 = weights[i], row0 = rows + i * inner
        for k in 0..<inner { target[k] += row0[k] * w0 }
    }
}

/// resampleOne for three channels (RGB, channels last: the width pass), with the sums kept
/// in registers. The same operations in the same order as resampleOne.
@inline(__always)
private func resampleThree<T: FloatElement>(
    _ rows: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, weights: UnsafePointer<T>, count: Int
) {
    if count == 0 {
        (target[0], target[1], target[2]) = (0, 0, 0)
        return
    }
    var (r, g, b) = (rows[0] * weights[0], rows[1] * weights[0], rows[2] * weights[0])
    var i = 1
    while i + 1 < count {
        let w0 = weights[i], w1 = weights[i + 1], p = rows + 3 * i
        r += p[0] * w0 + p[3] * w1
        g += p[1] * w0 + p[4] * w1
        b += p[2] * w0 + p[5] * w1
        i += 2
    }
    if i < count {
        let w0 = weights[i], p = rows + 3 * i
        r += p[0] * w0
        g += p[1] * w0
        b += p[2] * w0
    }
    (target[0], target[1], target[2]) = (r, g, b)
}
