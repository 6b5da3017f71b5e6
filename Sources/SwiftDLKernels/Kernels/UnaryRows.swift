import SwiftDLAVX2

/// A unary operation that can process a contiguous row faster than element by element.
/// `unaryKernel` looks for it with one dynamic cast per call, so ops need not know.
protocol ContiguousRowOperation {
    /// out[0..<count] = op(x[0..<count]); both pointers are to the op's element type.
    static func applyRow(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, count: Int)
}

/// Whether the row operations below may run: they are compiled for AVX2 and FMA. On
/// other CPUs the unary kernel keeps its scalar libm loop.
package let rowOperationsAvailable = CPUFeatures.current.hasAVX2

// float32 exp, sigmoid, tanh and log, vectorised (SwiftDLAVX2/VectorMath.swift): within 2 ulp.

extension Exp: ContiguousRowOperation where T == Float {
    package static func applyRow(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, count: Int) {
        expRowAVX2(x.assumingMemoryBound(to: Float.self), out.assumingMemoryBound(to: Float.self), count: count)
    }
}

extension Sigmoid: ContiguousRowOperation where T == Float {
    package static func applyRow(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, count: Int) {
        sigmoidRowAVX2(x.assumingMemoryBound(to: Float.self), out.assumingMemoryBound(to: Float.self), count: count)
    }
}

extension Tanh: ContiguousRowOperation where T == Float {
    package static func applyRow(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, count: Int) {
        tanhRowAVX2(x.assumingMemoryBound(to: Float.self), out.assumingMemoryBound(to: Float.self), count: count)
    }
}

extension Log: ContiguousRowOperation where T == Float {
    package static func applyRow(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, count: Int) {
        logRowAVX2(x.assumingMemoryBound(to: Float.self), out.assumingMemoryBound(to: Float.self), count: count)
    }
}
