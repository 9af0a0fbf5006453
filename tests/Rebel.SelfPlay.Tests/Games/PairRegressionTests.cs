using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Games.Sampling;
using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Games;

public class PairRegressionTests
{
    private const int Actions = 5;

    /// <summary>A batch with every kind of pair, including y = y′, and anchors that are a real ln π.</summary>
    private static PairBatch Batch(int seed)
    {
        var random = new Rng((ulong)seed);
        var game = BuiltinGames.Random(Actions, seed);
        var anchor = new double[Actions];
        for (var a = 0; a < Actions; a++) anchor[a] = random.NextDouble() * 2 - 1;
        SoftmaxMath.Normalize(anchor);
        var probs = anchor.Select(Math.Exp).ToArray();
        var batch = PairBatch.Draw(game.Matrix, probs, probs, 40, random, anchor);
        batch.Target[0] += 0.3; // an algorithm may fold extra terms into the target
        return batch;
    }

    private static readonly string[] Losses = ["rebel", "sppo", "ipo"];

    /// <summary>The kernel of each algorithm's sampled objective: REBEL (η = 0.7), SPPO (η = 0.7), IPO (β = 0.2).</summary>
    private static double Evaluate(string name, double[] theta, PairBatch batch, double[] gradient, double[] curvature) => name switch
    {
        "rebel" => PairRegressionKernels.Difference(theta, batch, 1 / 0.7, batch.Target, gradient, curvature),
        "sppo" => PairRegressionKernels.Sppo(theta, batch, 0.7, gradient, curvature),
        _ => PairRegressionKernels.Difference(theta, batch, 1, batch.Target.Select(t => t / 0.2).ToArray(), gradient, curvature),
    };

    [TestCaseSource(nameof(Losses))]
    public void Gradient_MatchesCentralFiniteDifferences(string name)
    {
        for (var seed = 1; seed <= 3; seed++)
        {
            var batch = Batch(seed);
            var random = new Random(100 + seed);
            var theta = Enumerable.Range(0, Actions).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            var gradient = new double[Actions];
            var curvature = new double[Actions];
            Evaluate(name, theta, batch, gradient, curvature);
            const double h = 1e-5;
            for (var k = 0; k < Actions; k++)
            {
                var plus = (double[])theta.Clone();
                var minus = (double[])theta.Clone();
                plus[k] += h;
                minus[k] -= h;
                var numeric = (Value(name, plus, batch) - Value(name, minus, batch)) / (2 * h);
                Assert.That(gradient[k], Is.EqualTo(numeric).Within(1e-7 * Math.Max(1, Math.Abs(numeric))), $"seed {seed}, θ_{k}");
                Assert.That(curvature[k], Is.GreaterThanOrEqualTo(0));
            }
        }
    }

    [TestCaseSource(nameof(Losses))]
    public void GaussNewtonDiagonal_MatchesSumOfSquaredResidualDerivatives(string name)
    {
        // For L = (1/m) Σ ρ_i², the Gauss–Newton diagonal (2/m) Σ (∂ρ_i/∂θ_k)² equals the Hessian diagonal when every
        // residual is linear in θ_k. For the pairwise losses it is exactly linear; for SPPO we compare with the
        // Hessian at a point where all residuals vanish (θ = anchor, zero targets), where the second-order term drops.
        var batch = Batch(4);
        Array.Clear(batch.Target);
        var theta = (double[])batch.AnchorLogProbs.Clone();
        var gradient = new double[Actions];
        var curvature = new double[Actions];
        Evaluate(name, theta, batch, gradient, curvature);
        const double h = 1e-4;
        for (var k = 0; k < Actions; k++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[k] += h;
            minus[k] -= h;
            var second = (Value(name, plus, batch) - 2 * Value(name, theta, batch) + Value(name, minus, batch)) / (h * h);
            Assert.That(curvature[k], Is.EqualTo(second).Within(1e-5 * Math.Max(1, second)), $"θ_{k}");
        }
    }

    [Test]
    public void Fit_Sppo_KeepsTheLogitsOfActionsTheBatchNeverTouches()
    {
        // Action 2 has π = 1e-9 and is in no pair. SPPO's normalizer does not cancel, so its gradient is
        // ∝ π_2·Σ residuals and its Gauss–Newton diagonal ∝ π_2²; a Jacobi step on it would be ∝ 1/π_2.
        var anchor = new[] { Math.Log(0.6), Math.Log(0.4 - 1e-9), Math.Log(1e-9) };
        var batch = new PairBatch([0, 0, 1, 0], [1, 0, 1, 1], [0.9, 0.5, 0.5, 0.8], anchor);
        var theta = (double[])anchor.Clone();
        var loss = PairRegression.FitSppo(batch, theta, 1, 10, 0.5);
        Assert.That(theta[2], Is.EqualTo(anchor[2]), "an untouched action keeps its logit");
        Assert.That(theta[0], Is.Not.EqualTo(anchor[0]), "touched actions move");
        Assert.That(double.IsFinite(loss) && theta.All(double.IsFinite));
    }

    [Test]
    public void RebelRegression_FitsEtaTimesDeltaOnAConnectedBatch()
    {
        // Pairs (0,1), (1,2), (2,0) with targets 0.1, 0.2, −0.3 are consistent with r = (0.1, 0, −0.2) + c,
        // so the fitted step θ − ln π_t must reproduce η·(r_y − r_y′) on every pair.
        var anchor = new[] { Math.Log(0.5), Math.Log(0.3), Math.Log(0.2) };
        var batch = new PairBatch([0, 1, 2], [1, 2, 0], [0.6, 0.7, 0.2], anchor);
        const double eta = 2;
        var theta = (double[])anchor.Clone();
        var finalLoss = PairRegression.FitRebel(batch, theta, eta, 200, 0.5);
        Assert.That(finalLoss, Is.LessThan(1e-20));
        var u = theta.Select((t, a) => t - anchor[a]).ToArray();
        Assert.That(u[0] - u[1], Is.EqualTo(eta * 0.1).Within(1e-10));
        Assert.That(u[1] - u[2], Is.EqualTo(eta * 0.2).Within(1e-10));
    }

    [Test]
    public void PairBatch_TargetsAreLabelMinusHalf_AndMismatchedArraysThrow()
    {
        var batch = new PairBatch([0, 1], [1, 0], [0.9, 0.1], [0.0, 0.0]);
        Assert.That(batch.Target, Is.EqualTo(new[] { 0.4, -0.4 }).Within(1e-15));
        Assert.Throws<ArgumentException>(() => new PairBatch([0], [1, 0], [0.9], [0.0, 0.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairRegression.FitRebel(batch, new double[2], 0, 1, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairRegression.FitSppo(batch, new double[2], -1, 1, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairRegression.FitIpo(batch, new double[2], 0, 1, 0.5));
    }

    [Test]
    public void SampleFrom_FrequenciesMatchProbabilities_AndASeedFixesTheDraws()
    {
        double[] probs = [0.2, 0.5, 0.3];
        var random = new Rng(7);
        var counts = new double[3];
        const int draws = 100_000;
        for (var i = 0; i < draws; i++) counts[PairBatch.SampleFrom(probs, random)]++;
        // Binomial standard deviation ≤ sqrt(0.25/1e5) ≈ 0.0016; allow 4 of them.
        for (var a = 0; a < 3; a++) Assert.That(counts[a] / draws, Is.EqualTo(probs[a]).Within(0.0064));
        int[] Draw(int seed)
        {
            var r = new Rng((ulong)seed);
            return Enumerable.Range(0, 50).Select(_ => PairBatch.SampleFrom(probs, r)).ToArray();
        }
        Assert.That(Draw(3), Is.EqualTo(Draw(3)));
        Assert.That(Draw(3), Is.Not.EqualTo(Draw(4)));
    }

    private static double Value(string name, double[] theta, PairBatch batch) =>
        Evaluate(name, theta, batch, new double[Actions], new double[Actions]);
}
