/// The one entry point through which differentiable ops record themselves.
///
/// Usage, in an op: compute the forward result, then
///     if isRecordingGradients { record("mul", inputs: [a, b], outputs: [out]) { grads in ... } }
/// The check keeps untaped calls free of closure allocations.
public var isRecordingGradients: Bool {
    guard let stack = TapeStack.existing else { return false }
    return stack.activeTapes.contains { $0.isRecording }
}

/// Stops the tapes entered so far on the calling thread recording until the matching
/// `resumeRecordingOnThisThread()`; tapes entered after this call record. Pauses nest.
public func pauseRecordingOnThisThread() {
    let stack = TapeStack.current
    stack.pauseMarkers.append(stack.tapes.count)
}

/// Ends the innermost `pauseRecordingOnThisThread()`; throws when none is in effect.
public func resumeRecordingOnThisThread() throws {
    let stack = TapeStack.current
    guard stack.pauseMarkers.popLast() != nil else {
        throw SDLError.value("recording", "resume without a matching pause")
    }
}

/// Records an op on every recording tape of this thread that follows one of its inputs.
public func record(
    _ name: String, inputs: [Tensor], outputs: [Tensor], fusion: TapeFusion? = nil,
    backward: @escaping ([Tensor?]) throws -> [Tensor?]
) {
    guard let stack = TapeStack.existing else { return }
    var node: TapeNode?
    for tape in stack.activeTapes where tape.isRecording {
        // Every input is asked (no short cut): asking watches a trainable variable read here,
        // even when an earlier input already made the tape record this op.
        var followsAny = false
        for input in inputs where input.dtype.isFloatingPoint && tape.follows(input) { followsAny = true }
        guard followsAny else { continue }
        let recorded =
            node
            ?? TapeNode(
                name: name, inputs: inputs, outputs: outputs, backward: backward, fusion: fusion)
        node = recorded
        tape.append(recorded)
    }
}

/// Sums a gradient over the axes along which `shape` was broadcast, so it has `shape`
/// again. Every broadcasting op's VJP ends here: the one place broadcasting is undone.
public func reduceBroadcast(_ gradient: Tensor, to shape: [Int]) throws -> Tensor {
    if gradient.shape == shape { return gradient }
    let lead = gradient.rank - shape.count
    var axes = Array(0..<max(lead, 0))
    for axis in 0..<shape.count where shape[axis] == 1 && gradient.shape[lead + axis] != 1 {
        axes.append(lead + axis)
    }
    let summed = try reduce(.sum, gradient, axes: axes, keepdims: true)
    return try summed.reshaped(shape)
}
