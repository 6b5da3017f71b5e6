/// The non-zero part of an (inSize, outSize) resampling weight matrix: output j reads input
/// rows first ..< first + count with weights taps[start ..< start + count], where
/// (first, count, start) = layout[3j ..< 3j + 3]; the taps are stored contiguously so a
/// kernel reads each output's weights from one cache line.
public struct ResamplingBands<T: FloatElement> {
    public private(set) var layout: [Int] = []
    public private(set) var taps: [T] = []
    public let outSize: Int

    /// The bands of a row-major (inSize, outSize) matrix: each column from its first to its
    /// last non-zero entry (interpolation kernels have finite support).
    public init(weights: UnsafePointer<T>, inSize: Int, outSize: Int) {
        self.outSize = outSize
        for j in 0..<outSize {
            var low = -1
            var high = -1
            for i in 0..<inSize where weights[i * outSize + j] != 0 {
                if low < 0 { low = i }
                high = i
            }
            layout += [max(low, 0), low < 0 ? 0 : high - low + 1, taps.count]
            if low >= 0 { for i in low...high { taps.append(weights[i * outSize + j]) } }
        }
        if taps.isEmpty { taps.append(0) } // every weight zero: a tap never read, so the pointer exists
    }

    /// Runs `body` with pointers to the layout and the taps (not at all when there are no outputs).
    func withPointers(_ body: (BandPointers<T>) -> Void) {
        layout.withUnsafeBufferPointer { layout in
            taps.withUnsafeBufferPointer { taps in
                guard let layout = layout.baseAddress, let taps = taps.baseAddress else { return }
                body(BandPointers(layout: layout, taps: taps))
            }
        }
    }
}

struct BandPointers<T: FloatElement> {
    let layout: UnsafePointer<Int>, taps: UnsafePointer<T>

    /// target[0 ..< inner] = output j's weighted sum of the rows of `source` (each `inner`
    /// long, contiguous).
    @inline(__always)
    func resample(_ source: UnsafePointer<T>, into target: UnsafeMutablePointer<T>, output j: Int, inner: Int) {
        let rows = source + layout[3 * j] * inner, count = layout[3 * j + 1], weights = taps + layout[3 * j + 2]
        if inner == 3 {
            resampleThree(rows, target, weights: weights, count: count)
        } else {
            resampleOne(rows, target, inner: inner, weights: weights, count: count)
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
    _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, outer: Int, inSize: Int, inner: Int,
    bands: ResamplingBands<T>
) {
    let outSize = bands.outSize
    let work = outer * bands.taps.count * inner
    let pieces =
        ThreadPool.shared.threadCount > 1 && work >= 1 << 16 ? min(outer, ThreadPool.shared.threadCount * 4) : 1
    bands.withPointers { band in
        ThreadPool.shared.parallelFor(pieces) { piece in
            for o in outer * piece / pieces..<outer * (piece + 1) / pieces {
                let source = input + o * inSize * inner, target = output + o * outSize * inner
                for j in 0..<outSize { band.resample(source, into: target + j * inner, output: j, inner: inner) }
            }
        }
    }
}

/// Both spatial axes of a separable resize in one pass over the output: a contiguous
/// (outer, inHeight, inWidth, inner) input to (outer, outHeight, outWidth, inner). Each
/// output row is first blended from its input rows into a scratch row (in cache), which is
/// then resampled along the width: the same operations, in the same order, as `resampleAxis`
/// on the height and then on the width, without writing and re-reading the intermediate.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func resampleTwoAxes<T: FloatElement>(
    _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, outer: Int, inHeight: Int, inWidth: Int,
    inner: Int, heightBands: ResamplingBands<T>, widthBands: ResamplingBands<T>
) {
    let outHeight = heightBands.outSize, outWidth = widthBands.outSize
    let rows = outer * outHeight, rowSize = inWidth * inner
    let work = outer * heightBands.taps.count * rowSize + rows * widthBands.taps.count * inner
    let pieces = ThreadPool.shared.threadCount > 1 && work >= 1 << 16 ? min(rows, ThreadPool.shared.threadCount * 4) : 1
    heightBands.withPointers { heightBand in
        widthBands.withPointers { widthBand in
            ThreadPool.shared.parallelFor(pieces) { piece in
                let scratch = UnsafeMutablePointer<T>.allocate(capacity: max(rowSize, 1))
                defer { scratch.deallocate() }
                for row in rows * piece / pieces..<rows * (piece + 1) / pieces {
                    let o = row / outHeight, j = row % outHeight
                    heightBand.resample(input + o * inHeight * rowSize, into: scratch, output: j, inner: rowSize)
                    let target = output + row * outWidth * inner
                    for q in 0..<outWidth {
                        widthBand.resample(UnsafePointer(scratch), into: target + q * inner, output: q, inner: inner)
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
