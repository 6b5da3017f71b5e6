import CSwiftDL
import SwiftDL

// The shim of the layer normalisation op (Ops/NN/LayerNormalization.swift).

@_cdecl("sdl_nn_layer_norm")
public func nnLayerNorm(
    _ x: OpaquePointer?, _ axis: Int64, _ gamma: OpaquePointer?, _ beta: OpaquePointer?, _ epsilon: Double,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "layer_norm"
    return produce(out) {
        try layerNormalization(
            borrow(x, op), axis: Int(axis), gamma: gamma == nil ? nil : borrow(gamma, op),
            beta: beta == nil ? nil : borrow(beta, op), epsilon: epsilon)
    }
}
