import CSwiftDL
import SwiftDL

// Inference-time fusions of several layers into one engine op (the "Inference fusions"
// section of swiftdl.h).

@_cdecl("sdl_conv2d_batch_norm")
public func conv2dBatchNormOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ mean: OpaquePointer?,
    _ variance: OpaquePointer?, _ gamma: OpaquePointer?, _ beta: OpaquePointer?, _ epsilon: Double,
    _ relu: Int32, _ reluMax: Double, _ strides: UnsafePointer<Int64>?, _ dilations: UnsafePointer<Int64>?,
    _ padding: Int32, _ pads: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "conv2d_batch_norm"
        return try conv2dBatchNormInference(
            borrow(input, op), borrow(filters, op), bias: bias == nil ? nil : borrow(bias, op),
            mean: borrow(mean, op), variance: borrow(variance, op), gamma: gamma == nil ? nil : borrow(gamma, op),
            beta: beta == nil ? nil : borrow(beta, op), epsilon: epsilon, reluMax: relu != 0 ? reluMax : nil,
            strides: readPair(strides, op), dilations: readPair(dilations, op),
            padding: readPadding(padding, pads, count: 4, op))
    }
}
