// What the small product does to C's tiles as it stores them: a per-column bias, a ReLU
// with an optional cap (ReLU6), and a residual added after them (a 1×1 projection, its batch
// norm and the Add of an inverted residual block as one op). A 1×1 convolution of one image
// with an inference batch norm folded in (MobileNetV2's expansions and projections)
// otherwise wrote its output and then read and wrote it twice more (bias and relu, then the
// cap): 0.9 MB for 48×48×96, more than the core's L2.
//
// The bias (and the residual, when there is no clamp) are added in registers; the clamp
// (and then the residual) run over the tile just stored, still in L1. NOTE: not in
// registers: SIMD16's `replacing(with:where:)` stayed a call for every vector in the release
// build (the vector split into four xmm registers and joined again), where a plain loop over
// the stored rows compiles to vector compares.

import SwiftDLAVX2

/// epilogue(v) = clamp(v + bias[column]) + residual[row, column]; every part optional.
public struct SmallGemmEpilogue {
    /// n elements, one per column of C; nil for no bias.
    public let bias: UnsafePointer<Float>?
    /// nil for no activation.
    public let clamp: ReluClamp?
    /// m×n, row-major with leading dimension `residualStride`; nil for none.
    public let residual: UnsafePointer<Float>?
    public let residualStride: Int

    public init(
        bias: UnsafePointer<Float>?, clamp: ReluClamp?, residual: UnsafePointer<Float>? = nil, residualStride: Int = 0
    ) {
        (self.bias, self.clamp, self.residual, self.residualStride) = (bias, clamp, residual, residualStride)
    }

    /// The same epilogue for C's element (row, column) on.
    @inline(__always)
    func at(row: Int, column: Int) -> SmallGemmEpilogue {
        SmallGemmEpilogue(
            bias: bias.map { $0 + column }, clamp: clamp, residual: residual.map { $0 + row * residualStride + column },
            residualStride: residualStride)
    }

    /// The same epilogue without its residual (staged rows add it on their copy back).
    var withoutResidual: SmallGemmEpilogue { SmallGemmEpilogue(bias: bias, clamp: clamp) }

    /// C[i, j] for i < rows, j < width of a block at `c`, in place (the staged edges).
    func apply(_ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, width: Int) {
        if let bias {
            for i in 0..<rows {
                let row = c + i * ldc
                for j in 0..<width { row[j] += bias[j] }
            }
        }
        if clamp != nil {
            finishStored(c, ldc: ldc, rows: rows, width: width)
        } else if let residual {
            for i in 0..<rows {
                let row = c + i * ldc, sum = residual + i * residualStride
                for j in 0..<width { row[j] += sum[j] }
            }
        }
    }

    /// The clamp, then the residual, over a stored block whose bias is in (nothing without a
    /// clamp: the residual was then added in registers).
    @inline(__always)
    func finishStored(_ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, width: Int) {
        guard let top = clamp?.top else { return }
        for i in 0..<rows {
            let row = c + i * ldc
            // Comparisons with NaN are false, so NaN passes through (as ReluClamp).
            for j in 0..<width { let v = row[j]; row[j] = v < 0 ? 0 : v > top ? top : v }
            if let residual {
                let sum = residual + i * residualStride
                for j in 0..<width { row[j] += sum[j] }
            }
        }
    }
}

#if arch(x86_64) && !SWIFTDL_NO_AVX2
extension SmallGemmEpilogue {
    /// The in-register part for sixteen columns of row `row` from `column` (relative to this
    /// epilogue's first): the bias, and the residual when there is no clamp.
    @inline(__always)
    func apply(_ v: SIMD16<Float>, row: Int, column: Int) -> SIMD16<Float> {
        var result = v
        if let bias { result += load(bias + column) }
        if clamp == nil, let residual { result += load(residual + row * residualStride + column) }
        return result
    }

    /// Eight columns, as the sixteen above.
    @inline(__always)
    func apply(_ v: SIMD8<Float>, row: Int, column: Int) -> SIMD8<Float> {
        var result = v
        if let bias { result += load8(bias + column) }
        if clamp == nil, let residual { result += load8(residual + row * residualStride + column) }
        return result
    }
}
#endif
