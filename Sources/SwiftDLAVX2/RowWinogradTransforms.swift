/// The elementwise transforms of the row convolutions' F(4, 3)
/// (SwiftDLKernels/Kernels/RowWinogradConvolution.swift), written once as inlinable
/// bodies: the AVX2 entry points here compile them for Haswell, and the portable kernels
/// inline the same bodies at baseline x86-64. (At baseline they took a third as long as the
/// GEMMs between them on the text CNN's first layer.)

/// Bᵀ·d for one tile: six transformed blocks of `width` from the six input blocks d0…d5.
@inlinable @inline(__always)
public func rowWinogradInputTile(
    _ d0: UnsafePointer<Float>, _ d1: UnsafePointer<Float>, _ d2: UnsafePointer<Float>, _ d3: UnsafePointer<Float>,
    _ d4: UnsafePointer<Float>, _ d5: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, width: Int
) {
    // NOTE: eight lanes spelled out: the compiler cannot prove the seven pointers apart,
    // and left scalar this loop took a quarter of the GEMMs' time.
    @inline(__always) func load(_ p: UnsafePointer<Float>, _ e: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + e).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func store(_ v: SIMD8<Float>, _ row: Int, _ e: Int) {
        UnsafeMutableRawPointer(target + row * width + e).storeBytes(of: v, as: SIMD8<Float>.self)
    }
    var e = 0
    while e + 8 <= width {
        let a0 = load(d0, e), a1 = load(d1, e), a2 = load(d2, e), a3 = load(d3, e), a4 = load(d4, e)
        let a5 = load(d5, e)
        store(4 * a0 - 5 * a2 + a4, 0, e)
        store(-4 * (a1 + a2) + a3 + a4, 1, e)
        store(4 * (a1 - a2) - a3 + a4, 2, e)
        store(2 * (a3 - a1) - a2 + a4, 3, e)
        store(2 * (a1 - a3) - a2 + a4, 4, e)
        store(4 * a1 - 5 * a3 + a5, 5, e)
        e += 8
    }
    while e < width {
        let a0 = d0[e], a1 = d1[e], a2 = d2[e], a3 = d3[e], a4 = d4[e], a5 = d5[e]
        target[e] = 4 * a0 - 5 * a2 + a4
        target[width + e] = -4 * (a1 + a2) + a3 + a4
        target[2 * width + e] = 4 * (a1 - a2) - a3 + a4
        target[3 * width + e] = 2 * (a3 - a1) - a2 + a4
        target[4 * width + e] = 2 * (a1 - a3) - a2 + a4
        target[5 * width + e] = 4 * a1 - 5 * a3 + a5
        e += 1
    }
}

/// Aᵀ·m + shift for one tile: four rows of `channels` outputs from six rows of products.
@inlinable @inline(__always)
public func rowWinogradOutputTile(
    _ m: UnsafePointer<Float>, shift: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, channels o: Int
) {
    @inline(__always) func load(_ p: UnsafePointer<Float>, _ k: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func store(_ v: SIMD8<Float>, _ row: Int, _ k: Int) {
        UnsafeMutableRawPointer(out + row * o + k).storeBytes(of: v, as: SIMD8<Float>.self)
    }
    var k = 0
    while k + 8 <= o {
        let m1 = load(m, o + k), m2 = load(m, 2 * o + k), m3 = load(m, 3 * o + k), m4 = load(m, 4 * o + k)
        let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
        let b = load(shift, k)
        store(load(m, k) + sum12 + sum34 + b, 0, k)
        store(difference12 + 2 * difference34 + b, 1, k)
        store(sum12 + 4 * sum34 + b, 2, k)
        store(difference12 + 8 * difference34 + load(m, 5 * o + k) + b, 3, k)
        k += 8
    }
    while k < o {
        let m1 = m[o + k], m2 = m[2 * o + k], m3 = m[3 * o + k], m4 = m[4 * o + k]
        let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
        let b = shift[k]
        out[k] = m[k] + sum12 + sum34 + b
        out[o + k] = difference12 + 2 * difference34 + b
        out[2 * o + k] = sum12 + 4 * sum34 + b
        out[3 * o + k] = difference12 + 8 * difference34 + m[5 * o + k] + b
        k += 1
    }
}

/// `rowWinogradInputTile` compiled for AVX2 + FMA; call only when the CPU has them.
public func rowWinogradInputTileAVX2(
    _ d0: UnsafePointer<Float>, _ d1: UnsafePointer<Float>, _ d2: UnsafePointer<Float>, _ d3: UnsafePointer<Float>,
    _ d4: UnsafePointer<Float>, _ d5: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, width: Int
) {
    rowWinogradInputTile(d0, d1, d2, d3, d4, d5, into: target, width: width)
}

/// `rowWinogradOutputTile` compiled for AVX2 + FMA; call only when the CPU has them.
public func rowWinogradOutputTileAVX2(
    _ m: UnsafePointer<Float>, shift: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, channels o: Int
) {
    rowWinogradOutputTile(m, shift: shift, into: out, channels: o)
}
