import SwiftDLAVX2

/// The non-zero part of an (inSize, outSize) resampling weight matrix: output j reads input
/// rows first ..< first + count with weights taps[start ..< start + count], where
/// (first, count, start) = layout[3j ..< 3j + 3]; the taps are stored contiguously so a
/// kernel reads each output's weights from one cache line.
public struct ResamplingBands<T: FloatElement> {
    public private(set) var layout: [Int] = []
    public private(set) var taps: [T] = []
    public let outSize: Int

    /// The bands of a row-major (inSize, outSize) matrix: each column from its first to its
    /// last non-zero entry (interpolation kernels have finite support). Specialised here: the
    /// ops call it from SwiftDL, where the generic body ran through witness tables (a
    /// quarter of a 32 × 128² → 96² RGB resize).
    @_specialize(exported:true,where T == Float)
    @_specialize(exported:true,where T == Double)
    public init(weights: UnsafePointer<T>, inSize: Int, outSize: Int) {
        self.outSize = outSize
        // Each column's first and last non-zero row, found in one row-major sweep (a sweep
        // down each column strides across the whole matrix).
        var low = [Int](repeating: -1, count: outSize), high = [Int](repeating: -1, count: outSize)
        for i in 0..<inSize {
            for j in 0..<outSize where weights[i * outSize + j] != 0 {
                if low[j] < 0 { low[j] = i }
                high[j] = i
            }
        }
        layout.reserveCapacity(3 * outSize)
        for j in 0..<outSize {
            layout.append(max(low[j], 0))
            layout.append(low[j] < 0 ? 0 : high[j] - low[j] + 1)
            layout.append(taps.count)
            if low[j] >= 0 { for i in low[j]...high[j] { taps.append(weights[i * outSize + j]) } }
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
        } else if T.self == Float.self && inner >= 8 && pixelResamplingUsesAVX2 {
            blendRowsAVX2(
                UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self), inner: inner,
                weights: UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self), count: count)
        } else {
            resampleOne(rows, target, inner: inner, weights: weights, count: count)
        }
    }

    /// target[0 ..< 3 · outputs] = every output of a row of 3-float (RGB) pixels: in one
    /// AVX2 pass for float32 where the CPU has it, else output by output. `source` must
    /// stay readable one float past its last pixel when `paddedSource` (the AVX2 kernel's
    /// 4-lane loads); without that promise the portable path runs.
    @inline(__always)
    func resampleRGB(
        _ source: UnsafePointer<T>, into target: UnsafeMutablePointer<T>, outputs: Int, paddedSource: Bool
    ) {
        if T.self == Float.self && paddedSource && pixelResamplingUsesAVX2 {
            resampleRGBPixelsAVX2(
                UnsafeRawPointer(source).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self), outputs: outputs,
                layout: layout, taps: UnsafeRawPointer(taps).assumingMemoryBound(to: Float.self))
            return
        }
        for q in 0..<outputs { resample(source, into: target + 3 * q, output: q, inner: 3) }
    }

    /// target[0 ..< outputs] = every output of a row of single floats (channels first, or
    /// one channel): in AVX2 for float32 where the CPU has it, else output by output.
    @inline(__always)
    func resampleSingles(_ source: UnsafePointer<T>, into target: UnsafeMutablePointer<T>, outputs: Int) {
        if T.self == Float.self && pixelResamplingUsesAVX2 {
            resampleSinglesAVX2(
                UnsafeRawPointer(source).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self), outputs: outputs,
                layout: layout, taps: UnsafeRawPointer(taps).assumingMemoryBound(to: Float.self))
            return
        }
        for q in 0..<outputs { resample(source, into: target + q, output: q, inner: 1) }
    }
}

/// float32 rows of 8 floats or more, RGB rows and rows of single floats take the AVX2 kernels
/// (SwiftDLAVX2/AxisResamplingAVX2.swift) on CPUs with AVX2; elsewhere the portable loops.
package let pixelResamplingUsesAVX2 = CPUFeatures.current.hasAVX2

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
                if inner == 3 {
                    // Every row but the input's last is followed by more of the input.
                    band.resampleRGB(source, into: target, outputs: outSize, paddedSource: o + 1 < outer)
                    continue
                }
                if inner == 1 {
                    band.resampleSingles(source, into: target, outputs: outSize)
                    continue
                }
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
                // One float past the row: the padding resampleRGB's vector loads may read.
                let scratch = UnsafeMutablePointer<T>.allocate(capacity: rowSize + 1)
                scratch.initialize(repeating: 0, count: rowSize + 1)
                defer { scratch.deallocate() }
                for row in rows * piece / pieces..<rows * (piece + 1) / pieces {
                    let o = row / outHeight, j = row % outHeight
                    heightBand.resample(input + o * inHeight * rowSize, into: scratch, output: j, inner: rowSize)
                    let target = output + row * outWidth * inner
                    if inner == 3 {
                        widthBand.resampleRGB(
                            UnsafePointer(scratch), into: target, outputs: outWidth, paddedSource: true)
                        continue
                    }
                    if inner == 1 {
                        widthBand.resampleSingles(UnsafePointer(scratch), into: target, outputs: outWidth)
                        continue
                    }
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
