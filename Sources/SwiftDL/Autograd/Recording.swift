/// The one entry point through which differentiable ops record themselves.
///
/// Usage, in an op: compute the forward result, then
///     if isRecordingGradients { record("mul", inputs: [a, b], outputs: [out]) { grads in ... } }
/// The check keeps untaped calls free of closure allocations.
public var isRecordingGradients: Bool {
    guard let stack = TapeStack.existing, stack.pausedDepth == 0 else { return false }
    return stack.tapes.contains { $0.isRecording }
}

/// Stops every tape of the calling thread recording until the matching
/// `resumeRecordingOnThisThread()`; pauses nest.
public func pauseRecordingOnThisThread() { TapeStack.current.pausedDepth += 1 }

/// Ends one `pauseRecordingOnThisThread()`; throws when none is in effect.
public func resumeRecordingOnThisThread() throws {
    let stack = TapeStack.current
    guard stack.pausedDepth > 0 else {
        throw SDLError.value("recording", "resume without a matching pause")
    }
    stack.pausedDepth -= 1
}

/// Records an op on every recording tape of this thread that follows one of its inputs.
public func record(
    _ name: String, inputs: [Tensor], outputs: [Tensor], backward: @escaping ([Tensor?]) throws -> [Tensor?]
) {
    guard let stack = TapeStack.existing, stack.pausedDepth == 0 else { return }
    var node: TapeNode?
    for tape in stack.tapes where tape.isRecording {
        // Every input is asked (no short cut): asking watches a trainable variable read here,
        // even when an earlier input already made the tape record this op.
        var followsAny = false
        for input in inputs where input.dtype.isFloatingPoint && tape.follows(input) { followsAny = true }
        guard followsAny else { continue }
        let recorded = node ?? TapeNode(name: name, inputs: inputs, outputs: outputs, backward: backward)
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
