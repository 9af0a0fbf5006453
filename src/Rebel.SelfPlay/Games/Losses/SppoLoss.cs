namespace Rebel.SelfPlay.Games.Losses;

/// <summary>
/// The SPPO loss on pairs: each pair gives both completions an estimate of their win rate against π_t,
/// P̂(y ≻ π_t) − ½ = Δ and P̂(y′ ≻ π_t) − ½ = −Δ, and the loss is
/// L(θ) = (1/2S) Σ_i [ (ln π_θ(y_i)/π_t(y_i) − η Δ_i)² + (ln π_θ(y′_i)/π_t(y′_i) + η Δ_i)² ].
/// Unlike REBEL's, the normalizer does not cancel: with ln π_θ(y) = θ_y − ln Σ_b exp θ_b,
/// ∂ ln π_θ(y)/∂θ_k = 1[y = k] − π_θ(k), so ∂L/∂θ_k = (1/S) Σ_terms ρ·(1[y = k] − π_θ(k)) and the
/// Gauss–Newton diagonal is (1/S) Σ_terms (1[y = k] − π_θ(k))².
/// </summary>
internal sealed class SppoLoss(double eta) : IPairLoss
{
    public double Eta { get; } = eta > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be positive.");

    public double Evaluate(ReadOnlySpan<double> logits, PairBatch batch, Span<double> gradient, Span<double> curvature)
    {
        var n = logits.Length;
        Span<double> logProbs = n <= 256 ? stackalloc double[n] : new double[n];
        SoftmaxMath.LogSoftmax(logits, logProbs);
        gradient.Clear();
        curvature.Clear();

        // Per action: the count of terms on it (c_k) and the sum of their residuals (R_k). Then
        // Σ_terms ρ (1[y=k] − π_k) = R_k − π_k Σ_a R_a  and  Σ_terms (1[y=k] − π_k)² = c_k (1 − 2π_k) + m π_k².
        Span<double> residualSum = n <= 256 ? stackalloc double[n] : new double[n];
        Span<double> termCount = n <= 256 ? stackalloc double[n] : new double[n];
        residualSum.Clear();
        termCount.Clear();
        var anchor = batch.AnchorLogProbs;
        var loss = 0.0;
        for (var i = 0; i < batch.Count; i++)
        {
            var delta = batch.Target[i];
            for (var side = 0; side < 2; side++)
            {
                var y = side == 0 ? batch.First[i] : batch.Second[i];
                var target = side == 0 ? Eta * delta : -Eta * delta;
                var residual = logProbs[y] - anchor[y] - target; // ρ = ln π_θ(y)/π_t(y) ∓ η Δ
                residualSum[y] += residual;
                termCount[y] += 1;
                loss += residual * residual;
            }
        }

        var m = 2.0 * batch.Count;
        var totalResidual = 0.0;
        foreach (var r in residualSum) totalResidual += r;
        for (var k = 0; k < n; k++)
        {
            var pk = Math.Exp(logProbs[k]);
            gradient[k] = 2 / m * (residualSum[k] - pk * totalResidual);
            curvature[k] = 2 / m * (termCount[k] * (1 - 2 * pk) + m * pk * pk);
        }
        return loss / m;
    }
}
