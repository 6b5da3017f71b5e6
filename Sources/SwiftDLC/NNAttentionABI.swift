import CSwiftDL
import SwiftDL

// Scaled dot-product attention (the "Attention" section of swiftdl.h).

@_cdecl("sdl_dot_product_attention")
public func dotProductAttentionOp(
    _ query: OpaquePointer?, _ key: OpaquePointer?, _ value: OpaquePointer?, _ mask: OpaquePointer?,
    _ scale: Double, _ maskedValue: Double, _ replaceMasked: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?,
    _ outWeights: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "dot_product_attention"
    var weights: Tensor?
    let status = produce(out) {
        let result = try scaledDotProductAttention(
            query: borrow(query, op), key: borrow(key, op), value: borrow(value, op),
            mask: mask == nil ? nil : borrow(mask, op), scale: scale, maskedValue: maskedValue,
            replaceMasked: replaceMasked != 0, keepWeights: outWeights != nil)
        weights = result.weights
        return result.output
    }
    // A NULL weights out-pointer: the caller does not want them.
    guard let outWeights else { return status }
    if status != 0 {
        outWeights.pointee = nil
        return status
    }
    return produce(outWeights) {
        guard let weights else { throw SDLError(.internal, "[\(op)] lost the weights") }
        return weights
    }
}
