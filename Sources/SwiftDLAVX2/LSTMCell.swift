// The LSTM's per-row gate math, forward and backward, eight units at a time.
//
// The engine's own versions (Kernels/LSTMKernel.swift, RecurrentActivations.swift) are
// compiled for baseline x86-64: four lanes at best, and the backward loop, which mixes
// eight pointers, stays scalar. These compute the same expressions in the same order
// (no fused multiply-adds, the same Cephes exp), so results are identical; only the lane
// count changes. The engine calls them for float32 on AVX2 CPUs when units % 8 == 0.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// One batch row of one forward step: gates holds the pre-activations z (without the
/// bias) and receives the activations i, f, g, o; cell ← c_t, cellTanh ← tanh(c_t),
/// hidden ← h_t. cell may be previousCell itself.
public func lstmCellForwardAVX2(
    gates row: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
    cell: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
    units u: Int
) {
    for j in stride(from: 0, to: u, by: 8) {
        let i = gateSigmoid(load8(row + j) + load8(bias + j))
        let f = gateSigmoid(load8(row + u + j) + load8(bias + u + j))
        let g = gateTanh(load8(row + 2 * u + j) + load8(bias + 2 * u + j))
        let o = gateSigmoid(load8(row + 3 * u + j) + load8(bias + 3 * u + j))
        store8(i, row + j)
        store8(f, row + u + j)
        store8(g, row + 2 * u + j)
        store8(o, row + 3 * u + j)
        let c = f * load8(previousCell + j) + i * g
        store8(c, cell + j)
        let squashed = gateTanh(c)
        store8(squashed, cellTanh + j)
        store8(o * squashed, hidden + j)
    }
}

/// One batch row of one backward step: out ← the pre-activation gradients of i, f, g, o
/// from the saved activations (gates), tanh(c_t), c_{t-1} and the running dh; dc is
/// carried to the previous step (dc ← dc_t · f).
public func lstmCellBackwardAVX2(
    gates row: UnsafePointer<Float>, cellTanh: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
    dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, units u: Int
) {
    let one = SIMD8<Float>(repeating: 1)
    for j in stride(from: 0, to: u, by: 8) {
        let i = load8(row + j), f = load8(row + u + j), candidate = load8(row + 2 * u + j), o = load8(row + 3 * u + j)
        let squashed = load8(cellTanh + j), dhj = load8(dh + j)
        let dCell = load8(dc + j) + dhj * o * (one - squashed * squashed)
        store8(dCell * candidate * i * (one - i), out + j)
        store8(dCell * load8(previousCell + j) * f * (one - f), out + u + j)
        store8(dCell * i * (one - candidate * candidate), out + 2 * u + j)
        store8(dhj * squashed * o * (one - o), out + 3 * u + j)
        store8(dCell * f, dc + j)
    }
}

// NOTE: the three helpers below are @_transparent, not @inline(__always): the compiler
// kept the latter as calls, each passing its SIMD8 as two xmm halves and spilling around
// the call, and the LSTM's forward gate math ran ~10% slower.

/// e^x for x clamped to [-87.3, 88.3], lane by lane exactly as the engine's scalar
/// `Float.boundedExp`; NaN lanes come out as a bound (callers restore them).
@_transparent
func boundedExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let low = x.replacing(with: -87.3, where: .!(x .> -87.3))
    let clamped = low.replacing(with: 88.3, where: .!(low .< 88.3))
    let scaled = clamped * 1.44269504088896341
    // Adding 1.5·2^23 rounds to an integer and leaves it in the low mantissa bits.
    let shifted = scaled + 12582912.0
    let n = shifted - 12582912.0
    let r = clamped - n * 0.693359375 + n * 2.12194440e-4
    var p = SIMD8<Float>(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let mantissa = p * r * r + r + 1
    let nInt = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    return mantissa * unsafeBitCast((nInt &+ 127) &<< 23, to: SIMD8<Float>.self)
}

@_transparent
func gateSigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let y = 1 / (1 + boundedExp(-x))
    return y.replacing(with: x, where: x .!= x)
}

/// tanh(x) = 1 - 2 / (e^2x + 1).
@_transparent
func gateTanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let y = 1 - 2 / (boundedExp(2 * x) + 1)
    return y.replacing(with: x, where: x .!= x)
}

#endif
