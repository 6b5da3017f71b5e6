/// Whether some recording tape on this thread follows `tensor`, so that a VJP must compute
/// its gradient. Expensive VJPs (convolutions) ask this when they record and skip the
/// gradients no tape follows: the input image of a first convolution layer costs nothing,
/// and, as in TensorFlow, an unwatched input gets no gradient.
func isFollowedByRecordingTape(_ tensor: Tensor) -> Bool {
    guard tensor.dtype.isFloatingPoint, let stack = TapeStack.existing else { return false }
    return stack.tapes.contains { $0.isRecording && $0.follows(tensor) }
}
