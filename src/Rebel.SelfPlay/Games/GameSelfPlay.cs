using System.Diagnostics;
using Rebel.Preference.Models;
using Rebel.SelfPlay.Games.Algorithms;
using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// Runs self-play on a game: π_0 from the seed, T updates of the algorithm (exact or sampled), and the
/// exploitability max_j P(j ≻ π) − ½ of the last iterate π_t and of the average iterate π̄_t at every logged t.
/// π_ref (for nash-md and ipo) is <see cref="GameRunOptions.Reference"/>: uniform unless given.
/// </summary>
public static class GameSelfPlay
{
    /// <summary>Stream of the run seed that π_0's logits are drawn from (and a <c>random:SEED</c> π_ref's, from SEED).</summary>
    internal const ulong InitialPolicyStream = 1;

    /// <summary>Stream of the run seed that sampled mode draws its pairs from.</summary>
    internal const ulong SamplingStream = 2;

    /// <summary>Runs <paramref name="algorithm"/> (a fresh instance) on <paramref name="game"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid <paramref name="options"/>.</exception>
    /// <exception cref="ArithmeticException">The policy became NaN (a step size far too large).</exception>
    public static GameRunResult Run(MatrixPreferenceModel game, IGameAlgorithm algorithm, GameRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var matrix = game.Matrix;
        var n = matrix.Count;
        var logits = GaussianLogits(n, options.InitialScale, options.Seed);       // θ_0, π_0 = softmax θ_0
        var random = new Rng(Rng.DeriveSeed(SeedBits(options.Seed), SamplingStream)); // the sampled pairs
        algorithm.Start(matrix, logits, options.Reference.Logits(game));

        var sum = Probabilities(logits); // Σ_{s≤t} π_s
        var history = new List<GameLogEntry>();
        Log(0, Probabilities(logits));
        var logEvery = options.EffectiveLogEvery;
        for (var t = 1; t <= options.Iterations; t++)
        {
            if (options.Samples is { } samples) algorithm.StepSampled(logits, samples, random);
            else algorithm.StepExact(logits);

            var probs = Probabilities(logits);
            if (!double.IsFinite(probs[0]))
                throw new ArithmeticException($"{algorithm.Name} on {game.Name}: the policy is not finite at iteration {t}.");
            for (var a = 0; a < n; a++) sum[a] += probs[a];
            if (t % logEvery == 0 || t == options.Iterations) Log(t, probs);
        }

        var last = Probabilities(logits);
        var average = Average(sum, options.Iterations);
        return new GameRunResult(
            game.Name, game.Actions, algorithm.Name, algorithm.Options, options,
            last, average, matrix.Exploitability(last), matrix.Exploitability(average), history,
            clock.Elapsed.TotalSeconds);

        void Log(int t, double[] probs) =>
            history.Add(new GameLogEntry(t, matrix.Exploitability(probs), matrix.Exploitability(Average(sum, t))));
    }

    /// <summary>π̄_t = (1/(t+1)) Σ_{s≤t} π_s.</summary>
    private static double[] Average(double[] sum, int t)
    {
        var average = new double[sum.Length];
        var total = 0.0;
        for (var a = 0; a < sum.Length; a++) total += sum[a];
        for (var a = 0; a < sum.Length; a++) average[a] = sum[a] / total; // = sum/(t+1), renormalized against rounding
        Debug.Assert(Math.Abs(total - (t + 1)) < 1e-6 * (t + 1));
        return average;
    }

    /// <summary>π = softmax θ, as a new array.</summary>
    private static double[] Probabilities(ReadOnlySpan<double> logits)
    {
        var probs = new double[logits.Length];
        SoftmaxMath.Softmax(logits, probs);
        return probs;
    }

    /// <summary>Logits θ(a) ~ N(0, σ²), one <see cref="Rng.NextNormal"/> draw per action in order from stream
    /// <see cref="InitialPolicyStream"/> of <paramref name="seed"/>, then shifted so that θ = ln π (σ = 0: uniform).</summary>
    internal static double[] GaussianLogits(int actions, double scale, int seed)
    {
        var random = new Rng(Rng.DeriveSeed(SeedBits(seed), InitialPolicyStream));
        var logits = new double[actions];
        for (var a = 0; a < logits.Length; a++) logits[a] = scale * random.NextNormal();
        SoftmaxMath.Normalize(logits);
        return logits;
    }

    /// <summary>A 32-bit seed as the generator's 64-bit seed (sign-extended, so every int is a distinct seed).</summary>
    internal static ulong SeedBits(int seed) => unchecked((ulong)seed);
}
