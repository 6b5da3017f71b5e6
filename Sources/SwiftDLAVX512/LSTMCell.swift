// The LSTM's forward gate math for one batch row, sixteen units at a time: the AVX-512
// version of SwiftDLAVX2/LSTMCell.swift's `lstmCellForwardAVX2`, with the same expressions
// in the same order (no fused multiply-adds, the same Cephes exp), so results are identical
// to it and to the engine's scalar loops; only the lane count changes.
//
// On one sample the cell is a third of an LSTM step (64 units: ~0.3 us of ~0.9), on the
// critical path between one step's h · U and the next's; sixteen lanes halve its
// instructions. The engine calls it for float32 on AVX-512 CPUs when units % 16 == 0.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// One batch row of one forward step: gates holds the pre-activations z (without the
/// bias) and receives the activations i, f, g, o; cell ← c_t, cellTanh ← tanh(c_t),
/// hidden ← h_t. cell may be previousCell itself.
public func lstmCellForwardAVX512(
    gates row: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
    cell: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
    units u: Int
) {
    for j in stride(from: 0, to: u, by: 16) {
        let i = gateSigmoid(load(row + j) + load(bias + j))
        let f = gateSigmoid(load(row + u + j) + load(bias + u + j))
        let g = gateTanh(load(row + 2 * u + j) + load(bias + 2 * u + j))
        let o = gateSigmoid(load(row + 3 * u + j) + load(bias + 3 * u + j))
        store(i, row + j)
        store(f, row + u + j)
        store(g, row + 2 * u + j)
        store(o, row + 3 * u + j)
        let c = f * load(previousCell + j) + i * g
        store(c, cell + j)
        let squashed = gateTanh(c)
        store(squashed, cellTanh + j)
        store(o * squashed, hidden + j)
    }
}

// NOTE: @_transparent, as in SwiftDLAVX2/LSTMCell.swift: @inline(__always) helpers were
// kept as calls that spill their vectors.

/// e^x for x clamped to [-87.3, 88.3], lane by lane exactly as the engine's scalar
/// `Float.boundedExp`; NaN lanes come out as a bound (callers restore them).
@_transparent
func boundedExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let low = x.replacing(with: -87.3, where: .!(x .> -87.3))
    let clamped = low.replacing(with: 88.3, where: .!(low .< 88.3))
    let scaled = clamped * 1.44269504088896341
    // Adding 1.5·2^23 rounds to an integer and leaves it in the low mantissa bits.
    let shifted = scaled + 12582912.0
    let n = shifted - 12582912.0
    let r = clamped - n * 0.693359375 + n * 2.12194440e-4
    var p = SIMD16<Float>(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let mantissa = p * r * r + r + 1
    let nInt = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
    return mantissa * unsafeBitCast((nInt &+ 127) &<< 23, to: SIMD16<Float>.self)
}

@_transparent
func gateSigmoid(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let y = 1 / (1 + boundedExp(-x))
    return y.replacing(with: x, where: x .!= x)
}

/// tanh(x) = 1 - 2 / (e^2x + 1).
@_transparent
func gateTanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let y = 1 - 2 / (boundedExp(2 * x) + 1)
    return y.replacing(with: x, where: x .!= x)
}
#endif
