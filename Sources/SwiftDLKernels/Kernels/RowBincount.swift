/// Counts each row's values: counts[r, v] = how many of indices[r, 0 ..< width] equal v, for
/// v in 0 ..< depth (values outside that range count nowhere, as Keras's encodings drop
/// them); with `binary`, 1 where the count would be positive (multi-hot). `counts` holds
/// rows × depth zeros on entry. The bag-of-values encodings (CategoryEncoding's
/// "multi_hot" and "count", the lookup layers' vector modes) are this one loop.
public func rowBincountKernel(
    indices: UnsafePointer<Int64>, rows: Int, width: Int, depth: Int, binary: Bool, counts: UnsafeMutablePointer<Int64>
) {
    for row in 0..<rows {
        let values = indices + row * width
        let rowCounts = counts + row * depth
        for column in 0..<width {
            let value = values[column]
            guard value >= 0, value < Int64(depth) else { continue }
            if binary {
                rowCounts[Int(value)] = 1
            } else {
                rowCounts[Int(value)] += 1
            }
        }
    }
}
