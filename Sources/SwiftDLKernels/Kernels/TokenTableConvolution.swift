/// A 1-D convolution of embedded tokens, summed from a table of each token's taps.
///
/// An Embedding followed by a Conv1D is linear in the embedding vectors before the bias:
/// y[t] = Σ_k E[id[s·t + d·k − pad]] · W[k] + b. With the table
/// P[v][k] = E[v] · W[k] (one (V, C) × (C, K·O) product), each output is K rows of P
/// added together: K·O additions instead of K·C·O multiply-adds, and no (N, L, C)
/// embedding output. The table costs V·C·K·O multiply-adds once, so it pays at inference,
/// where the weights stay the same from call to call (the text CNN: V = 20,000 tokens,
/// C = O = 128, K = 7; one batch of 256 sequences of 400 tokens is 33,792 outputs).

/// y[r][t] = relu?(Σ_k table[ids[r][stride·t + dilation·k − padLeft]][k] + bias) for
/// `rows` rows of `length` ids; taps whose position falls outside the row add nothing
/// (zero padding). `table` is (V, taps, channels) and every id must be in [0, V);
/// y is (rows, outputWidth, channels). relu keeps NaN.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func tokenTableConvolution<T: FloatElement>(
    ids: UnsafePointer<Int64>, rows: Int, length: Int, table: UnsafePointer<T>, taps: Int, channels: Int,
    bias: UnsafePointer<T>?, relu: Bool, stride: Int, dilation: Int, padLeft: Int, outputWidth: Int,
    into y: UnsafeMutablePointer<T>
) {
    let outputs = rows * outputWidth
    // Each output reads taps·channels table entries, mostly from memory (the table is tens
    // of megabytes); a part of fewer than ~64K entries costs less than waking a thread.
    let parts = max(1, min(ThreadPool.shared.partitionCount, outputs * taps * channels / 65_536, outputs))
    ThreadPool.shared.parallelFor(parts) { part in
        withUnsafeTemporaryAllocation(of: UnsafePointer<T>.self, capacity: taps) { rowsOfTaps in
            for output in (outputs * part / parts)..<(outputs * (part + 1) / parts) {
                let (row, t) = output.quotientAndRemainder(dividingBy: outputWidth)
                let line = ids + row * length
                var count = 0
                for k in 0..<taps {
                    let position = stride * t + dilation * k - padLeft
                    if position < 0 || position >= length { continue }
                    rowsOfTaps[count] = table + (Int(line[position]) * taps + k) * channels
                    count += 1
                }
                sumRows(
                    UnsafePointer(rowsOfTaps.baseAddress!), count: count, channels: channels, bias: bias, relu: relu,
                    into: y + output * channels)
            }
        }
    }
}

/// out = relu?(Σ rows[i] + bias), the sums in the rows' order; relu keeps NaN.
@inline(__always)
private func sumRows<T: FloatElement>(
    _ rows: UnsafePointer<UnsafePointer<T>>, count: Int, channels: Int, bias: UnsafePointer<T>?, relu: Bool,
    into out: UnsafeMutablePointer<T>
) {
    if T.self == Float.self && channels % 16 == 0 {
        // Sixteen channels at a time in registers: each row is read once and the output
        // written once, instead of a read-modify-write of the output for every row.
        let rows = UnsafeRawPointer(rows).assumingMemoryBound(to: UnsafePointer<Float>.self)
        let out = UnsafeMutableRawPointer(out), bias = bias.map { UnsafeRawPointer($0) }
        for j in stride(from: 0, to: channels, by: 16) {
            var sum = SIMD16<Float>()
            for i in 0..<count { sum += UnsafeRawPointer(rows[i] + j).loadUnaligned(as: SIMD16<Float>.self) }
            if let bias { sum += bias.loadUnaligned(fromByteOffset: 4 * j, as: SIMD16<Float>.self) }
            if relu { sum.replace(with: 0, where: sum .< 0) }
            out.storeBytes(of: sum, toByteOffset: 4 * j, as: SIMD16<Float>.self)
        }
        return
    }
    out.update(repeating: T.zero, count: channels)
    for i in 0..<count { addInPlace(out, rows[i], count: channels) }
    if let bias {
        for j in 0..<channels { out[j] += bias[j] }
    }
    if relu {
        for j in 0..<channels { let v = out[j]; out[j] = v > 0 || v.isNaN ? v : T.zero }
    }
}
