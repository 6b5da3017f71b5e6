/// 2-D convolution kernels over NHWC input and HWIO filters, forward and backward.
///
/// Three ways to compute one convolution, picked per shape by `ConvolutionAlgorithm`:
/// - pointwise (1×1, stride 1, no padding): the input is already the im2col matrix; one GEMM.
/// - direct, for small patches (KH·KW·C ≤ 16, e.g. a 3×3 filter on one channel): a GEMM
///   with K = 9 spends its time packing, not multiplying (the "K = 9 trap"), so each output
///   pixel is accumulated straight from the input, vectorised over output channels.
/// - im2col + GEMM otherwise, a bounded chunk of output pixels at a time so the column
///   matrix stays in cache; im2col runs on our pool, the GEMM on BLAS's threads.
/// The input gradient is always dColumns = dY · Wᵀ followed by col2im; the filter gradient
/// is Columnsᵀ · dY, or the direct accumulation for small patches.

public enum ConvolutionAlgorithm: Sendable {
    case pointwise, direct, im2col

    /// Patches at most this long use the direct kernels.
    static let directPatchLimit = 16

    public init(_ g: WindowGeometry) {
        if g.isPointwise {
            self = .pointwise
        } else if g.patchSize <= ConvolutionAlgorithm.directPatchLimit {
            self = .direct
        } else {
            self = .im2col
        }
    }
}

/// Output pixels per im2col chunk: the column matrix holds about 2M elements at most.
@inline(__always)
func im2colChunkRows(_ g: WindowGeometry) -> Int {
    max(1, min(g.outputPixels, (1 << 21) / max(g.patchSize, 1)))
}

/// Elements of scratch memory the convolution kernels for `g` need (the op allocates it):
/// the forward pass needs a chunk of the column matrix for im2col only; the backward pass
/// needs that chunk, per-task filter-gradient slices for the direct kernel, and one row of
/// output channels for `sumRows`.
public func convolutionScratchCount(_ g: WindowGeometry, backward: Bool) -> Int {
    let algorithm = ConvolutionAlgorithm(g)
    let columns = algorithm == .pointwise ? 0 : im2colChunkRows(g) * g.patchSize
    if !backward { return max(1, algorithm == .im2col ? columns : 0) }
    let partials = algorithm == .direct ? ThreadPool.shared.threadCount * g.patchSize * g.outputChannels : 0
    return max(1, g.outputChannels, columns, partials)
}

// MARK: - Forward

/// y = activation(conv(x, w) + bias): x (N, H, W, C), w (KH, KW, C, O), y (N, OH, OW, O).
public func convolutionForward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, bias: UnsafePointer<T>?, relu: Bool,
    _ y: UnsafeMutablePointer<T>, _ g: WindowGeometry, scratch: UnsafeMutablePointer<T>
) {
    let k = g.patchSize, o = g.outputChannels, m = g.outputPixels
    if m == 0 || o == 0 { return }
    let filters = MatrixOperand(pointer: w, transposed: false, leadingDimension: max(o, 1))
    switch ConvolutionAlgorithm(g) {
    case .direct:
        convolutionDirect(x, w, bias: bias, relu: relu, y, g)
    case .pointwise:
        fillRows(y, rows: m, columns: o, with: bias)
        gemm(m: m, n: o, k: k, MatrixOperand(pointer: x, transposed: false, leadingDimension: max(k, 1)), filters,
             y, ldc: o, accumulate: bias != nil)
        if relu { reluInPlace(y, count: m * o) }
    case .im2col:
        let chunk = im2colChunkRows(g)
        for start in stride(from: 0, to: m, by: chunk) {
            let rows = min(chunk, m - start)
            parallelPieces(start..<(start + rows), minimumPiece: 8) { piece in
                im2col(x, g, pixels: piece, into: scratch + (piece.lowerBound - start) * k)
            }
            let out = y + start * o
            // NOTE: the bias is written first and the GEMM adds onto it (beta = 1), which
            // saves a pass over the output.
            fillRows(out, rows: rows, columns: o, with: bias)
            gemm(m: rows, n: o, k: k, MatrixOperand(pointer: UnsafePointer(scratch), transposed: false, leadingDimension: k),
                 filters, out, ldc: o, accumulate: bias != nil)
            if relu { reluInPlace(out, count: rows * o) }
        }
    }
}

/// Each output pixel accumulated straight from the input: the inner loop is an axpy over
/// the output channels, which the compiler vectorises.
private func convolutionDirect<T: FloatElement>(
    _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, bias: UnsafePointer<T>?, relu: Bool,
    _ y: UnsafeMutablePointer<T>, _ g: WindowGeometry
) {
    let c = g.channels, o = g.outputChannels, perImage = g.outputPixelsPerImage
    parallelPieces(0..<g.outputPixels, minimumPiece: 64) { pixels in
        for p in pixels {
            let n = p / perImage, oh = (p % perImage) / g.outputWidth, ow = p % g.outputWidth
            let image = x + n * g.inputImageSize
            let out = y + p * o
            if let bias { out.update(from: bias, count: o) } else { out.update(repeating: T.zero, count: o) }
            let taps = g.validTaps(oh: oh, ow: ow)
            for kh in taps.kh {
                let line = image + (taps.h0 + kh * g.dilationHeight) * g.inputWidth * c
                for kw in taps.kw {
                    let source = line + (taps.w0 + kw * g.dilationWidth) * c
                    var weights = w + (kh * g.windowWidth + kw) * c * o
                    for channel in 0..<c {
                        let value = source[channel]
                        for j in 0..<o { out[j] += value * weights[j] }
                        weights += o
                    }
                }
            }
            if relu { reluInPlace(out, count: o) }
        }
    }
}

// MARK: - Backward

/// dx = the gradient of conv(x, w) with respect to x, for upstream dy (N, OH, OW, O).
public func convolutionInputGradient<T: FloatElement>(
    _ dy: UnsafePointer<T>, _ w: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry,
    scratch: UnsafeMutablePointer<T>
) {
    let k = g.patchSize, o = g.outputChannels, m = g.outputPixels
    // dColumns = dY · Wᵀ, with W read as the (K, O) matrix it is.
    let filtersTransposed = MatrixOperand(pointer: w, transposed: true, leadingDimension: max(o, 1))
    if ConvolutionAlgorithm(g) == .pointwise {
        gemm(m: m, n: k, k: o, MatrixOperand(pointer: dy, transposed: false, leadingDimension: max(o, 1)),
             filtersTransposed, dx, ldc: max(k, 1))
        return
    }
    dx.update(repeating: T.zero, count: g.batch * g.inputImageSize)
    if m == 0 || k == 0 { return }
    let chunk = im2colChunkRows(g)
    for start in stride(from: 0, to: m, by: chunk) {
        let rows = min(chunk, m - start)
        gemm(m: rows, n: k, k: o, MatrixOperand(pointer: dy + start * o, transposed: false, leadingDimension: max(o, 1)),
             filtersTransposed, scratch, ldc: k)
        // Pieces split at image boundaries, so no two threads add into the same image.
        parallelPieces(start..<(start + rows), unit: g.outputPixelsPerImage) { piece in
            col2imAdd(UnsafePointer(scratch + (piece.lowerBound - start) * k), g, pixels: piece, into: dx)
        }
    }
}

/// dw = the gradient of conv(x, w) with respect to w, for upstream dy (N, OH, OW, O).
public func convolutionFilterGradient<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dw: UnsafeMutablePointer<T>, _ g: WindowGeometry,
    scratch: UnsafeMutablePointer<T>, scratchCount: Int
) {
    let k = g.patchSize, o = g.outputChannels, m = g.outputPixels
    if m == 0 || k == 0 || o == 0 {
        dw.update(repeating: T.zero, count: k * o)
        return
    }
    let upstream = { (start: Int) in MatrixOperand(pointer: dy + start * o, transposed: false, leadingDimension: o) }
    switch ConvolutionAlgorithm(g) {
    case .pointwise:
        gemm(m: k, n: o, k: m, MatrixOperand(pointer: x, transposed: true, leadingDimension: k), upstream(0), dw, ldc: o)
    case .direct:
        filterGradientDirect(x, dy, dw, g, scratch: scratch, scratchCount: scratchCount)
    case .im2col:
        let chunk = im2colChunkRows(g)
        for start in stride(from: 0, to: m, by: chunk) {
            let rows = min(chunk, m - start)
            parallelPieces(start..<(start + rows), minimumPiece: 8) { piece in
                im2col(x, g, pixels: piece, into: scratch + (piece.lowerBound - start) * k)
            }
            gemm(m: k, n: o, k: rows, MatrixOperand(pointer: UnsafePointer(scratch), transposed: true, leadingDimension: k),
                 upstream(start), dw, ldc: o, accumulate: start > 0)
        }
    }
}

/// dw accumulated pixel by pixel: each task sums its share of the pixels into its own
/// (K, O) slice of the scratch, and the slices are added at the end.
private func filterGradientDirect<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dw: UnsafeMutablePointer<T>, _ g: WindowGeometry,
    scratch: UnsafeMutablePointer<T>, scratchCount: Int
) {
    let c = g.channels, o = g.outputChannels, k = g.patchSize, m = g.outputPixels, perImage = g.outputPixelsPerImage
    let tasks = max(1, min(ThreadPool.shared.threadCount, scratchCount / (k * o), m))
    ThreadPool.shared.parallelFor(tasks) { task in
        let partial = scratch + task * k * o
        partial.update(repeating: T.zero, count: k * o)
        for p in (m * task / tasks)..<(m * (task + 1) / tasks) {
            let n = p / perImage, oh = (p % perImage) / g.outputWidth, ow = p % g.outputWidth
            let image = x + n * g.inputImageSize
            let upstream = dy + p * o
            let taps = g.validTaps(oh: oh, ow: ow)
            for kh in taps.kh {
                let line = image + (taps.h0 + kh * g.dilationHeight) * g.inputWidth * c
                for kw in taps.kw {
                    let source = line + (taps.w0 + kw * g.dilationWidth) * c
                    var target = partial + (kh * g.windowWidth + kw) * c * o
                    for channel in 0..<c {
                        let value = source[channel]
                        for j in 0..<o { target[j] += value * upstream[j] }
                        target += o
                    }
                }
            }
        }
    }
    dw.update(from: scratch, count: k * o)
    for task in 1..<max(tasks, 1) {
        let partial = scratch + task * k * o
        for i in 0..<(k * o) { dw[i] += partial[i] }
    }
}

/// The bias gradient: dy (rows × columns) summed over its rows, in blocks so float32
/// rounding error grows with the block size rather than with the batch.
public func sumRows<T: FloatElement>(_ dy: UnsafePointer<T>, rows: Int, columns: Int, into db: UnsafeMutablePointer<T>,
                                     scratch: UnsafeMutablePointer<T>) {
    db.update(repeating: T.zero, count: columns)
    let block = 256
    for start in stride(from: 0, to: rows, by: block) {
        scratch.update(repeating: T.zero, count: columns)
        for r in start..<min(start + block, rows) {
            let row = dy + r * columns
            for j in 0..<columns { scratch[j] += row[j] }
        }
        for j in 0..<columns { db[j] += scratch[j] }
    }
}

// MARK: - Small epilogues

/// Writes `bias` into every row (or leaves the rows alone when there is none).
@inline(__always)
func fillRows<T: FloatElement>(_ out: UnsafeMutablePointer<T>, rows: Int, columns: Int, with bias: UnsafePointer<T>?) {
    guard let bias else { return }
    for r in 0..<rows { (out + r * columns).update(from: bias, count: columns) }
}

/// max(x, 0) in place; NaN stays NaN, as in TensorFlow's relu.
@inline(__always)
func reluInPlace<T: FloatElement>(_ x: UnsafeMutablePointer<T>, count: Int) {
    for i in 0..<count where x[i] < T.zero { x[i] = T.zero }
}

/// The relu VJP through its output: g where out > 0, else 0.
public func reluGradient<T: FloatElement>(_ g: UnsafePointer<T>, output: UnsafePointer<T>, into result: UnsafeMutablePointer<T>, count: Int) {
    for i in 0..<count { result[i] = output[i] > T.zero ? g[i] : T.zero }
}
