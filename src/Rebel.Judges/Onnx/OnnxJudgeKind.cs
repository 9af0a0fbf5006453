namespace Rebel.Judges.Onnx;

/// <summary>What an exported model computes, as <c>judge.json</c>'s <c>kind</c> says.</summary>
public enum OnnxJudgeKind
{
    /// <summary>A score s(x, y) per (prompt, completion), turned into P(a ≻ b) = σ((s_a − s_b) / τ).</summary>
    Reward,

    /// <summary>A logit z(x, a, b) per (prompt, a, b), with P(a ≻ b) = σ(z), symmetrised over both orders by default.</summary>
    Pairwise,
}
