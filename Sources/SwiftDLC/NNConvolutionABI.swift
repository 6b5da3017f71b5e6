import CSwiftDL
import SwiftDL

// Convolution and pooling (the "Neural networks: convolution and pooling" section of
// swiftdl.h). Window sizes, strides and dilations arrive as (height, width) pairs; padding
// as an SDL_PADDING_* code plus, for explicit padding, [top, bottom, left, right]
// (2-D) or [left, right] (1-D).

func readPair(_ pointer: UnsafePointer<Int64>?, _ op: String) throws -> (Int, Int) {
    let values = try readInts(pointer, 2, op)
    return (values[0], values[1])
}

func readPadding(_ code: Int32, _ pads: UnsafePointer<Int64>?, count: Int32, _ op: String) throws -> Padding {
    guard code == 2 else { return try Padding(code: code, pads: [], op: op) }
    let values = try readInts(pads, count, op)
    return try Padding(code: code, pads: count == 4 ? values : [0, 0] + values, op: op)
}

private func readActivation(_ code: Int32, _ op: String) throws -> ConvolutionActivation {
    guard let activation = ConvolutionActivation(rawValue: code) else {
        throw SDLError(.value, "[\(op)] unknown activation code \(code); expected 0 (none) or 1 (relu)")
    }
    return activation
}

private func readPoolingKind(_ code: Int32, _ op: String) throws -> PoolingKind {
    guard let kind = PoolingKind(rawValue: code) else {
        throw SDLError(.value, "[\(op)] unknown pooling kind \(code); expected 0 (max) or 1 (average)")
    }
    return kind
}

@_cdecl("sdl_conv2d")
public func conv2dOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ activation: Int32,
    _ strides: UnsafePointer<Int64>?, _ dilations: UnsafePointer<Int64>?, _ padding: Int32,
    _ pads: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "conv2d"
        return try conv2d(
            borrow(input, op), borrow(filters, op), bias: bias == nil ? nil : borrow(bias, op),
            activation: readActivation(activation, op), strides: readPair(strides, op),
            dilations: readPair(dilations, op), padding: readPadding(padding, pads, count: 4, op))
    }
}

@_cdecl("sdl_conv2d_pool")
public func conv2dPoolOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ activation: Int32,
    _ strides: UnsafePointer<Int64>?, _ dilations: UnsafePointer<Int64>?, _ padding: Int32,
    _ pads: UnsafePointer<Int64>?, _ kind: Int32, _ ksize: UnsafePointer<Int64>?,
    _ poolStrides: UnsafePointer<Int64>?, _ poolPadding: Int32, _ poolPads: UnsafePointer<Int64>?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "conv2d_pool"
        return try conv2dPool(
            borrow(input, op), borrow(filters, op), bias: bias == nil ? nil : borrow(bias, op),
            activation: readActivation(activation, op), strides: readPair(strides, op),
            dilations: readPair(dilations, op), padding: readPadding(padding, pads, count: 4, op),
            pool: readPoolingKind(kind, op), poolWindow: readPair(ksize, op),
            poolStrides: readPair(poolStrides, op), poolPadding: readPadding(poolPadding, poolPads, count: 4, op))
    }
}

@_cdecl("sdl_conv1d")
public func conv1dOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ activation: Int32,
    _ stride: Int64, _ dilation: Int64, _ padding: Int32, _ pads: UnsafePointer<Int64>?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "conv1d"
        return try conv1d(
            borrow(input, op), borrow(filters, op), bias: bias == nil ? nil : borrow(bias, op),
            activation: readActivation(activation, op), stride: Int(stride), dilation: Int(dilation),
            padding: readPadding(padding, pads, count: 2, op))
    }
}

@_cdecl("sdl_depthwise_conv2d")
public func depthwiseConv2dOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ strides: UnsafePointer<Int64>?,
    _ dilations: UnsafePointer<Int64>?, _ padding: Int32, _ pads: UnsafePointer<Int64>?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "depthwise_conv2d"
        return try depthwiseConv2d(
            borrow(input, op), borrow(filters, op), bias: bias == nil ? nil : borrow(bias, op),
            strides: readPair(strides, op),
            dilations: readPair(dilations, op), padding: readPadding(padding, pads, count: 4, op))
    }
}

@_cdecl("sdl_conv2d_transpose")
public func conv2dTransposeOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ outputSize: UnsafePointer<Int64>?,
    _ strides: UnsafePointer<Int64>?, _ dilations: UnsafePointer<Int64>?, _ padding: Int32,
    _ pads: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "conv2d_transpose"
        return try conv2dTranspose(
            borrow(input, op), borrow(filters, op), outputSize: readPair(outputSize, op),
            strides: readPair(strides, op), dilations: readPair(dilations, op),
            padding: readPadding(padding, pads, count: 4, op))
    }
}

@_cdecl("sdl_conv2d_transpose_bias_activation")
public func conv2dTransposeBiasActivationOp(
    _ input: OpaquePointer?, _ filters: OpaquePointer?, _ bias: OpaquePointer?, _ activation: Int32,
    _ outputSize: UnsafePointer<Int64>?, _ strides: UnsafePointer<Int64>?, _ dilations: UnsafePointer<Int64>?,
    _ padding: Int32, _ pads: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "conv2d_transpose"
        return try conv2dTranspose(
            borrow(input, op), borrow(filters, op), bias: bias == nil ? nil : borrow(bias, op),
            activation: readActivation(activation, op), outputSize: readPair(outputSize, op),
            strides: readPair(strides, op), dilations: readPair(dilations, op),
            padding: readPadding(padding, pads, count: 4, op))
    }
}

@_cdecl("sdl_pool2d")
public func pool2dOp(
    _ kind: Int32, _ input: OpaquePointer?, _ ksize: UnsafePointer<Int64>?, _ strides: UnsafePointer<Int64>?,
    _ padding: Int32, _ pads: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "pool2d"
        return try pool2d(
            readPoolingKind(kind, op), borrow(input, op), windowSize: readPair(ksize, op),
            strides: readPair(strides, op), padding: readPadding(padding, pads, count: 4, op))
    }
}

@_cdecl("sdl_pool1d")
public func pool1dOp(
    _ kind: Int32, _ input: OpaquePointer?, _ ksize: Int64, _ stride: Int64, _ padding: Int32,
    _ pads: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "pool1d"
        return try pool1d(
            readPoolingKind(kind, op), borrow(input, op), windowSize: Int(ksize), stride: Int(stride),
            padding: readPadding(padding, pads, count: 2, op))
    }
}

@_cdecl("sdl_dense")
public func denseOp(
    _ x: OpaquePointer?, _ kernel: OpaquePointer?, _ bias: OpaquePointer?, _ activation: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        let op = "dense"
        return try dense(
            borrow(x, op), borrow(kernel, op), bias: bias == nil ? nil : borrow(bias, op),
            activation: readActivation(activation, op))
    }
}
