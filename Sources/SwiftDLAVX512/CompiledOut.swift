// On other architectures, or with -DSWIFTDL_NO_AVX2 (which builds the engine with no
// x86-specific kernels at all), this module's kernels are not compiled; their entry points
// remain so the engine compiles unchanged, but `avx512KernelsCompiled` is false and the
// engine never calls them (see SwiftDLAVX2/CompiledOut.swift).

import SwiftDLAVX2

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// Whether this module's AVX-512 kernels are compiled in (x86-64 builds).
public let avx512KernelsCompiled = true
#else
/// Whether this module's AVX-512 kernels are compiled in (x86-64 builds).
public let avx512KernelsCompiled = false

// NOTE: unreachable: the engine calls no entry point while `avx512KernelsCompiled` is false
// (CPUFeatures.hasAVX512Kernels tests it first).
public func smallGemmAVX512(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposedA: Bool = false, b: UnsafePointer<Float>,
    ldb: Int, transposedB: Bool = false, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
    epilogue: SmallGemmEpilogue? = nil
) { fatalError("smallGemmAVX512: the AVX-512 kernels are not compiled in this build") }

public func depthwise3x3ForwardAVX512(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    window g: PlaneWindow, channels c: Int, pixels: Range<Int>, clamp: ReluClamp? = nil
) { fatalError("depthwise3x3ForwardAVX512: the AVX-512 kernels are not compiled in this build") }

public func recurrentRowProductAVX512(
    hidden h: UnsafePointer<Float>, recurrentKernel u: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>,
    units: Int, width: Int, accumulate: Bool
) { fatalError("recurrentRowProductAVX512: the AVX-512 kernels are not compiled in this build") }

public func lstmCellForwardAVX512(
    gates row: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
    cell: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
    units u: Int
) { fatalError("lstmCellForwardAVX512: the AVX-512 kernels are not compiled in this build") }
#endif
