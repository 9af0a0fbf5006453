using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Games.Sampling;

/// <summary>
/// The sampled-mode objectives of the game algorithms as closed-form kernels over one row of tabular logits θ, in
/// double precision: each returns L(θ) and overwrites the gradient ∂L/∂θ and the Gauss–Newton diagonal GN, which
/// <see cref="PairRegression"/> uses as a preconditioner. They are the tabular, analytic forms of the trainer's REBEL,
/// IPO and SPPO losses (<c>Rebel.SelfPlay.Losses</c>); the game lab needs them in double with exact gradients.
/// </summary>
/// <remarks>
/// Legend: S = pairs in the batch (y_i, y′_i), n = actions; θ, a (anchor ln π), gradient, GN: [n]; targets: [S].
/// Every objective is a mean of squared residuals, L = (1/m) Σ ρ², so GN_k = (2/m) Σ (∂ρ/∂θ_k)².
/// </remarks>
internal static class PairRegressionKernels
{
    /// <summary>
    /// The pairwise-difference objective of REBEL (scale s = 1/η, target Δ) and IPO (s = 1, target Δ/β). With tabular
    /// softmax logits the log-normalizer cancels in a difference, ln π_θ(y) − ln π_θ(y′) = θ_y − θ_y′, so
    /// <code>
    /// ρ_i = s·[(θ_y − a_y) − (θ_y′ − a_y′)] − target_i,     L = (1/S) Σ_i ρ_i²
    /// ∂L/∂θ_k = (2s/S) Σ_i ρ_i (1[y_i = k] − 1[y′_i = k]),  GN_k = (2s²/S) Σ_i (1[y_i = k] − 1[y′_i = k])²
    /// </code>
    /// </summary>
    public static double Difference(
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

    /// <summary>
    /// SPPO's objective on pairs: each pair gives both completions an estimate of their win rate against π_t,
    /// P̂(y ≻ π_t) − ½ = Δ and P̂(y′ ≻ π_t) − ½ = −Δ, so
    /// L(θ) = (1/2S) Σ_i [ (ln π_θ(y_i)/π_t(y_i) − η Δ_i)² + (ln π_θ(y′_i)/π_t(y′_i) + η Δ_i)² ].
    /// Unlike REBEL's, the normalizer does not cancel: with ln π_θ(y) = θ_y − ln Σ_b exp θ_b,
    /// ∂ ln π_θ(y)/∂θ_k = 1[y = k] − π_θ(k), so ∂L/∂θ_k = (1/S) Σ_terms ρ·(1[y = k] − π_θ(k)) and
    /// GN_k = (1/S) Σ_terms (1[y = k] − π_θ(k))².
    /// </summary>
    public static double Sppo(ReadOnlySpan<double> logits, PairBatch batch, double eta, Span<double> gradient, Span<double> curvature)
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
                var target = side == 0 ? eta * delta : -eta * delta;
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
