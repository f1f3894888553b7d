import Tensor

extension DenseStack {
    /// The stack applied to a graph node with its weights as constants, `[batch, in]` -> `[batch, out]`:
    /// gradients reach the input only (feature attributions by gradient × input, validation losses).
    func callAsFunction(_ input: Variable) -> Variable {
        var x = input
        for l in 0..<weights.count {
            x = activations[l].apply(Variable.affine(x, weight: Variable(weights[l]), bias: Variable(biases[l])))
        }
        return x
    }
}
