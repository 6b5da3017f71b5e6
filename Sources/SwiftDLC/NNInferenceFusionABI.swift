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
    foldedBatchNorm(
        "conv2d_batch_norm",
        {
            try conv2dBatchNormInference(
                $0, $1, bias: $2, mean: $3, variance: $4, gamma: $5, beta: $6, epsilon: $7, reluMax: $8, strides: $9,
                dilations: $10, padding: $11)
        }, input, filters, bias, mean, variance, gamma, beta, epsilon, relu, reluMax, strides, dilations, padding, pads,
        out)
}

@_cdecl("sdl_conv2d_batch_norm_add")
public func conv2dBatchNormAddOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ mean: OpaquePointer?,
    _ variance: OpaquePointer?, _ gamma: OpaquePointer?, _ beta: OpaquePointer?, _ epsilon: Double,
    _ relu: Int32, _ reluMax: Double, _ strides: UnsafePointer<Int64>?, _ dilations: UnsafePointer<Int64>?,
    _ padding: Int32, _ pads: UnsafePointer<Int64>?, _ residual: OpaquePointer?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "conv2d_batch_norm_add"
        let sum = try borrow(residual, op)
        return try conv2dBatchNormInference(
            borrow(input, op), borrow(filters, op), bias: bias == nil ? nil : borrow(bias, op), mean: borrow(mean, op),
            variance: borrow(variance, op), gamma: gamma == nil ? nil : borrow(gamma, op),
            beta: beta == nil ? nil : borrow(beta, op), epsilon: epsilon, reluMax: relu != 0 ? reluMax : nil,
            strides: readPair(strides, op), dilations: readPair(dilations, op),
            padding: readPadding(padding, pads, count: 4, op), residual: sum)
    }
}

@_cdecl("sdl_depthwise_conv2d_batch_norm")
public func depthwiseConv2dBatchNormOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ mean: OpaquePointer?,
    _ variance: OpaquePointer?, _ gamma: OpaquePointer?, _ beta: OpaquePointer?, _ epsilon: Double,
    _ relu: Int32, _ reluMax: Double, _ strides: UnsafePointer<Int64>?, _ dilations: UnsafePointer<Int64>?,
    _ padding: Int32, _ pads: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    foldedBatchNorm(
        "depthwise_conv2d_batch_norm", depthwiseConv2dBatchNormInference, input, filters, bias, mean, variance, gamma,
        beta, epsilon, relu, reluMax, strides, dilations, padding, pads, out)
}

/// The signature both folded ops share.
private typealias FoldedBatchNormOp = (
    Tensor, Tensor, Tensor?, Tensor, Tensor, Tensor?, Tensor?, Double, Double?, (Int, Int), (Int, Int), Padding
) throws -> Tensor

/// Reads the C arguments of a convolution with a batch norm folded in and runs `fold`.
private func foldedBatchNorm(
    _ op: String, _ fold: FoldedBatchNormOp, _ input: OpaquePointer?, _ filters: OpaquePointer?,
    _ bias: OpaquePointer?, _ mean: OpaquePointer?, _ variance: OpaquePointer?, _ gamma: OpaquePointer?,
    _ beta: OpaquePointer?, _ epsilon: Double, _ relu: Int32, _ reluMax: Double, _ strides: UnsafePointer<Int64>?,
    _ dilations: UnsafePointer<Int64>?, _ padding: Int32, _ pads: UnsafePointer<Int64>?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try fold(
            borrow(input, op), borrow(filters, op), bias == nil ? nil : borrow(bias, op), borrow(mean, op),
            borrow(variance, op), gamma == nil ? nil : borrow(gamma, op), beta == nil ? nil : borrow(beta, op),
            epsilon, relu != 0 ? reluMax : nil, readPair(strides, op), readPair(dilations, op),
            readPadding(padding, pads, count: 4, op))
    }
}

@_cdecl("sdl_token_table_conv1d")
public func tokenTableConv1dOp(
    _ ids: OpaquePointer?, _ table: OpaquePointer?, _ bias: OpaquePointer?, _ relu: Int32, _ stride: Int64,
    _ dilation: Int64, _ padLeft: Int64, _ padRight: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "token_table_conv1d"
        return try tokenTableConvolution(
            ids: borrow(ids, op), table: borrow(table, op), bias: bias == nil ? nil : borrow(bias, op),
            relu: relu != 0, stride: Int(clamping: stride), dilation: Int(clamping: dilation),
            padLeft: Int(clamping: padLeft), padRight: Int(clamping: padRight))
    }
}
