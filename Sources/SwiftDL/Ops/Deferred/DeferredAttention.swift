import SwiftDLKernels

/// softmax(scale(A·B)) · V for a deferred softmax of a product (DeferredValue.swift), one
/// batch item at a time: each item's (m, n) plane of scores and of weights lives in a
/// per-thread scratch that stays in cache, and never goes through memory. Each step is the
/// kernel eager evaluation runs on that item (the same GEMM, the scale elementwise, the same
/// softmax rows), so the result matches the eager chain to its roundings.
///
/// nil when the operands do not fit this path: `values` not a float tensor of the weights'
/// dtype with the weights' batch axes exactly, or operands whose batch axes broadcast; the
/// caller then resolves the weights and multiplies as usual.
func attendDeferredWeights(_ weights: DeferredValue, _ values: Tensor) throws -> Tensor? {
    let rank = weights.shape.count
    let batch = Array(weights.shape.dropLast(2))
    let m = weights.shape[rank - 2], n = weights.shape[rank - 1]
    guard values.dtype == weights.dtype, values.rank == rank, Array(values.shape.dropLast(2)) == batch,
        values.shape[rank - 2] == n, Array(weights.left.shape.dropLast(2)) == batch,
        Array(weights.right.shape.dropLast(2)) == batch, m > 0, n > 0
    else { return nil }
    let d = values.shape[rank - 1]
    let batchCount = try CheckedSize.product(of: batch, op: "matmul", "the batch size")
    if batchCount == 0 || d == 0 { return try Tensor.empty(batch + [m, d], dtype: weights.dtype) }
    let v = try blasReady(values)
    let out = try Tensor.empty(batch + [m, d], dtype: weights.dtype)
    let chunks = max(1, min(ThreadPool.shared.partitionCount, batchCount))
    // Two planes per chunk (scores, then weights), allocated here so a failure is an error.
    let scratch = try Tensor.empty([chunks, 2, m, n], dtype: weights.dtype)
    try weights.dtype.dispatchFloat(
        DeferredAttentionDispatch(
            weights: weights, values: v, out: out, scratch: scratch, batch: batch, batchCount: batchCount,
            chunks: chunks, m: m, n: n, d: d))
    return out
}

private struct DeferredAttentionDispatch: FloatVisitor {
    let weights: DeferredValue, values: Tensor, out: Tensor, scratch: Tensor
    let batch: [Int], batchCount: Int, chunks: Int, m: Int, n: Int, d: Int

    func visit<T: FloatElement>(_: T.Type) {
        let k = weights.left.shape[weights.left.rank - 1]
        let left = blasOperand(weights.left, T.self), right = blasOperand(weights.right, T.self)
        let valueOperand = blasOperand(values, T.self)
        let leftOffsets = batchOffsets(weights.left), rightOffsets = batchOffsets(weights.right)
        let valueOffsets = batchOffsets(values)
        let output = out.pointer(as: T.self), planes = scratch.pointer(as: T.self)
        let factor = weights.scale.map { $0.factor.pointer(as: T.self).pointee }
        let divides = weights.scale?.op == .divide
        let plane = m * n
        ThreadPool.shared.parallelFor(chunks) { chunk in
            let scores = planes + chunk * 2 * plane, probabilities = scores + plane
            for item in batchCount * chunk / chunks..<batchCount * (chunk + 1) / chunks {
                var a = left, b = right, v = valueOperand
                a.pointer += leftOffsets[item]
                b.pointer += rightOffsets[item]
                v.pointer += valueOffsets[item]
                gemmEntry(m: m, n: n, k: k, a, b, scores, ldc: n, accumulate: false)
                if let factor {
                    if divides {
                        for j in 0..<plane { scores[j] = scores[j] / factor }
                    } else {
                        for j in 0..<plane { scores[j] = scores[j] * factor }
                    }
                }
                softmaxForwardKernel(UnsafePointer(scores), probabilities, outer: m, n: n, inner: 1, log: false)
                let weightsOperand = MatrixOperand(
                    pointer: UnsafePointer(probabilities), transposed: false, leadingDimension: n)
                gemmEntry(m: m, n: d, k: n, weightsOperand, v, output + item * m * d, ldc: d, accumulate: false)
            }
        }
    }

    /// Each batch item's offset into `t`, in elements (its batch axes are exactly `batch`).
    private func batchOffsets(_ t: Tensor) -> [Int] {
        batchItemOffsets(batch, strides: Array(t.strides.prefix(batch.count)))
    }
}
