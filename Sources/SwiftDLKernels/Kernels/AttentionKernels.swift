import SwiftDLAVX2

/// Scaled dot-product attention, forward and backward, over operands in Keras's layout
/// (batch, steps, heads, dim): each (batch, head) pair's rows are `heads · dim` apart, so
/// the products read and write the projections in place, with no transposed copies.
///
/// One task per (batch, key head): the query heads that share that key and value head
/// (grouped-query attention; one each in plain multi-head attention) run in it, so the key
/// and value gradients of a task are its own and need no reduction across threads. Per
/// query head: S = scale · Q Kᵀ (one GEMM into the weights' rows), a masked softmax over
/// each row in place, then O = P V (one GEMM into the output's rows). The weights P are
/// kept for the backward pass: dV += Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP - rowsum(dP ⊙ P)),
/// dQ = scale · dS K, dK += scale · dSᵀ Q.

/// The shapes of one attention call.
public struct AttentionGeometry: Sendable {
    public let batch: Int, queryHeads: Int, keyHeads: Int, querySteps: Int, keySteps: Int, keyDim: Int
    public let valueDim: Int

    public init(
        batch: Int, queryHeads: Int, keyHeads: Int, querySteps: Int, keySteps: Int, keyDim: Int, valueDim: Int
    ) {
        (self.batch, self.queryHeads, self.keyHeads) = (batch, queryHeads, keyHeads)
        (self.querySteps, self.keySteps, self.keyDim, self.valueDim) = (querySteps, keySteps, keyDim, valueDim)
    }

    /// Query heads per key head.
    var group: Int { queryHeads / keyHeads }
    /// Elements between consecutive steps of the query (and its gradient), key, value and output.
    var queryRow: Int { queryHeads * keyDim }
    var keyRow: Int { keyHeads * keyDim }
    var valueRow: Int { keyHeads * valueDim }
    var outputRow: Int { queryHeads * valueDim }
    /// Elements of one (batch, query head)'s weights.
    var weightsPerHead: Int { querySteps * keySteps }
}

/// Which scores a boolean mask (1: keep) hides, and how: Keras's attention layers add a
/// large negative number to them, keras.ops.dot_product_attention replaces them with one.
public struct AttentionMask {
    public let keep: UnsafePointer<UInt8>
    /// Elements between the mask's batches and heads (0 when it broadcasts over them); its
    /// (query step, key step) plane is contiguous.
    public let batchStride: Int, headStride: Int
    public let value: Double
    public let replaces: Bool

    public init(keep: UnsafePointer<UInt8>, batchStride: Int, headStride: Int, value: Double, replaces: Bool) {
        (self.keep, self.batchStride, self.headStride, self.value, self.replaces) =
            (keep, batchStride, headStride, value, replaces)
    }
}

/// Where `attentionForward` puts the softmax weights.
public enum AttentionWeights<T> {
    /// All of them, (B, Hq, Tq, Tk): Keras's attention scores, and what the backward reads.
    case kept(UnsafeMutablePointer<T>)
    /// Nowhere (inference, when nothing asks for them): each thread's heads share one
    /// (Tq, Tk) plane of `scratch` (`attentionForwardScratchCount` elements), which stays
    /// in cache from the scores' GEMM to the output's. Writing every head's weights out
    /// made a round trip through memory (82 MB for a batch of 256 sequences of 200 steps
    /// and two heads). The plane holds unnormalised exponentials: each output row is
    /// divided by its weights' sum after the product (see `exponentiateScaledRowsAVX2`).
    case discarded(scratch: UnsafeMutablePointer<T>)
}

/// output (B, Tq, Hq, Dv) and the weights (see `AttentionWeights`) from query
/// (B, Tq, Hq, D), key (B, Tk, Hk, D) and value (B, Tk, Hk, Dv).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func attentionForward<T: FloatElement>(
    query: UnsafePointer<T>, key: UnsafePointer<T>, value: UnsafePointer<T>, mask: AttentionMask?, scale: Double,
    weights: AttentionWeights<T>, output: UnsafeMutablePointer<T>, geometry g: AttentionGeometry
) {
    /// The query heads of one (batch, key head) task, each through the plane `plane(h)`;
    /// with `rowSums` (Tq elements), the plane keeps exponentials and the output rows are
    /// divided by their sums instead.
    @inline(__always) func attend(
        task: Int, plane: (Int) -> UnsafeMutablePointer<T>, rowSums: UnsafeMutablePointer<T>? = nil
    ) {
        let b = task / g.keyHeads, kh = task % g.keyHeads
        let keys = key + b * g.keySteps * g.keyRow + kh * g.keyDim
        let values = value + b * g.keySteps * g.valueRow + kh * g.valueDim
        for h in (kh * g.group)..<((kh + 1) * g.group) {
            let p = plane(h)
            gemm(
                m: g.querySteps, n: g.keySteps, k: g.keyDim,
                MatrixOperand(
                    pointer: query + b * g.querySteps * g.queryRow + h * g.keyDim, transposed: false,
                    leadingDimension: g.queryRow),
                MatrixOperand(pointer: keys, transposed: true, leadingDimension: g.keyRow), p,
                ldc: max(g.keySteps, 1))
            // Without a mask, a positive scale goes into the exponentials' multiply-add.
            let scaleInExponent = rowSums != nil && mask == nil && scale > 0 && scale.isFinite
            if !scaleInExponent {
                let keep = mask.map { $0.keep + b * $0.batchStride + h * $0.headStride }
                scaleAndMask(
                    p, count: g.weightsPerHead, scale: T(scale), keep: keep, masked: T(mask?.value ?? 0),
                    replaces: mask?.replaces ?? false)
            }
            if let rowSums {
                exponentiateRows(
                    p, rows: g.querySteps, n: g.keySteps, scale: scaleInExponent ? T(scale) : 1, sums: rowSums)
            } else {
                softmaxRows(p, rows: g.querySteps, n: g.keySteps)
            }
            let out = output + b * g.querySteps * g.outputRow + h * g.valueDim
            gemm(
                m: g.querySteps, n: g.valueDim, k: g.keySteps,
                MatrixOperand(pointer: UnsafePointer(p), transposed: false, leadingDimension: max(g.keySteps, 1)),
                MatrixOperand(pointer: values, transposed: false, leadingDimension: g.valueRow), out, ldc: g.outputRow)
            if let rowSums {
                for step in 0..<g.querySteps {
                    let row = out + step * g.outputRow, inverse = 1 / rowSums[step]
                    for j in 0..<g.valueDim { row[j] *= inverse }
                }
            }
        }
    }
    let tasks = g.batch * g.keyHeads
    switch weights {
    case .kept(let weights):
        parallelPieces(0..<tasks) { range in
            for task in range {
                attend(task: task) { h in weights + ((task / g.keyHeads) * g.queryHeads + h) * g.weightsPerHead }
            }
        }
    case .discarded(let scratch):
        let pieces = min(max(ThreadPool.shared.partitionCount, 1), max(tasks, 1))
        ThreadPool.shared.parallelFor(pieces) { piece in
            let plane = scratch + piece * (g.weightsPerHead + g.querySteps)
            for task in (tasks * piece / pieces)..<(tasks * (piece + 1) / pieces) {
                attend(task: task, plane: { _ in plane }, rowSums: plane + g.weightsPerHead)
            }
        }
    }
}

/// Scratch elements `attentionForward` needs without weights: one (Tq, Tk) plane and its Tq
/// row sums per thread.
public func attentionForwardScratchCount(_ g: AttentionGeometry) -> Int {
    max(ThreadPool.shared.partitionCount, 1) * max(g.weightsPerHead + g.querySteps, 1)
}

/// The gradients of `attentionForward`'s output for upstream dO (its shape), given its
/// weights: dQ (query's shape), dK and dV (key's and value's), each optional. `scratch`
/// holds `attentionScratchCount(g)` elements.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func attentionBackward<T: FloatElement>(
    query: UnsafePointer<T>, key: UnsafePointer<T>, value: UnsafePointer<T>, weights: UnsafePointer<T>,
    upstream: UnsafePointer<T>, scale: Double, dQuery: UnsafeMutablePointer<T>?, dKey: UnsafeMutablePointer<T>?,
    dValue: UnsafeMutablePointer<T>?, scratch: UnsafeMutablePointer<T>, geometry g: AttentionGeometry
) {
    let tasks = g.batch * g.keyHeads
    let pieces = min(max(ThreadPool.shared.partitionCount, 1), max(tasks, 1))
    ThreadPool.shared.parallelFor(pieces) { piece in
        let dScores = scratch + piece * g.weightsPerHead
        for task in (tasks * piece / pieces)..<(tasks * (piece + 1) / pieces) {
            let b = task / g.keyHeads, kh = task % g.keyHeads
            let keyOffset = b * g.keySteps * g.keyRow + kh * g.keyDim
            let valueOffset = b * g.keySteps * g.valueRow + kh * g.valueDim
            for (index, h) in ((kh * g.group)..<((kh + 1) * g.group)).enumerated() {
                let p = weights + (b * g.queryHeads + h) * g.weightsPerHead
                let dO = MatrixOperand(
                    pointer: upstream + b * g.querySteps * g.outputRow + h * g.valueDim, transposed: false,
                    leadingDimension: g.outputRow)
                let queryOffset = b * g.querySteps * g.queryRow + h * g.keyDim
                // The group's first head writes the key and value gradients, the others add.
                let accumulate = index > 0
                if let dValue {
                    gemm(
                        m: g.keySteps, n: g.valueDim, k: g.querySteps,
                        MatrixOperand(pointer: p, transposed: true, leadingDimension: max(g.keySteps, 1)), dO,
                        dValue + valueOffset, ldc: g.valueRow, accumulate: accumulate)
                }
                if dQuery == nil && dKey == nil { continue }
                gemm(
                    m: g.querySteps, n: g.keySteps, k: g.valueDim, dO,
                    MatrixOperand(pointer: value + valueOffset, transposed: true, leadingDimension: g.valueRow),
                    dScores, ldc: max(g.keySteps, 1))
                softmaxGradientRows(dScores, weights: p, rows: g.querySteps, n: g.keySteps)
                scaleAndMask(dScores, count: g.weightsPerHead, scale: T(scale), keep: nil, masked: 0, replaces: false)
                let scores = MatrixOperand(
                    pointer: UnsafePointer(dScores), transposed: false, leadingDimension: max(g.keySteps, 1))
                if let dQuery {
                    gemm(
                        m: g.querySteps, n: g.keyDim, k: g.keySteps, scores,
                        MatrixOperand(pointer: key + keyOffset, transposed: false, leadingDimension: g.keyRow),
                        dQuery + queryOffset, ldc: g.queryRow)
                }
                if let dKey {
                    gemm(
                        m: g.keySteps, n: g.keyDim, k: g.querySteps,
                        MatrixOperand(
                            pointer: UnsafePointer(dScores), transposed: true, leadingDimension: max(g.keySteps, 1)),
                        MatrixOperand(pointer: query + queryOffset, transposed: false, leadingDimension: g.queryRow),
                        dKey + keyOffset, ldc: g.keyRow, accumulate: accumulate)
                }
            }
        }
    }
}

/// Scratch elements `attentionBackward` needs: one (Tq, Tk) plane per thread.
public func attentionScratchCount(_ g: AttentionGeometry) -> Int {
    max(ThreadPool.shared.partitionCount, 1) * max(g.weightsPerHead, 1)
}

/// values[i] = scale · values[i], then the mask's hidden ones replaced by or added `masked`.
@inline(never)
private func scaleAndMask<T: FloatElement>(
    _ values: UnsafeMutablePointer<T>, count: Int, scale: T, keep: UnsafePointer<UInt8>?, masked: T, replaces: Bool
) {
    guard let keep else {
        for i in 0..<count { values[i] *= scale }
        return
    }
    // Branch-free selects, so the loops vectorise.
    if replaces {
        for i in 0..<count { values[i] = keep[i] != 0 ? values[i] * scale : masked }
    } else {
        for i in 0..<count { values[i] = values[i] * scale + (keep[i] != 0 ? 0 : masked) }
    }
}

/// Each of `rows` rows of n values replaced by its softmax: the AVX2 rows kernel for float32
/// where it runs, else the portable passes (maximum, vectorised exponentials, a blocked sum).
private func softmaxRows<T: FloatElement>(_ values: UnsafeMutablePointer<T>, rows: Int, n: Int) {
    if n == 0 { return }
    if T.self == Float.self && rowOperationsAvailable {
        softmaxRowsAVX2(values.asFloat, values.asFloat, rows: rows, n: n, log: false)
        return
    }
    for row in 0..<rows {
        let p = values + row * n
        var largest = rowMaximum(p, n)
        if largest.isInfinite && largest < 0 { largest = 0 }
        exponentiateShifted(p, p, n, shift: largest)
        let inverse = 1 / blockSum(p, n)
        for j in 0..<n { p[j] *= inverse }
    }
}

/// Each of `rows` rows of n values replaced by e^(scale·x - scale·max) (max: the row's
/// largest, 0 when it is -inf; scale positive) and each row's sum written to `sums`: the
/// softmax without its division, which the caller applies to the rows the weights produce.
private func exponentiateRows<T: FloatElement>(
    _ values: UnsafeMutablePointer<T>, rows: Int, n: Int, scale: T, sums: UnsafeMutablePointer<T>
) {
    if n == 0 {
        // No keys: the product is zero, and stays so divided by 1 (softmax of nothing is nothing).
        for row in 0..<rows { sums[row] = 1 }
        return
    }
    if T.self == Float.self && rowOperationsAvailable {
        exponentiateScaledRowsAVX2(values.asFloat, rows: rows, n: n, scale: Float(scale), sums: sums.asFloat)
        return
    }
    for row in 0..<rows {
        let p = values + row * n
        var largest = rowMaximum(p, n)
        if largest.isInfinite && largest < 0 { largest = 0 }
        let shift = largest * scale
        for j in 0..<n { p[j] = vectorExp(p[j] * scale - shift) }
        sums[row] = blockSum(p, n)
    }
}

/// gradient = P ⊙ (gradient - Σ gradient ⊙ P) per row, in place: the softmax's VJP from its
/// output P.
private func softmaxGradientRows<T: FloatElement>(
    _ gradient: UnsafeMutablePointer<T>, weights: UnsafePointer<T>, rows: Int, n: Int
) {
    if n == 0 { return }
    if T.self == Float.self && rowOperationsAvailable {
        softmaxBackwardRowsAVX2(gradient.asFloat, weights.asFloat, gradient.asFloat, rows: rows, n: n, log: false)
        return
    }
    for row in 0..<rows {
        let g = gradient + row * n, p = weights + row * n
        let dot = blockDot(g, p, n)
        for j in 0..<n { g[j] = p[j] * (g[j] - dot) }
    }
}
