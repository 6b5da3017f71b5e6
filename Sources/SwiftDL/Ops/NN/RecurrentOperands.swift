/// Validation and preparation shared by the whole-sequence recurrent ops (lstm, gru,
/// simple_rnn): Keras weight layouts are checked here once, with messages that name the
/// expected shape, and operands are made contiguous for the kernels.

/// The checked operands of one recurrent call, ready for a kernel.
struct RecurrentOperands {
    let op: String
    let geometry: RecurrentGeometry
    let dtype: DType
    /// Contiguous versions of the caller's tensors (the tensors themselves when already so).
    let inputs: Tensor
    let kernel: Tensor
    let recurrentKernel: Tensor
    /// The bias, or zeros when the layer has none.
    let bias: Tensor
    /// Initial states in order (h, then c for LSTM), zeros where none was given.
    let initialStates: [Tensor]
    /// The caller's tensors the tape follows, in the order the VJP returns gradients for:
    /// inputs, kernel, recurrent kernel, then the bias and initial states that were given.
    let recorded: [Tensor]
    /// Which of bias and each initial state were given.
    let hasBias: Bool
    let hasInitialStates: [Bool]
    /// The (batch, time) bool mask, contiguous, and each row's first kept step (int64, batch).
    let mask: Tensor?
    let firstKept: Tensor?

    /// - Parameters:
    ///   - gates: gate blocks in the kernels (4 LSTM, 3 GRU, 1 SimpleRNN).
    ///   - biasShape: the Keras bias shape for `units`, and how to write it in a message.
    ///   - states: each initial state's name in messages and the tensor, if given.
    init(
        op: String, gates: Int, inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor,
        bias: Tensor?, biasShape: (Int) -> [Int], biasLayout: String,
        states: [(name: String, tensor: Tensor?)], mask: Tensor?, goBackwards: Bool
    ) throws {
        self.op = op
        let perUnits = gates == 1 ? "units" : "\(gates)*units"
        guard inputs.rank == 3 else {
            throw SDLError.value(
                op, "inputs must be rank 3 (batch, time, features); received shape \(describeShape(inputs.shape))")
        }
        guard inputs.dtype.isFloatingPoint else {
            throw SDLError.type(op, "inputs must be float32 or float64; received dtype \(inputs.dtype.name)")
        }
        let dtype = inputs.dtype
        let named: [(String, Tensor?)] =
            [("kernel", kernel), ("recurrent_kernel", recurrentKernel), ("bias", bias)]
            + states.map { ($0.name, $0.tensor) }
        for (name, tensor) in named {
            guard let tensor else { continue }
            guard tensor.dtype == dtype else {
                throw SDLError.type(
                    op, "\(name) must have the inputs' dtype \(dtype.name); received dtype \(tensor.dtype.name)")
            }
        }
        let (batch, time, features) = (inputs.shape[0], inputs.shape[1], inputs.shape[2])
        guard time >= 1 else {
            throw SDLError.value(
                op, "inputs must have at least one time step; received shape \(describeShape(inputs.shape))")
        }
        // NOTE: gates·units is checked: (2^62, 0) must not pass as (units, 4·units).
        let units = recurrentKernel.rank >= 1 ? recurrentKernel.shape[0] : 0
        guard recurrentKernel.rank == 2, units >= 1, let width = CheckedSize.product(gates, units),
            recurrentKernel.shape[1] == width
        else {
            let expected =
                units >= 1
                ? CheckedSize.product(gates, units).map { " = \(describeShape([units, $0]))" } ?? " (too large)" : ""
            throw SDLError.value(
                op,
                "recurrent_kernel must have shape (units, \(perUnits))\(expected) with units >= 1; received \(describeShape(recurrentKernel.shape))"
            )
        }
        guard kernel.shape == [features, width] else {
            throw SDLError.value(
                op,
                "kernel must have shape (in, \(perUnits)) = \(describeShape([features, width])) for inputs with \(features) features and \(units) units; received \(describeShape(kernel.shape))"
            )
        }
        if let bias, bias.shape != biasShape(units) {
            throw SDLError.value(
                op,
                "bias must have shape \(biasLayout) = \(describeShape(biasShape(units))); received \(describeShape(bias.shape))"
            )
        }
        for state in states {
            if let tensor = state.tensor, tensor.shape != [batch, units] {
                throw SDLError.value(
                    op,
                    "\(state.name) must have shape (batch, units) = \(describeShape([batch, units])); received \(describeShape(tensor.shape))"
                )
            }
        }
        if let mask {
            guard mask.dtype == .bool else {
                throw SDLError.type(op, "mask must be a bool tensor; received dtype \(mask.dtype.name)")
            }
            guard mask.shape == [batch, time] else {
                throw SDLError.value(
                    op,
                    "mask must have shape (batch, time) = \(describeShape([batch, time])); received \(describeShape(mask.shape))"
                )
            }
        }
        // BLAS takes 32-bit sizes and leading dimensions: refuse what would not fit.
        // (The bias shapes, at most 2·gates·units elements, fit once the width does.)
        let widest = Swift.max(width, features)
        let elements = CheckedSize.product(of: [batch, time, widest])
        if elements == nil || elements! > Int(Int32.max) {
            throw SDLError(
                .memory,
                "[\(op)] inputs \(describeShape(inputs.shape)) with \(units) units need buffers of more than 2^31-1 elements"
            )
        }

        self.geometry = RecurrentGeometry(
            batch: batch, time: time, features: features, units: units, gates: gates, goBackwards: goBackwards)
        self.dtype = dtype
        self.inputs = try inputs.contiguous()
        self.kernel = try kernel.contiguous()
        self.recurrentKernel = try recurrentKernel.contiguous()
        self.bias = try bias?.contiguous() ?? Tensor.empty(biasShape(units), dtype: dtype, zeroed: true)
        self.initialStates = try states.map {
            try $0.tensor?.contiguous() ?? Tensor.empty([batch, units], dtype: dtype, zeroed: true)
        }
        self.hasBias = bias != nil
        self.hasInitialStates = states.map { $0.tensor != nil }
        self.recorded = [inputs, kernel, recurrentKernel] + [bias].compactMap { $0 } + states.compactMap { $0.tensor }
        if let mask {
            let keep = try mask.contiguous(), firstKept = try Tensor.empty([batch], dtype: .int64)
            recurrentFirstKeptSteps(
                geometry, keep: UnsafePointer(keep.pointer(as: UInt8.self)), into: firstKept.pointer(as: Int.self))
            (self.mask, self.firstKept) = (keep, firstKept)
        } else {
            (self.mask, self.firstKept) = (nil, nil)
        }
    }

    /// The mask as the kernels read it (the tensors stay alive with these operands).
    var kernelMask: RecurrentMask? {
        guard let mask, let firstKept else { return nil }
        return RecurrentMask(
            keep: UnsafePointer(mask.pointer(as: UInt8.self)), firstKept: UnsafePointer(firstKept.pointer(as: Int.self))
        )
    }

    /// The op's outputs from its by-step hidden sequence: the sequence itself or its last
    /// step. Where a mask holds outputs at zero while an initial state is carried, they
    /// differ from the states, so the outputs become a zeroed copy there.
    func outputs(from hidden: Tensor, returnSequences: Bool) throws -> Tensor {
        let needsZeros = mask != nil && hasInitialStates.first == true
        let outputs = returnSequences ? (needsZeros ? try hidden.cast(to: dtype) : hidden) : try lastStep(of: hidden)
        if needsZeros, let mask = kernelMask {
            recurrentZeroUnkeptOutputs(
                geometry, mask: mask, outputs: outputs.baseAddress, itemSize: dtype.itemSize,
                isSequence: returnSequences)
        }
        return outputs
    }

    /// A new (batch, time, width) buffer.
    func sequenceBuffer(width: Int, zeroed: Bool = false) throws -> Tensor {
        try Tensor.empty([geometry.batch, geometry.time, width], dtype: dtype, zeroed: zeroed)
    }

    /// The op's output when it returns only the last step, from the final hidden state: a
    /// copy, zeroed where `outputs(from:returnSequences:)` would zero it.
    func lastOutputs(finalHidden: Tensor) throws -> Tensor {
        let outputs = try finalHidden.cast(to: dtype)
        if mask != nil && hasInitialStates.first == true, let mask = kernelMask {
            recurrentZeroUnkeptOutputs(
                geometry, mask: mask, outputs: outputs.baseAddress, itemSize: dtype.itemSize, isSequence: false)
        }
        return outputs
    }

    /// A new (batch, units) buffer.
    /// Uninitialised gradients of the inputs, kernel, recurrent kernel and bias, which every
    /// recurrent op's backward pass fills whole.
    func operandGradientBuffers() throws -> (inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor) {
        (
            try sequenceBuffer(width: geometry.features), try Tensor.empty(kernel.shape, dtype: dtype),
            try Tensor.empty(recurrentKernel.shape, dtype: dtype), try Tensor.empty(bias.shape, dtype: dtype)
        )
    }

    func stateBuffer() throws -> Tensor {
        try Tensor.empty([geometry.batch, geometry.units], dtype: dtype)
    }

    /// A copy of the last step of a (batch, time, units) by-step sequence: (batch, units).
    /// Always a copy, so outputs the caller may modify never alias what BPTT reads.
    func lastStep(of sequence: Tensor) throws -> Tensor {
        let g = geometry
        return try sequence.view(
            shape: [g.batch, g.units], strides: [g.time * g.units, 1],
            offset: sequence.offset + (g.time - 1) * g.units
        ).cast(to: dtype)
    }

    /// An upstream gradient as the kernels read it: contiguous, in this op's dtype.
    func upstream(_ gradient: Tensor?, shape: [Int]) throws -> Tensor? {
        guard let gradient else { return nil }
        guard gradient.shape == shape else {
            throw SDLError(
                .internal,
                "[\(op)] received an output gradient of shape \(describeShape(gradient.shape)) for an output of shape \(describeShape(shape))"
            )
        }
        return try gradient.converted(to: dtype).contiguous()
    }

    /// The VJP's result in `recorded` order: the inputs' and weights' gradients, then those
    /// of the bias and initial states that were given.
    func recordedGradients(
        inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, initialStates: [Tensor]
    ) -> [Tensor?] {
        var result: [Tensor?] = [inputs, kernel, recurrentKernel]
        if hasBias { result.append(bias) }
        for (given, gradient) in zip(hasInitialStates, initialStates) where given { result.append(gradient) }
        return result
    }
}

/// Typed pointers into tensors whose element type the visitor already knows.
@inline(__always)
func mutablePointer<T>(_ tensor: Tensor, _: T.Type) -> UnsafeMutablePointer<T> { tensor.pointer(as: T.self) }

@inline(__always)
func readPointer<T>(_ tensor: Tensor, _: T.Type) -> UnsafePointer<T> { UnsafePointer(tensor.pointer(as: T.self)) }
