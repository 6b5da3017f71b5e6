import SwiftDLAVX2
import SwiftDLAVX512

#if canImport(Accelerate)
import Accelerate
#endif

/// One matrix operand as BLAS sees it: a base pointer, whether it is read transposed,
/// and its leading dimension.
public struct MatrixOperand<T> {
    public var pointer: UnsafePointer<T>
    public var transposed: Bool
    public var leadingDimension: Int

    public init(pointer: UnsafePointer<T>, transposed: Bool, leadingDimension: Int) {
        self.pointer = pointer
        self.transposed = transposed
        self.leadingDimension = leadingDimension
    }
}

/// C[m×n] = A[m×k] · B[k×n] (+ C when `accumulate`), C row-major with leading dimension ldc.
/// Float types go to the tuned BLAS; integer types use a plain cache-friendly loop.
///
/// Large products are split into bands of C rows (or columns, when C is wide and short)
/// run on our pool, each band one single-threaded BLAS call. BLAS's own threads stay off
/// (see `BLASLibrary`): called from inside a pool job (a convolution slice, a recurrent
/// batch slice) this runs serially on the calling thread.
public func gemm<T: ArithmeticElement>(
    m: Int, n: Int, k: Int, _ a: MatrixOperand<T>, _ b: MatrixOperand<T>,
    _ c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool = false
) {
    // Decided once for the whole product, so its bands (whose number follows the threads)
    // all take the same kernels.
    let small = T.self == Float.self && takesSmallGemm(m: m, n: n, k: k, a, b)
    let bands = gemmBandCount(m: m, n: n, k: k)
    if bands <= 1 {
        serialGemm(m: m, n: n, k: k, a, b, c, ldc: ldc, accumulate: accumulate, small: small)
        return
    }
    if m >= n {
        ThreadPool.shared.parallelFor(bands) { band in
            let first = m * band / bands, rows = m * (band + 1) / bands - first
            var rowsOfA = a
            rowsOfA.pointer += a.transposed ? first : first * a.leadingDimension
            serialGemm(
                m: rows, n: n, k: k, rowsOfA, b, c + first * ldc, ldc: ldc, accumulate: accumulate, small: small)
        }
    } else {
        ThreadPool.shared.parallelFor(bands) { band in
            let first = n * band / bands, columns = n * (band + 1) / bands - first
            var columnsOfB = b
            columnsOfB.pointer += b.transposed ? first * b.leadingDimension : first
            serialGemm(
                m: m, n: columns, k: k, a, columnsOfB, c + first, ldc: ldc, accumulate: accumulate, small: small)
        }
    }
}

/// Whether a single-precision product runs on the engine's AVX-512 kernel rather than BLAS:
/// on CPUs that have it, at most 2²⁴ multiply-adds (where
/// OpenBLAS's packing does not pay; see SmallGemm.swift), and rows in groups of eight with
/// little left over: the kernel computes a last partial group as a whole one, which cost
/// the document CNN's last convolution (9 rows) more than BLAS took. Fewer than eight rows
/// is a matrix-vector product, which reads B from cache as fast either way. A transposed B
/// is copied into place first (k·n elements): only for 128 rows or more, where the copy
/// costs a few percent of the product (attention's Q·Kᵀ, 200 rows: the inference kernel
/// 39 → 33 ms for 256 sequences of 200 steps, one thread), not for the recurrent layers'
/// steps of a few dozen rows.
private let smallGemmAvailable = CPUFeatures.current.hasAVX512Kernels

@inline(__always)
private func takesSmallGemm<T>(m: Int, n: Int, k: Int, _ a: MatrixOperand<T>, _ b: MatrixOperand<T>) -> Bool {
    smallGemmAvailable && k > 0 && m * n * k <= 1 << 24
        && (m >= 64 || (m >= 8 && m % 8 == 0)) && (!b.transposed || m >= 128)
}

/// C[m×n] = clamp(A · B + bias) + residual (m×n, leading dimension ldc) with the bias, the
/// clamp and the residual applied to C's tiles in registers, when the product goes to the
/// small AVX-512 kernel (`takesSmallGemm`); false,
/// having done nothing, otherwise (the caller then runs `gemm` and its own epilogue pass).
/// It runs on the calling thread: the convolutions that call it do so from their slices'
/// jobs, where `gemm`'s bands would run serially anyway.
package func gemmWithEpilogueInRegisters<T: FloatElement>(
    m: Int, n: Int, k: Int, _ a: MatrixOperand<T>, _ b: MatrixOperand<T>, _ c: UnsafeMutablePointer<T>, ldc: Int,
    bias: UnsafePointer<T>?, clamp: ReluClamp?, residual: UnsafePointer<T>? = nil
) -> Bool {
    guard T.self == Float.self && takesSmallGemm(m: m, n: n, k: k, a, b) else { return false }
    smallGemmAVX512(
        m: m, n: n, k: k, a: a.pointer.asFloat, lda: a.leadingDimension, transposedA: a.transposed,
        b: b.pointer.asFloat, ldb: b.leadingDimension, transposedB: b.transposed, c: c.asFloat, ldc: ldc,
        accumulate: false,
        epilogue: SmallGemmEpilogue(bias: bias?.asFloat, clamp: clamp, residual: residual?.asFloat, residualStride: ldc)
    )
    return true
}

/// How many bands to cut a product into: one per thread, each worth at least ~2 MFLOP
/// (~20 µs; the pool's threads poll before they sleep, so waking one costs a few µs, more
/// when it has slept) and 16 rows or columns wide. At 4 MFLOP the document CNN's dense
/// layer (64×576·576×64, 4.7 MFLOP) ran on one core at 0.79x numpy's two-thread OpenBLAS;
/// in two bands it runs at 1.3-1.6x.
@inline(__always)
package func gemmBandCount(m: Int, n: Int, k: Int) -> Int {
    let threads = ThreadPool.shared.partitionCount
    if threads <= 1 { return 1 }
    let flops = 2 * Double(m) * Double(n) * Double(k)
    let byWork = Int(Swift.min(flops / 2_097_152, Double(threads)))
    return Swift.max(1, Swift.min(byWork, Swift.max(m, n) / 16))
}

/// One BLAS call (or the plain loop), on the calling thread.
private func serialGemm<T: ArithmeticElement>(
    m: Int, n: Int, k: Int, _ a: MatrixOperand<T>, _ b: MatrixOperand<T>,
    _ c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool, small: Bool = false
) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: T.zero, count: n) } }
        return
    }
    if small {
        smallGemmAVX512(
            m: m, n: n, k: k, a: a.pointer.asFloat, lda: a.leadingDimension, transposedA: a.transposed,
            b: b.pointer.asFloat, ldb: b.leadingDimension, transposedB: b.transposed, c: c.asFloat, ldc: ldc,
            accumulate: accumulate)
        return
    }
    #if canImport(Accelerate)
    let transA = a.transposed ? CblasTrans : CblasNoTrans
    let transB = b.transposed ? CblasTrans : CblasNoTrans
    let beta: Double = accumulate ? 1 : 0
    if T.self == Float.self {
        cblas_sgemm(
            CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1,
            UnsafeRawPointer(a.pointer).assumingMemoryBound(to: Float.self), Int32(a.leadingDimension),
            UnsafeRawPointer(b.pointer).assumingMemoryBound(to: Float.self), Int32(b.leadingDimension),
            Float(beta), UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
        return
    } else if T.self == Double.self {
        cblas_dgemm(
            CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1,
            UnsafeRawPointer(a.pointer).assumingMemoryBound(to: Double.self), Int32(a.leadingDimension),
            UnsafeRawPointer(b.pointer).assumingMemoryBound(to: Double.self), Int32(b.leadingDimension),
            beta, UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
        return
    }
    #else
    let transA = a.transposed ? BLASLibrary.transpose : BLASLibrary.noTranspose
    let transB = b.transposed ? BLASLibrary.transpose : BLASLibrary.noTranspose
    let beta: Double = accumulate ? 1 : 0
    if T.self == Float.self || T.self == Double.self {
        let blas = BLASLibrary.shared
        if T.self == Float.self, let sgemm = blas.sgemm {
            sgemm(
                BLASLibrary.rowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1,
                UnsafeRawPointer(a.pointer).assumingMemoryBound(to: Float.self), Int32(a.leadingDimension),
                UnsafeRawPointer(b.pointer).assumingMemoryBound(to: Float.self), Int32(b.leadingDimension),
                Float(beta), UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
            return
        }
        if T.self == Double.self, let dgemm = blas.dgemm {
            dgemm(
                BLASLibrary.rowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1,
                UnsafeRawPointer(a.pointer).assumingMemoryBound(to: Double.self), Int32(a.leadingDimension),
                UnsafeRawPointer(b.pointer).assumingMemoryBound(to: Double.self), Int32(b.leadingDimension),
                beta, UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
            return
        }
    }
    #endif
    naiveGemm(m: m, n: n, k: k, a, b, c, ldc: ldc, accumulate: accumulate)
}

/// i-k-j loop order so the innermost loop streams rows of B and C.
private func naiveGemm<T: ArithmeticElement>(
    m: Int, n: Int, k: Int, _ a: MatrixOperand<T>, _ b: MatrixOperand<T>,
    _ c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    @inline(__always) func elementA(_ i: Int, _ p: Int) -> T {
        a.transposed ? a.pointer[p * a.leadingDimension + i] : a.pointer[i * a.leadingDimension + p]
    }
    @inline(__always) func elementB(_ p: Int, _ j: Int) -> T {
        b.transposed ? b.pointer[j * b.leadingDimension + p] : b.pointer[p * b.leadingDimension + j]
    }
    for i in 0..<m {
        let row = c + i * ldc
        if !accumulate { row.update(repeating: T.zero, count: n) }
        for p in 0..<k {
            let scale = elementA(i, p)
            for j in 0..<n { row[j] = T.plus(row[j], T.times(scale, elementB(p, j))) }
        }
    }
}

/// `gemm` for the ops in SwiftDL, pre-specialised here so it runs with this module's
/// flags. (Swift 6.3 drops the body of an exported pre-specialisation that the module also
/// calls itself, and the convolution and recurrent kernels call `gemm`; hence the wrapper.)
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
@_specialize(exported:true,where T == Int32)
@_specialize(exported:true,where T == Int64)
@_specialize(exported:true,where T == UInt8)
public func gemmEntry<T: ArithmeticElement>(
    m: Int, n: Int, k: Int, _ a: MatrixOperand<T>, _ b: MatrixOperand<T>,
    _ c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    gemm(m: m, n: n, k: k, a, b, c, ldc: ldc, accumulate: accumulate)
}
