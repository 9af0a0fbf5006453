namespace Rebel.Tensors.Autograd;

/// <summary>
/// One recorded operation of the tape: the inputs it read and a closure that, given ∂L/∂output, adds each
/// input's share into that input's gradient (backward always accumulates, never overwrites).
/// </summary>
internal sealed class GradNode(string op, Tensor[] inputs, Action<Tensor> backward)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; } = inputs;
    public Action<Tensor> Backward { get; } = backward;
}
