/// A loop nest over one shape shared by several operands (inputs and output), each with
/// its own element strides. Dimensions are simplified first (size-1 axes dropped, axes
/// that are contiguous for every operand merged) so the innermost row is as long as it
/// can be. Kernels then run one tight, vectorisable loop per row.
public struct LoopNest {
    /// Simplified shape; never empty (a scalar becomes `[1]`).
    public let shape: [Int]
    /// `strides[operand][axis]`, in elements, matching `shape`.
    public let strides: [[Int]]
    public let count: Int

    public init(shape: [Int], strides operandStrides: [[Int]]) {
        var keptShape: [Int] = []
        var kept: [[Int]] = Array(repeating: [], count: operandStrides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            let size = shape[axis]
            // Merge into the previous axis when every operand steps through both evenly.
            if let last = keptShape.indices.last,
                operandStrides.indices.allSatisfy({ kept[$0][last] == operandStrides[$0][axis] * size })
            {
                keptShape[last] *= size
                for operand in operandStrides.indices { kept[operand][last] = operandStrides[operand][axis] }
            } else {
                keptShape.append(size)
                for operand in operandStrides.indices { kept[operand].append(operandStrides[operand][axis]) }
            }
        }
        if keptShape.isEmpty {
            keptShape = [1]
            kept = kept.map { _ in [1] }
        }
        self.shape = keptShape
        self.strides = kept
        self.count = keptShape.reduce(1, *)
    }

    public var rowLength: Int { shape[shape.count - 1] }
    public var rowCount: Int { count / max(rowLength, 1) }
    public func innerStride(_ operand: Int) -> Int { strides[operand][shape.count - 1] }

    /// Calls `body(offsets, length)` for every row (or piece of a row), where `offsets[k]` is
    /// operand k's element offset of the piece's first element. Work above `grain` elements
    /// is split across the thread pool; `body` must only write its own piece.
    public func forEachRow(grain: Int = 1 << 15, _ body: (UnsafePointer<Int>, Int) -> Void) {
        if count == 0 { return }
        let operands = strides.count
        let threads = ThreadPool.shared.partitionCount
        let pieces = threads > 1 && count >= 2 * grain ? min(threads * 4, count / grain) : 1
        if pieces <= 1 {
            visitRows(0..<rowCount, split: nil, operands: operands, body)
            return
        }
        if rowCount >= pieces {
            ThreadPool.shared.parallelFor(pieces) { piece in
                let rows = rowCount * piece / pieces..<rowCount * (piece + 1) / pieces
                visitRows(rows, split: nil, operands: operands, body)
            }
        } else {
            // Few long rows: cut each row into pieces instead.
            let perRow = (pieces + rowCount - 1) / rowCount
            ThreadPool.shared.parallelFor(rowCount * perRow) { task in
                let row = task / perRow, part = task % perRow
                let elements = rowLength * part / perRow..<rowLength * (part + 1) / perRow
                visitRows(row..<row + 1, split: elements, operands: operands, body)
            }
        }
    }

    private func visitRows(
        _ rows: Range<Int>, split: Range<Int>?, operands: Int,
        _ body: (UnsafePointer<Int>, Int) -> Void
    ) {
        if rows.isEmpty { return }
        let outerRank = shape.count - 1
        withUnsafeTemporaryAllocation(of: Int.self, capacity: operands + outerRank) { scratch in
            let offsets = scratch.baseAddress!
            let index = offsets + operands
            // Position the odometer at the first row.
            var remainder = rows.lowerBound
            for axis in stride(from: outerRank - 1, through: 0, by: -1) {
                index[axis] = remainder % shape[axis]
                remainder /= shape[axis]
            }
            for operand in 0..<operands {
                var offset = 0
                for axis in 0..<outerRank { offset += index[axis] * strides[operand][axis] }
                if let split { offset += split.lowerBound * strides[operand][outerRank] }
                offsets[operand] = offset
            }
            let length = split?.count ?? rowLength
            for _ in rows {
                body(UnsafePointer(offsets), length)
                // Advance the odometer by one row.
                var axis = outerRank - 1
                while axis >= 0 {
                    index[axis] += 1
                    for operand in 0..<operands { offsets[operand] += strides[operand][axis] }
                    if index[axis] < shape[axis] { break }
                    for operand in 0..<operands { offsets[operand] -= strides[operand][axis] * shape[axis] }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
