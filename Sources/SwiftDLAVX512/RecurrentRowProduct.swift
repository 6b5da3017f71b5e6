// z += h · U for one batch row (a single sample's recurrent step), U read in place,
// row-major.
//
// A single sample's LSTM step with 64 units reads all of U (64 KB, more than L1) to make 256
// gates. With 32 vector registers, sixteen 16-lane accumulators hold all 256 gates: each
// h[k] is broadcast once and row k of U streams in contiguously, one pass over U per step.
// An eight-lane (AVX2) version needed four passes of 64 columns, each a strided walk down U,
// and ran slower than BLAS, so AVX2-only CPUs keep BLAS.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// z[0..<width] ← h · U (+ z when `accumulate`), U row-major (units, width); width % 16 == 0.
public func recurrentRowProductAVX512(
    hidden h: UnsafePointer<Float>, recurrentKernel u: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>,
    units: Int, width: Int, accumulate: Bool
) {
    var column = 0
    while column + 256 <= width {
        rowProductBlock256(h, u + column, z + column, units: units, width: width, accumulate: accumulate)
        column += 256
    }
    while column < width {
        var sum = accumulate ? load(z + column) : SIMD16<Float>()
        for k in 0..<units { sum = sum.addingProduct(load(u + k * width + column), SIMD16(repeating: h[k])) }
        store(sum, z + column)
        column += 16
    }
}

/// 256 columns of z in sixteen accumulators over all of h.
@inline(__always)
private func rowProductBlock256(
    _ h: UnsafePointer<Float>, _ u: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, units: Int, width: Int,
    accumulate: Bool
) {
    @inline(__always) func start(_ offset: Int) -> SIMD16<Float> { accumulate ? load(z + offset) : SIMD16() }
    var a0 = start(0), a1 = start(16), a2 = start(32), a3 = start(48)
    var a4 = start(64), a5 = start(80), a6 = start(96), a7 = start(112)
    var a8 = start(128), a9 = start(144), a10 = start(160), a11 = start(176)
    var a12 = start(192), a13 = start(208), a14 = start(224), a15 = start(240)
    for k in 0..<units {
        let hk = SIMD16<Float>(repeating: h[k]), row = u + k * width
        a0 = a0.addingProduct(load(row), hk)
        a1 = a1.addingProduct(load(row + 16), hk)
        a2 = a2.addingProduct(load(row + 32), hk)
        a3 = a3.addingProduct(load(row + 48), hk)
        a4 = a4.addingProduct(load(row + 64), hk)
        a5 = a5.addingProduct(load(row + 80), hk)
        a6 = a6.addingProduct(load(row + 96), hk)
        a7 = a7.addingProduct(load(row + 112), hk)
        a8 = a8.addingProduct(load(row + 128), hk)
        a9 = a9.addingProduct(load(row + 144), hk)
        a10 = a10.addingProduct(load(row + 160), hk)
        a11 = a11.addingProduct(load(row + 176), hk)
        a12 = a12.addingProduct(load(row + 192), hk)
        a13 = a13.addingProduct(load(row + 208), hk)
        a14 = a14.addingProduct(load(row + 224), hk)
        a15 = a15.addingProduct(load(row + 240), hk)
    }
    store(a0, z)
    store(a1, z + 16)
    store(a2, z + 32)
    store(a3, z + 48)
    store(a4, z + 64)
    store(a5, z + 80)
    store(a6, z + 96)
    store(a7, z + 112)
    store(a8, z + 128)
    store(a9, z + 144)
    store(a10, z + 160)
    store(a11, z + 176)
    store(a12, z + 192)
    store(a13, z + 208)
    store(a14, z + 224)
    store(a15, z + 240)
}
#endif
