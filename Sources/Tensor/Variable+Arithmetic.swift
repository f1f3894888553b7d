extension Variable {
    /// `lhs + rhs` with broadcasting; each gradient is summed back to its operand's shape.
    public static func + (lhs: Variable, rhs: Variable) -> Variable {
        Variable(lhs.value + rhs.value, parents: [lhs, rhs]) { g in
            if lhs.requiresGradient { lhs.accumulate(g.sum(toShape: lhs.shape)) }
            if rhs.requiresGradient { rhs.accumulate(g.sum(toShape: rhs.shape)) }
        }
    }

    /// `lhs - rhs` with broadcasting.
    public static func - (lhs: Variable, rhs: Variable) -> Variable {
        Variable(lhs.value - rhs.value, parents: [lhs, rhs]) { g in
            if lhs.requiresGradient { lhs.accumulate(g.sum(toShape: lhs.shape)) }
            if rhs.requiresGradient { rhs.accumulate((-g).sum(toShape: rhs.shape)) }
        }
    }

    /// `lhs ⊙ rhs` (element-wise) with broadcasting: `∂/∂lhs = g ⊙ rhs`, `∂/∂rhs = g ⊙ lhs`.
    public static func * (lhs: Variable, rhs: Variable) -> Variable {
        let a = lhs.value
        let b = rhs.value
        return Variable(a * b, parents: [lhs, rhs]) { g in
            if lhs.requiresGradient { lhs.accumulate((g * b).sum(toShape: a.shape)) }
            if rhs.requiresGradient { rhs.accumulate((g * a).sum(toShape: b.shape)) }
        }
    }

    /// `lhs / rhs` (element-wise) with broadcasting: `∂/∂lhs = g / rhs`,
    /// `∂/∂rhs = -g ⊙ lhs / rhs²`.
    public static func / (lhs: Variable, rhs: Variable) -> Variable {
        let a = lhs.value
        let b = rhs.value
        let quotient = a / b
        return Variable(quotient, parents: [lhs, rhs]) { g in
            if lhs.requiresGradient { lhs.accumulate((g / b).sum(toShape: a.shape)) }
            if rhs.requiresGradient {
                rhs.accumulate(Tensor.broadcasting(g * quotient, b) { x, y in -x / y }.sum(toShape: b.shape))
            }
        }
    }

    /// `-x`.
    public static prefix func - (operand: Variable) -> Variable {
        Variable(-operand.value, parents: [operand]) { g in operand.accumulate(-g) }
    }

    /// `lhs + c` for a constant tensor `c` (broadcasting), e.g. a fixed target or noise.
    public static func + (lhs: Variable, rhs: Tensor) -> Variable { lhs + Variable(rhs) }
    /// `lhs - c` for a constant tensor `c` (broadcasting).
    public static func - (lhs: Variable, rhs: Tensor) -> Variable { lhs - Variable(rhs) }
    /// `lhs ⊙ c` for a constant tensor `c` (broadcasting), e.g. a dropout or corruption mask.
    public static func * (lhs: Variable, rhs: Tensor) -> Variable { lhs * Variable(rhs) }
    /// `lhs / c` for a constant tensor `c` (broadcasting).
    public static func / (lhs: Variable, rhs: Tensor) -> Variable { lhs / Variable(rhs) }

    /// `x + c` for a constant scalar.
    public static func + (lhs: Variable, rhs: Float) -> Variable {
        Variable(lhs.value + rhs, parents: [lhs]) { g in lhs.accumulate(g) }
    }
    /// `c + x` for a constant scalar.
    public static func + (lhs: Float, rhs: Variable) -> Variable { rhs + lhs }
    /// `x - c` for a constant scalar.
    public static func - (lhs: Variable, rhs: Float) -> Variable { lhs + (-rhs) }
    /// `c - x` for a constant scalar.
    public static func - (lhs: Float, rhs: Variable) -> Variable {
        Variable(rhs.value.map { lhs - $0 }, parents: [rhs]) { g in rhs.accumulate(-g) }
    }
    /// `x · c` for a constant scalar.
    public static func * (lhs: Variable, rhs: Float) -> Variable {
        Variable(lhs.value * rhs, parents: [lhs]) { g in lhs.accumulate(g * rhs) }
    }
    /// `c · x` for a constant scalar.
    public static func * (lhs: Float, rhs: Variable) -> Variable { rhs * lhs }
    /// `x / c` for a constant scalar.
    public static func / (lhs: Variable, rhs: Float) -> Variable { lhs * (1 / rhs) }
}
