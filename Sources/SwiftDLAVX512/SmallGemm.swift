// Single-precision products small enough that OpenBLAS's packing and blocking do not pay:
// the convolutions of one image (im2col rows or 1×1 pixels times a filter matrix, K of
// 16-1152, N of 16-256) and a recurrent layer's input projection over one sequence.
// OpenBLAS's SkylakeX kernels ran these at 43-88 GMAC/s on one core of the development
// machine; eight rows of C times 32 columns held in sixteen zmm registers, B's rows read in
// place and A's elements broadcast, run at 85-110 (standalone, one thread).
//
// Why a module of its own: as SwiftDLAVX2 (see VectorMath.swift there), this code is
// compiled for one CPU level, here Skylake-X (AVX-512 F, CD, BW, DQ, VL), and the engine
// calls its entry point only after checking the CPU (CPUFeatures.hasAVX512Kernels).
//
// Each element of C is one chain of fused multiply-adds over k in order, whichever kernel
// (32 columns or 16, in place or staged) computes it, so the result does not depend on how
// the rows or columns are split across threads.

import SwiftDLAVX2

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// C[m×n] = A[m×k] · B[k×n] (+ C when `accumulate`), then `epilogue` (bias, relu and cap)
/// in registers, row-major with the given leading dimensions, on the calling thread; A is
/// read transposed (stored k×m) when `transposedA`, B when `transposedB` (stored n×k, copied into a k×n panel first). Only call it on CPUs
/// with the AVX-512 subsets above.
@inline(never)
public func smallGemmAVX512(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposedA: Bool = false, b: UnsafePointer<Float>,
    ldb: Int, transposedB: Bool = false, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
    epilogue: SmallGemmEpilogue? = nil
) {
    if m <= 0 || n <= 0 { return }
    // Columns in whole vectors: 32 at a time, then 24 (n % 32 == 24: a 1×1 projection to
    // 24 channels) or 16; fewer than 16 left over go through the staged panel.
    let wholeColumns = n % 32 == 24 ? n : n & ~15
    let lastWidth = n - wholeColumns, wholeRows = m & ~7
    // One heap block for the staging areas. NOTE: not withUnsafeTemporaryAllocation: with it
    // nested in these functions, the release build crashed reading a struct's fields
    // through a bad pointer (not chased further).
    let packedCount = transposedB ? k * n : 0
    let panelCount = lastWidth > 0 ? max(k, 1) * 16 + 8 * 16 : 0
    let lastRowsCount = wholeRows < m ? 8 * max(k, 1) + 8 * n : 0
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(packedCount + panelCount + lastRowsCount, 1))
    defer { scratch.deallocate() }
    var (b, ldb) = (b, ldb)
    if transposedB {
        // Bᵀ's rows become B's columns: k×n, read in place by the kernels from here on.
        transposeMatrix(b, rows: n, columns: k, sourceStride: ldb, into: scratch)
        (b, ldb) = (UnsafePointer(scratch), n)
    }
    // B's last columns (fewer than 16), copied once into a zero-padded k×16 panel so the
    // kernel reads whole vectors; an 8×16 tile follows it.
    let panel = scratch + packedCount
    if lastWidth > 0 {
        for p in 0..<k {
            for j in 0..<16 { panel[p * 16 + j] = j < lastWidth ? b[p * ldb + wholeColumns + j] : 0 }
        }
    }
    let product = Product(
        a: a, rowStride: transposedA ? 1 : lda, kStride: transposedA ? lda : 1, b: b, ldb: ldb, c: c, ldc: ldc, k: k,
        n: n, accumulate: accumulate, lastColumns: lastWidth > 0 ? panel : nil, epilogue: epilogue)
    product.rows(wholeRows)
    if wholeRows < m {
        product.lastRows(from: wholeRows, count: m - wholeRows, scratch: panel + panelCount)
    }
}

/// The operands of one product, and how its groups of eight rows are computed: 32 columns
/// at a time, then 24 or 16, then the last few from the staged panel `lastColumns`.
private struct Product {
    /// A's element (row i, p) is a[i · rowStride + p · kStride].
    let a: UnsafePointer<Float>, rowStride: Int, kStride: Int
    let b: UnsafePointer<Float>, ldb: Int
    let c: UnsafeMutablePointer<Float>, ldc: Int
    let k: Int, n: Int
    let accumulate: Bool
    /// B's columns from n & ~15 on, zero-padded to 16 (row stride 16), then an 8×16 tile;
    /// nil when n % 16 == 0 or n % 32 == 24.
    let lastColumns: UnsafeMutablePointer<Float>?
    /// Applied to each tile before it is stored.
    let epilogue: SmallGemmEpilogue?

    /// C's first `count` rows (a multiple of eight), in row blocks whose A fits in L2 beside
    /// B's panel, so A is read from memory once while every column panel passes over it.
    func rows(_ count: Int) {
        let blockRows = max(8, min(count, (65_536 / max(k, 1)) & ~7))
        var first = 0
        while first < count {
            let end = min(first + blockRows, count)
            var column = 0
            while column + 32 <= n {
                for row in stride(from: first, to: end, by: 8) {
                    eightRowsWide(
                        a: a + row * rowStride, rowStride: rowStride, kStride: kStride, b: b + column, ldb: ldb,
                        c: c + row * ldc + column, ldc: ldc, k: k,
                        accumulate: accumulate, epilogue: epilogue?.at(row: row, column: column))
                }
                column += 32
            }
            if column + 24 == n {
                for row in stride(from: first, to: end, by: 8) {
                    eightRowsOf24(
                        a: a + row * rowStride, rowStride: rowStride, kStride: kStride, b: b + column, ldb: ldb,
                        c: c + row * ldc + column, ldc: ldc, k: k,
                        accumulate: accumulate, epilogue: epilogue?.at(row: row, column: column))
                }
                column += 24
            } else if column + 16 <= n {
                for row in stride(from: first, to: end, by: 8) {
                    eightRows(
                        a: a + row * rowStride, rowStride: rowStride, kStride: kStride, b: b + column, ldb: ldb,
                        c: c + row * ldc + column, ldc: ldc, k: k,
                        accumulate: accumulate, epilogue: epilogue?.at(row: row, column: column))
                }
                column += 16
            }
            if let lastColumns {
                for row in stride(from: first, to: end, by: 8) { lastColumnsOfEightRows(row, panel: lastColumns) }
            }
            first = end
        }
    }

    /// Rows row..<row + 8 of the last n % 16 columns, through a 16-wide tile: the tile
    /// starts from C's values when accumulating (so each element's chain starts where an
    /// in-place one would), and only those columns are copied back.
    private func lastColumnsOfEightRows(_ row: Int, panel: UnsafeMutablePointer<Float>) {
        let first = n & ~15, width = n - first
        let tile = panel + max(k, 1) * 16
        if accumulate {
            for i in 0..<8 { (tile + i * 16).update(from: c + (row + i) * ldc + first, count: width) }
        }
        eightRows(
            a: a + row * rowStride, rowStride: rowStride, kStride: kStride, b: panel, ldb: 16, c: tile, ldc: 16, k: k,
            accumulate: accumulate, epilogue: nil)
        // The bias has only `width` columns here: the tile's epilogue runs on the copy.
        epilogue?.at(row: row, column: first).apply(tile, ldc: 16, rows: 8, width: width)
        for i in 0..<8 { (c + (row + i) * ldc + first).update(from: tile + i * 16, count: width) }
    }

    /// The last `count` (< 8) rows: A's rows copied into a zero-padded block of eight and
    /// C's into an eight-row tile (both in `scratch`: 8·k + 8·n elements), computed as a
    /// product of eight rows, copied back.
    func lastRows(from row: Int, count: Int, scratch: UnsafeMutablePointer<Float>) {
        let block = scratch, tile = scratch + 8 * max(k, 1)
        for i in 0..<8 {
            if i < count {
                let source = a + (row + i) * rowStride
                for p in 0..<k { block[i * k + p] = source[p * kStride] }
            } else {
                (block + i * k).update(repeating: 0, count: k)
            }
        }
        if accumulate {
            for i in 0..<count { (tile + i * n).update(from: c + (row + i) * ldc, count: n) }
        }
        // The residual has only `count` rows here: it is added on the copy back.
        let staged = Product(
            a: block, rowStride: k, kStride: 1, b: b, ldb: ldb, c: tile, ldc: n, k: k, n: n, accumulate: accumulate,
            lastColumns: lastColumns, epilogue: epilogue?.withoutResidual)
        staged.rows(8)
        if let residual = epilogue?.at(row: row, column: 0).residual {
            let stride = epilogue!.residualStride
            for i in 0..<count {
                for j in 0..<n { tile[i * n + j] += residual[i * stride + j] }
            }
        }
        for i in 0..<count { (c + (row + i) * ldc).update(from: tile + i * n, count: n) }
    }
}

/// C[8×32] (+)= A[8×k] · B[k×32]: sixteen zmm accumulators; each k, two vectors of B's row
/// and eight broadcasts of A.
/// NOTE: pairs of SIMD16, not SIMD32: the standard library ran SIMD32's addProduct lane by
/// lane (0.2 GMAC/s).
@inline(__always)
private func eightRowsWide(
    a: UnsafePointer<Float>, rowStride: Int, kStride: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    k: Int, accumulate: Bool, epilogue: SmallGemmEpilogue?
) {
    typealias V = SIMD16<Float>
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
    var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
    if accumulate {
        (c00, c01, c10, c11) = (load(c), load(c + 16), load(c + ldc), load(c + ldc + 16))
        (c20, c21, c30, c31) = (load(c + 2 * ldc), load(c + 2 * ldc + 16), load(c + 3 * ldc), load(c + 3 * ldc + 16))
        (c40, c41, c50, c51) = (load(c + 4 * ldc), load(c + 4 * ldc + 16), load(c + 5 * ldc), load(c + 5 * ldc + 16))
        (c60, c61, c70, c71) = (load(c + 6 * ldc), load(c + 6 * ldc + 16), load(c + 7 * ldc), load(c + 7 * ldc + 16))
    }
    var rowOfB = b, columnOfA = a
    for _ in 0..<k {
        let x0 = load(rowOfB), x1 = load(rowOfB + 16)
        var s = V(repeating: columnOfA[0])
        c00.addProduct(s, x0)
        c01.addProduct(s, x1)
        s = V(repeating: columnOfA[rowStride])
        c10.addProduct(s, x0)
        c11.addProduct(s, x1)
        s = V(repeating: columnOfA[2 * rowStride])
        c20.addProduct(s, x0)
        c21.addProduct(s, x1)
        s = V(repeating: columnOfA[3 * rowStride])
        c30.addProduct(s, x0)
        c31.addProduct(s, x1)
        s = V(repeating: columnOfA[4 * rowStride])
        c40.addProduct(s, x0)
        c41.addProduct(s, x1)
        s = V(repeating: columnOfA[5 * rowStride])
        c50.addProduct(s, x0)
        c51.addProduct(s, x1)
        s = V(repeating: columnOfA[6 * rowStride])
        c60.addProduct(s, x0)
        c61.addProduct(s, x1)
        s = V(repeating: columnOfA[7 * rowStride])
        c70.addProduct(s, x0)
        c71.addProduct(s, x1)
        rowOfB += ldb
        columnOfA += kStride
    }
    if let e = epilogue {
        (c00, c01) = (e.apply(c00, row: 0, column: 0), e.apply(c01, row: 0, column: 16))
        (c10, c11) = (e.apply(c10, row: 1, column: 0), e.apply(c11, row: 1, column: 16))
        (c20, c21) = (e.apply(c20, row: 2, column: 0), e.apply(c21, row: 2, column: 16))
        (c30, c31) = (e.apply(c30, row: 3, column: 0), e.apply(c31, row: 3, column: 16))
        (c40, c41) = (e.apply(c40, row: 4, column: 0), e.apply(c41, row: 4, column: 16))
        (c50, c51) = (e.apply(c50, row: 5, column: 0), e.apply(c51, row: 5, column: 16))
        (c60, c61) = (e.apply(c60, row: 6, column: 0), e.apply(c61, row: 6, column: 16))
        (c70, c71) = (e.apply(c70, row: 7, column: 0), e.apply(c71, row: 7, column: 16))
    }
    store(c00, c)
    store(c01, c + 16)
    store(c10, c + ldc)
    store(c11, c + ldc + 16)
    store(c20, c + 2 * ldc)
    store(c21, c + 2 * ldc + 16)
    store(c30, c + 3 * ldc)
    store(c31, c + 3 * ldc + 16)
    store(c40, c + 4 * ldc)
    store(c41, c + 4 * ldc + 16)
    store(c50, c + 5 * ldc)
    store(c51, c + 5 * ldc + 16)
    store(c60, c + 6 * ldc)
    store(c61, c + 6 * ldc + 16)
    store(c70, c + 7 * ldc)
    store(c71, c + 7 * ldc + 16)
    epilogue?.finishStored(c, ldc: ldc, rows: 8, width: 32)
}

/// C[8×16] (+)= A[8×k] · B[k×16]: the same chains as `eightRowsWide`, one vector a row.
@inline(__always)
private func eightRows(
    a: UnsafePointer<Float>, rowStride: Int, kStride: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    k: Int, accumulate: Bool, epilogue: SmallGemmEpilogue?
) {
    typealias V = SIMD16<Float>
    var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V(), c6 = V(), c7 = V()
    if accumulate {
        (c0, c1, c2, c3) = (load(c), load(c + ldc), load(c + 2 * ldc), load(c + 3 * ldc))
        (c4, c5, c6, c7) = (load(c + 4 * ldc), load(c + 5 * ldc), load(c + 6 * ldc), load(c + 7 * ldc))
    }
    var rowOfB = b, columnOfA = a
    for _ in 0..<k {
        let x = load(rowOfB)
        c0.addProduct(V(repeating: columnOfA[0]), x)
        c1.addProduct(V(repeating: columnOfA[rowStride]), x)
        c2.addProduct(V(repeating: columnOfA[2 * rowStride]), x)
        c3.addProduct(V(repeating: columnOfA[3 * rowStride]), x)
        c4.addProduct(V(repeating: columnOfA[4 * rowStride]), x)
        c5.addProduct(V(repeating: columnOfA[5 * rowStride]), x)
        c6.addProduct(V(repeating: columnOfA[6 * rowStride]), x)
        c7.addProduct(V(repeating: columnOfA[7 * rowStride]), x)
        rowOfB += ldb
        columnOfA += kStride
    }
    if let e = epilogue {
        (c0, c1) = (e.apply(c0, row: 0, column: 0), e.apply(c1, row: 1, column: 0))
        (c2, c3) = (e.apply(c2, row: 2, column: 0), e.apply(c3, row: 3, column: 0))
        (c4, c5) = (e.apply(c4, row: 4, column: 0), e.apply(c5, row: 5, column: 0))
        (c6, c7) = (e.apply(c6, row: 6, column: 0), e.apply(c7, row: 7, column: 0))
    }
    store(c0, c)
    store(c1, c + ldc)
    store(c2, c + 2 * ldc)
    store(c3, c + 3 * ldc)
    store(c4, c + 4 * ldc)
    store(c5, c + 5 * ldc)
    store(c6, c + 6 * ldc)
    store(c7, c + 7 * ldc)
    epilogue?.finishStored(c, ldc: ldc, rows: 8, width: 16)
}
/// C[8×24] (+)= A[8×k] · B[k×24]: a vector and a half a row, sixteen chains. A projection to
/// 24 channels had gone as 16 columns and 8 staged through a zero-padded 16-wide panel: two
/// passes over A, the second half wasted, and stores across cache lines; MobileNetV2's
/// 24×24×144 → 24 took longer (53 µs) than 24×24×144 → 32 (32 µs).
@inline(__always)
private func eightRowsOf24(
    a: UnsafePointer<Float>, rowStride: Int, kStride: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    k: Int, accumulate: Bool, epilogue: SmallGemmEpilogue?
) {
    typealias V = SIMD16<Float>
    typealias H = SIMD8<Float>
    var c00 = V(), c10 = V(), c20 = V(), c30 = V(), c40 = V(), c50 = V(), c60 = V(), c70 = V()
    var c01 = H(), c11 = H(), c21 = H(), c31 = H(), c41 = H(), c51 = H(), c61 = H(), c71 = H()
    if accumulate {
        (c00, c10, c20, c30) = (load(c), load(c + ldc), load(c + 2 * ldc), load(c + 3 * ldc))
        (c40, c50, c60, c70) = (load(c + 4 * ldc), load(c + 5 * ldc), load(c + 6 * ldc), load(c + 7 * ldc))
        (c01, c11, c21, c31) = (load8(c + 16), load8(c + ldc + 16), load8(c + 2 * ldc + 16), load8(c + 3 * ldc + 16))
        (c41, c51) = (load8(c + 4 * ldc + 16), load8(c + 5 * ldc + 16))
        (c61, c71) = (load8(c + 6 * ldc + 16), load8(c + 7 * ldc + 16))
    }
    var rowOfB = b, columnOfA = a
    for _ in 0..<k {
        let x0 = load(rowOfB), x1 = load8(rowOfB + 16)
        var s = columnOfA[0]
        c00.addProduct(V(repeating: s), x0)
        c01.addProduct(H(repeating: s), x1)
        s = columnOfA[rowStride]
        c10.addProduct(V(repeating: s), x0)
        c11.addProduct(H(repeating: s), x1)
        s = columnOfA[2 * rowStride]
        c20.addProduct(V(repeating: s), x0)
        c21.addProduct(H(repeating: s), x1)
        s = columnOfA[3 * rowStride]
        c30.addProduct(V(repeating: s), x0)
        c31.addProduct(H(repeating: s), x1)
        s = columnOfA[4 * rowStride]
        c40.addProduct(V(repeating: s), x0)
        c41.addProduct(H(repeating: s), x1)
        s = columnOfA[5 * rowStride]
        c50.addProduct(V(repeating: s), x0)
        c51.addProduct(H(repeating: s), x1)
        s = columnOfA[6 * rowStride]
        c60.addProduct(V(repeating: s), x0)
        c61.addProduct(H(repeating: s), x1)
        s = columnOfA[7 * rowStride]
        c70.addProduct(V(repeating: s), x0)
        c71.addProduct(H(repeating: s), x1)
        rowOfB += ldb
        columnOfA += kStride
    }
    if let e = epilogue {
        (c00, c01) = (e.apply(c00, row: 0, column: 0), e.apply(c01, row: 0, column: 16))
        (c10, c11) = (e.apply(c10, row: 1, column: 0), e.apply(c11, row: 1, column: 16))
        (c20, c21) = (e.apply(c20, row: 2, column: 0), e.apply(c21, row: 2, column: 16))
        (c30, c31) = (e.apply(c30, row: 3, column: 0), e.apply(c31, row: 3, column: 16))
        (c40, c41) = (e.apply(c40, row: 4, column: 0), e.apply(c41, row: 4, column: 16))
        (c50, c51) = (e.apply(c50, row: 5, column: 0), e.apply(c51, row: 5, column: 16))
        (c60, c61) = (e.apply(c60, row: 6, column: 0), e.apply(c61, row: 6, column: 16))
        (c70, c71) = (e.apply(c70, row: 7, column: 0), e.apply(c71, row: 7, column: 16))
    }
    store(c00, c)
    store(c01, c + 16)
    store(c10, c + ldc)
    store(c11, c + ldc + 16)
    store(c20, c + 2 * ldc)
    store(c21, c + 2 * ldc + 16)
    store(c30, c + 3 * ldc)
    store(c31, c + 3 * ldc + 16)
    store(c40, c + 4 * ldc)
    store(c41, c + 4 * ldc + 16)
    store(c50, c + 5 * ldc)
    store(c51, c + 5 * ldc + 16)
    store(c60, c + 6 * ldc)
    store(c61, c + 6 * ldc + 16)
    store(c70, c + 7 * ldc)
    store(c71, c + 7 * ldc + 16)
    epilogue?.finishStored(c, ldc: ldc, rows: 8, width: 24)
}
#endif
