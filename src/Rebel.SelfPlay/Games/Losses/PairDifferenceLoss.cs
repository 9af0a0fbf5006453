namespace Rebel.SelfPlay.Games.Losses;

/// <summary>
/// The kernel shared by the REBEL and IPO losses: with tabular softmax logits the log-normalizer cancels in a
/// difference, ln π_θ(y) − ln π_θ(y′) = θ_y − θ_y′, so for a scale s and anchor log-probabilities a
/// <code>
/// ρ_i = s·[(θ_y − a_y) − (θ_y′ − a_y′)] − target_i,     L = (1/S) Σ_i ρ_i²
/// ∂L/∂θ_k = (2s/S) Σ_i ρ_i (1[y_i = k] − 1[y′_i = k]),  GN_k = (2s²/S) Σ_i (1[y_i = k] − 1[y′_i = k])²
/// </code>
/// </summary>
internal static class PairDifferenceLoss
{
    public static double Evaluate(
        ReadOnlySpan<double> logits, PairBatch batch, double scale, ReadOnlySpan<double> targets,
        Span<double> gradient, Span<double> curvature)
    {
        gradient.Clear();
        curvature.Clear();
        var anchor = batch.AnchorLogProbs;
        var loss = 0.0;
        var count = batch.Count;
        for (var i = 0; i < count; i++)
        {
            int y = batch.First[i], yPrime = batch.Second[i];
            if (y == yPrime) { loss += targets[i] * targets[i]; continue; } // ρ = −target, constant in θ
            var residual = scale * ((logits[y] - anchor[y]) - (logits[yPrime] - anchor[yPrime])) - targets[i];
            loss += residual * residual;
            gradient[y] += residual;
            gradient[yPrime] -= residual;
            curvature[y] += 1;
            curvature[yPrime] += 1;
        }
        var g = 2 * scale / count;
        var c = 2 * scale * scale / count;
        for (var k = 0; k < gradient.Length; k++)
        {
            gradient[k] *= g;
            curvature[k] *= c;
        }
        return loss / count;
    }
}
