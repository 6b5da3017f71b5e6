/// 2-D convolution kernels over NHWC input and HWIO filters, forward and backward.
///
/// Two ways to compute one convolution, picked per shape by `ConvolutionAlgorithm`:
/// - pointwise (1×1, stride 1, no padding): the input is already the im2col matrix; one GEMM.
/// - im2col + GEMM otherwise, a bounded chunk of output pixels at a time so the column
///   matrix stays in cache; im2col runs on our pool, the GEMM on BLAS's threads.
/// The input gradient is dColumns = dY · Wᵀ followed by col2im; the filter gradient is
/// Columnsᵀ · dY.
///
/// NOTE: one-channel input (K = KH·KW = 9) also goes through the GEMM. A direct kernel
/// (SIMD8 accumulators over the output channels) measured about 4× slower than
/// im2col + sgemm for the document's first layer (3×3, 1→32, 28×28, batch 64) on the
/// development machine, and OpenBLAS runs that K = 9 GEMM at well over 10 GFLOP/s, so the
/// "K = 9 trap" did not materialise there. Revisit with measurements on other machines.

public enum ConvolutionAlgorithm: Sendable {
    case pointwise, im2col

    public init(_ g: WindowGeometry) {
        self = g.isPointwise ? .pointwise : .im2col
    }
}

/// Output pixels per im2col chunk: the column matrix holds about 2M elements at most.
@inline(__always)
func im2colChunkRows(_ g: WindowGeometry) -> Int {
    max(1, min(g.outputPixels, (1 << 21) / max(g.patchSize, 1)))
}

/// Elements of scratch memory the convolution kernels for `g` need (the op allocates it):
/// a chunk of the column matrix for im2col, and in the backward pass also one row of
/// output channels for `sumRows`.
public func convolutionScratchCount(_ g: WindowGeometry, backward: Bool) -> Int {
    let columns = ConvolutionAlgorithm(g) == .pointwise ? 0 : im2colChunkRows(g) * g.patchSize
    return max(1, columns, backward ? g.outputChannels : 0)
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
    scratch: UnsafeMutablePointer<T>
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
    if T.self == Float.self {
        reluInPlace(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self), count: count)
    } else {
        reluInPlace(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Double.self), count: count)
    }
}

/// The relu VJP through its output: g where out > 0, else 0.
public func reluGradient<T: FloatElement>(_ g: UnsafePointer<T>, output: UnsafePointer<T>, into result: UnsafeMutablePointer<T>, count: Int) {
    if T.self == Float.self {
        reluGradient(UnsafeRawPointer(g).assumingMemoryBound(to: Float.self), UnsafeRawPointer(output).assumingMemoryBound(to: Float.self),
                     UnsafeMutableRawPointer(result).assumingMemoryBound(to: Float.self), count: count)
    } else {
        reluGradient(UnsafeRawPointer(g).assumingMemoryBound(to: Double.self), UnsafeRawPointer(output).assumingMemoryBound(to: Double.self),
                     UnsafeMutableRawPointer(result).assumingMemoryBound(to: Double.self), count: count)
    }
}

// NOTE: the relu loops live in concrete, never-inlined functions. Inlined into the generic
// convolution code they compiled to a branchy scalar loop (~6 ns an element, most of the
// first CNN layer's time); as separate concrete functions they vectorise (4-5x faster).
@inline(never)
private func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { let v = x[i]; x[i] = v > 0 || v.isNaN ? v : 0 }
}

@inline(never)
private func reluInPlace(_ x: UnsafeMutablePointer<Double>, count: Int) {
    for i in 0..<count { let v = x[i]; x[i] = v > 0 || v.isNaN ? v : 0 }
}

@inline(never)
private func reluGradient(_ g: UnsafePointer<Float>, _ output: UnsafePointer<Float>, _ result: UnsafeMutablePointer<Float>, count: Int) {
    // Both loads are unconditional, so the select vectorises instead of branching.
    for i in 0..<count { let gradient = g[i], value = output[i]; result[i] = value > 0 ? gradient : 0 }
}

@inline(never)
private func reluGradient(_ g: UnsafePointer<Double>, _ output: UnsafePointer<Double>, _ result: UnsafeMutablePointer<Double>, count: Int) {
    for i in 0..<count { let gradient = g[i], value = output[i]; result[i] = value > 0 ? gradient : 0 }
}
