/// numpy.matmul: matrix product of the last two axes, broadcasting the leading (batch) axes.
/// A 1-D left operand is a row vector and a 1-D right operand a column vector; their
/// added axis is removed from the result. Transposed views go to BLAS without copies.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    for (index, operand) in [a, b].enumerated() where operand.rank == 0 {
        throw SDLError.value(
            "matmul",
            "Input operand \(index) does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1); received shapes \(describeShape(a.shape)) and \(describeShape(b.shape))"
        )
    }
    let left = a.rank == 1 ? try a.expandingDims(0) : a
    let right = b.rank == 1 ? try b.expandingDims(1) : b
    let m = left.shape[left.rank - 2], k = left.shape[left.rank - 1]
    let k2 = right.shape[right.rank - 2], n = right.shape[right.rank - 1]
    if k != k2 {
        throw SDLError.value(
            "matmul",
            "Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size \(k2) is different from \(k)); received shapes \(describeShape(a.shape)) and \(describeShape(b.shape))"
        )
    }
    let batch = try broadcastShapes(Array(left.shape.dropLast(2)), Array(right.shape.dropLast(2)), op: "matmul")
    // BLAS takes 32-bit sizes (an -Ounchecked build would truncate larger ones silently).
    if max(m, n, k) > Int(Int32.max) {
        throw SDLError.value(
            "matmul",
            "sizes above 2^31 - 1 rows or columns are not supported; received shapes \(describeShape(a.shape)) and \(describeShape(b.shape))"
        )
    }

    var dtype = DType.promote(a.dtype, b.dtype)
    let resultDType = dtype
    if dtype == .bool { dtype = .int64 } // computed as counts, returned as "any pair true"
    let x = try blasReady(left.converted(to: dtype)), y = try blasReady(right.converted(to: dtype))
    let result = try Tensor.empty(batch + [m, n], dtype: dtype)
    try dtype.dispatchArithmetic(MatmulDispatch(a: x, b: y, out: result, batch: batch, m: m, n: n, k: k))

    var shape = batch
    if a.rank > 1 { shape.append(m) }
    if b.rank > 1 { shape.append(n) }
    let shaped = result.view(shape: shape, strides: contiguousStrides(shape), offset: 0)
    return resultDType == .bool ? try shaped.cast(to: .bool) : shaped
}

private struct MatmulDispatch: ArithmeticVisitor {
    let a: Tensor, b: Tensor, out: Tensor, batch: [Int], m: Int, n: Int, k: Int

    func visit<T: ArithmeticElement>(_: T.Type) throws {
        let batchCount = try CheckedSize.product(of: batch, op: "matmul", "the batch size")
        let rowsOfLeft = try CheckedSize.product(of: a.shape.dropLast(), op: "matmul", "the rows of the left operand")
        // A contiguous left operand times one shared right matrix is a single tall GEMM.
        if a.isContiguous && b.rank == 2 && rowsOfLeft <= Int(Int32.max) {
            // Not a.count / k: with k == 0 that is 0 rows, and the result would never be zeroed.
            let rows = rowsOfLeft
            let right = blasOperand(b, T.self)
            gemmEntry(
                m: rows, n: n, k: k,
                MatrixOperand(
                    pointer: UnsafePointer(a.pointer(as: T.self)), transposed: false, leadingDimension: max(k, 1)),
                right, out.pointer(as: T.self), ldc: max(n, 1), accumulate: false)
            return
        }
        let aStrides = broadcastStrides(
            a.view(shape: Array(a.shape.dropLast(2)), strides: Array(a.strides.dropLast(2)), offset: 0), to: batch)
        let bStrides = broadcastStrides(
            b.view(shape: Array(b.shape.dropLast(2)), strides: Array(b.strides.dropLast(2)), offset: 0), to: batch)
        let left = blasOperand(a, T.self), right = blasOperand(b, T.self)
        let output = out.pointer(as: T.self)
        let offsetsA = batchItemOffsets(batch, strides: aStrides), offsetsB = batchItemOffsets(batch, strides: bStrides)
        func multiply(_ items: Range<Int>) {
            for item in items {
                var operandA = left, operandB = right
                operandA.pointer += offsetsA[item]
                operandB.pointer += offsetsB[item]
                gemmEntry(
                    m: m, n: n, k: k, operandA, operandB, output + item * m * n, ldc: max(n, 1), accumulate: false)
            }
        }
        // Attention's products are many small matrices (heads × batch of 200×32·32×200): too
        // small for gemm to split one across threads, so the threads take whole items instead.
        let threads = ThreadPool.shared.partitionCount
        let totalFlops = 2 * Double(m) * Double(n) * Double(k) * Double(batchCount)
        if batchCount > 1 && threads > 1 && gemmBandCount(m: m, n: n, k: k) < threads && totalFlops >= 2_097_152 {
            let chunks = min(threads, batchCount)
            ThreadPool.shared.parallelFor(chunks) { chunk in
                multiply(batchCount * chunk / chunks..<batchCount * (chunk + 1) / chunks)
            }
        } else {
            multiply(0..<batchCount)
        }
    }
}

/// Each batch item's offset, in elements, into an operand whose batch axes have `strides`
/// (0 where it is broadcast): the items of `batch` in row-major order. The caller has
/// checked that the item count fits (`CheckedSize`).
func batchItemOffsets(_ batch: [Int], strides: [Int]) -> [Int] {
    let count = batch.reduce(1, *)
    var offsets = [Int](repeating: 0, count: count)
    var index = [Int](repeating: 0, count: batch.count)
    for item in 0..<count {
        var offset = 0
        for axis in 0..<batch.count { offset += index[axis] * strides[axis] }
        offsets[item] = offset
        var axis = batch.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < batch[axis] { break }
            index[axis] = 0
            axis -= 1
        }
    }
    return offsets
}

/// Describes the last two axes of `t` (already `blasReady`) for BLAS.
func blasOperand<T: ArithmeticElement>(_ t: Tensor, _: T.Type) -> MatrixOperand<T> {
    // blasReady has guaranteed a layout; the fallback is never taken.
    let layout = blasLayout(t) ?? (false, max(t.shape[t.rank - 1], 1))
    return MatrixOperand(
        pointer: UnsafePointer(t.pointer(as: T.self)), transposed: layout.transposed,
        leadingDimension: layout.leadingDimension)
}

/// How BLAS can read the last two axes of `t` in place: as stored, or as the transpose of a
/// row-major matrix. nil when neither has unit stride and a copy is needed.
func blasLayout(_ t: Tensor) -> (transposed: Bool, leadingDimension: Int)? {
    let rows = t.shape[t.rank - 2], columns = t.shape[t.rank - 1]
    let rowStride = t.strides[t.rank - 2], columnStride = t.strides[t.rank - 1]
    // A leading dimension BLAS cannot take (32 bits) means a contiguous copy.
    if max(abs(rowStride), abs(columnStride)) > Int(Int32.max) { return nil }
    if (columnStride == 1 || columns <= 1) && (rows <= 1 || rowStride >= max(columns, 1)) {
        return (false, rows <= 1 ? max(columns, 1) : rowStride)
    }
    if (rowStride == 1 || rows <= 1) && (columns <= 1 || columnStride >= max(rows, 1)) {
        return (true, columns <= 1 ? max(rows, 1) : columnStride)
    }
    return nil
}

/// `t` itself when BLAS can read its matrices in place, otherwise a contiguous copy.
func blasReady(_ t: Tensor) throws -> Tensor {
    blasLayout(t) == nil ? try t.contiguous() : t
}
