import CSwiftDL
import SwiftDL

// Shims for the whole-sequence recurrent ops (sdl_lstm, sdl_gru, sdl_simple_rnn).
// Optional operands (bias, initial states, mask) arrive as NULL handles.

/// Runs `body` and hands each of its tensors out through the matching out-pointer; on
/// failure every out-pointer is set to NULL and no handle is given out.
private func produceAll(_ outs: [UnsafeMutablePointer<OpaquePointer?>?], _ body: () throws -> [Tensor]) -> Int32 {
    guard outs.allSatisfy({ $0 != nil }) else {
        sdl_internal_set_last_error("[abi] received a NULL out-pointer")
        return SDLError.Kind.value.rawValue
    }
    do {
        let tensors = try body()
        for (out, tensor) in zip(outs, tensors) { out?.pointee = makeHandle(tensor) }
        return 0
    } catch {
        for out in outs { out?.pointee = nil }
        return record(error)
    }
}

/// The tensor behind an optional handle: nil for NULL.
private func borrowOptional(_ handle: OpaquePointer?, _ op: String) throws -> Tensor? {
    handle == nil ? nil : try borrow(handle, op)
}

@_cdecl("sdl_lstm")
public func lstmOp(
    _ inputs: OpaquePointer?, _ kernel: OpaquePointer?, _ recurrentKernel: OpaquePointer?, _ bias: OpaquePointer?,
    _ initialHidden: OpaquePointer?, _ initialCell: OpaquePointer?, _ mask: OpaquePointer?,
    _ returnSequences: Int32, _ goBackwards: Int32,
    _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ finalHidden: UnsafeMutablePointer<OpaquePointer?>?,
    _ finalCell: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produceAll([outputs, finalHidden, finalCell]) {
        let result = try lstm(
            borrow(inputs, "lstm"), kernel: borrow(kernel, "lstm"), recurrentKernel: borrow(recurrentKernel, "lstm"),
            bias: borrowOptional(bias, "lstm"), initialHidden: borrowOptional(initialHidden, "lstm"),
            initialCell: borrowOptional(initialCell, "lstm"), mask: borrowOptional(mask, "lstm"),
            returnSequences: returnSequences != 0, goBackwards: goBackwards != 0)
        return [result.outputs, result.hidden, result.cell]
    }
}

@_cdecl("sdl_lstm_pair")
public func lstmPairOp(
    _ inputs: OpaquePointer?, _ mask: OpaquePointer?, _ returnSequences: Int32,
    _ firstKernel: OpaquePointer?, _ firstRecurrentKernel: OpaquePointer?, _ firstBias: OpaquePointer?,
    _ firstHidden: OpaquePointer?, _ firstCell: OpaquePointer?, _ firstGoBackwards: Int32,
    _ secondKernel: OpaquePointer?, _ secondRecurrentKernel: OpaquePointer?, _ secondBias: OpaquePointer?,
    _ secondHidden: OpaquePointer?, _ secondCell: OpaquePointer?, _ secondGoBackwards: Int32,
    _ outputs: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "lstm"
    let outs = outputs.map { base in (0..<6).map { Optional(base + $0) } } ?? [nil]
    return produceAll(outs) {
        let directions = try [
            (firstKernel, firstRecurrentKernel, firstBias, firstHidden, firstCell, firstGoBackwards),
            (secondKernel, secondRecurrentKernel, secondBias, secondHidden, secondCell, secondGoBackwards),
        ].map { kernel, recurrentKernel, bias, hidden, cell, goBackwards in
            (
                kernel: try borrow(kernel, op), recurrentKernel: try borrow(recurrentKernel, op),
                bias: try borrowOptional(bias, op), initialHidden: try borrowOptional(hidden, op),
                initialCell: try borrowOptional(cell, op), goBackwards: goBackwards != 0
            )
        }
        let results = try lstmPair(
            borrow(inputs, op), mask: borrowOptional(mask, op), returnSequences: returnSequences != 0, directions)
        return results.flatMap { [$0.outputs, $0.hidden, $0.cell] }
    }
}

@_cdecl("sdl_gru")
public func gruOp(
    _ inputs: OpaquePointer?, _ kernel: OpaquePointer?, _ recurrentKernel: OpaquePointer?, _ bias: OpaquePointer?,
    _ initialHidden: OpaquePointer?, _ mask: OpaquePointer?, _ returnSequences: Int32, _ goBackwards: Int32,
    _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ finalHidden: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produceAll([outputs, finalHidden]) {
        let result = try gru(
            borrow(inputs, "gru"), kernel: borrow(kernel, "gru"), recurrentKernel: borrow(recurrentKernel, "gru"),
            bias: borrowOptional(bias, "gru"), initialHidden: borrowOptional(initialHidden, "gru"),
            mask: borrowOptional(mask, "gru"),
            returnSequences: returnSequences != 0, goBackwards: goBackwards != 0)
        return [result.outputs, result.hidden]
    }
}

@_cdecl("sdl_simple_rnn")
public func simpleRNNOp(
    _ inputs: OpaquePointer?, _ kernel: OpaquePointer?, _ recurrentKernel: OpaquePointer?, _ bias: OpaquePointer?,
    _ initialHidden: OpaquePointer?, _ mask: OpaquePointer?, _ returnSequences: Int32, _ goBackwards: Int32,
    _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ finalHidden: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produceAll([outputs, finalHidden]) {
        let result = try simpleRNN(
            borrow(inputs, "simple_rnn"), kernel: borrow(kernel, "simple_rnn"),
            recurrentKernel: borrow(recurrentKernel, "simple_rnn"), bias: borrowOptional(bias, "simple_rnn"),
            initialHidden: borrowOptional(initialHidden, "simple_rnn"), mask: borrowOptional(mask, "simple_rnn"),
            returnSequences: returnSequences != 0, goBackwards: goBackwards != 0)
        return [result.outputs, result.hidden]
    }
}
