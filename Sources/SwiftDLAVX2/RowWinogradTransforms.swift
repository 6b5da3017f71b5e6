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
    for e in 0..<width {
        let a0 = d0[e], a1 = d1[e], a2 = d2[e], a3 = d3[e], a4 = d4[e], a5 = d5[e]
        target[e] = 4 * a0 - 5 * a2 + a4
        target[width + e] = -4 * (a1 + a2) + a3 + a4
        target[2 * width + e] = 4 * (a1 - a2) - a3 + a4
        target[3 * width + e] = 2 * (a3 - a1) - a2 + a4
        target[4 * width + e] = 2 * (a1 - a3) - a2 + a4
        target[5 * width + e] = 4 * a1 - 5 * a3 + a5
    }
}

/// Aᵀ·m + shift for one tile: four rows of `channels` outputs from six rows of products.
@inlinable @inline(__always)
public func rowWinogradOutputTile(
    _ m: UnsafePointer<Float>, shift: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, channels o: Int
) {
    for k in 0..<o {
        let m1 = m[o + k], m2 = m[2 * o + k], m3 = m[3 * o + k], m4 = m[4 * o + k]
        let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
        let b = shift[k]
        out[k] = m[k] + sum12 + sum34 + b
        out[o + k] = difference12 + 2 * difference34 + b
        out[2 * o + k] = sum12 + 4 * sum34 + b
        out[3 * o + k] = difference12 + 8 * difference34 + m[5 * o + k] + b
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
