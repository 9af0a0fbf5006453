using System.Diagnostics;
using Rebel.SelfPlay.Games.Algorithms;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// Runs self-play on a game: π_0 from the seed, T updates of the algorithm (exact or sampled), and the
/// exploitability max_j P(j ≻ π) − ½ of the last iterate π_t and of the average iterate π̄_t at every logged t.
/// π_ref (for nash-md and online-ipo) is <see cref="GameRunOptions.Reference"/>: uniform unless given.
/// </summary>
public static class GameSelfPlay
{
    /// <summary>Runs <paramref name="algorithm"/> (a fresh instance) on <paramref name="game"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid <paramref name="options"/>.</exception>
    /// <exception cref="ArithmeticException">The policy became NaN (a step size far too large).</exception>
    public static GameRunResult Run(Game game, IGameAlgorithm algorithm, GameRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var matrix = game.Preference;
        var n = matrix.Count;
        var random = new Random(options.Seed);
        var policy = InitialPolicy(game, options.InitialScale, random);
        algorithm.Start(matrix, policy, options.Reference.For(game));

        var sum = policy.Probabilities(); // Σ_{s≤t} π_s
        var history = new List<GameLogEntry>();
        Log(0, policy.Probabilities());
        var logEvery = options.EffectiveLogEvery;
        for (var t = 1; t <= options.Iterations; t++)
        {
            if (options.Samples is { } samples) algorithm.StepSampled(policy, samples, random);
            else algorithm.StepExact(policy);

            var probs = policy.Probabilities();
            if (!double.IsFinite(probs[0]))
                throw new ArithmeticException($"{algorithm.Name} on {game.Name}: the policy is not finite at iteration {t}.");
            for (var a = 0; a < n; a++) sum[a] += probs[a];
            if (t % logEvery == 0 || t == options.Iterations) Log(t, probs);
        }

        var last = policy.Probabilities();
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

    /// <summary>θ_0(a) ~ N(0, σ²) from the run's generator (σ = 0: uniform).</summary>
    private static TabularPolicy InitialPolicy(Game game, double scale, Random random) => TabularPolicy.Gaussian(game.Actions, scale, random);
}
