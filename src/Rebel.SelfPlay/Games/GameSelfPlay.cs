using System.Diagnostics;
using Rebel.Judges.Models;
using Rebel.Preference.Models;
using Rebel.SelfPlay.Games.Algorithms;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// Runs self-play on a game: π_0 from the seed, T updates of the algorithm, and the exploitability
/// max_j P(j ≻ π) − ½ of the last iterate π_t and of the average iterate π̄_t at every logged t. Exact mode steps the
/// algorithm's double-precision dynamics; sampled mode is the REBEL trainer itself, with a <see cref="CategoricalPolicy"/>
/// judged by a <see cref="PreferenceModelJudge"/> over the game. π_ref (for nash-md and ipo) is
/// <see cref="GameRunOptions.Reference"/>: uniform unless given.
/// </summary>
public static class GameSelfPlay
{
    /// <summary>Stream of the run seed that π_0's logits are drawn from (and a <c>random:SEED</c> π_ref's, from SEED).</summary>
    internal const ulong InitialPolicyStream = 1;

    /// <summary>Stream of the run seed that seeds the trainer of sampled mode (its pairs and minibatch order).</summary>
    internal const ulong SamplingStream = 2;

    /// <summary>The one context of the categorical policy that plays a game in sampled mode.</summary>
    private const string Context = "play";

    /// <summary>Runs <paramref name="algorithm"/> (a fresh instance) on <paramref name="game"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid <paramref name="options"/>.</exception>
    /// <exception cref="ArithmeticException">The policy became NaN (a step size far too large).</exception>
    /// <exception cref="TrainingDivergedException">Sampled mode: the trainer's loss or gradient became NaN.</exception>
    public static GameRunResult Run(MatrixPreferenceModel game, IGameAlgorithm algorithm, GameRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var initial = GaussianLogits(game.Actions.Count, options.InitialScale, options.Seed);   // θ_0, π_0 = softmax θ_0
        var reference = options.Reference.Logits(game);
        var iterates = new IterateLog(game, algorithm, options);
        iterates.Add(0, Probabilities(initial));
        var last = options.Samples is { } samples
            ? PlaySampled(game, algorithm, options, samples, initial, reference, iterates)
            : PlayExact(game, algorithm, options, initial, reference, iterates);

        var average = iterates.Average(options.Iterations);
        var matrix = game.Matrix;
        return new GameRunResult(
            game.Name, game.Actions, algorithm.Name, algorithm.Options, options,
            last, average, matrix.Exploitability(last), matrix.Exploitability(average), iterates.History,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>Exact mode: T closed-form steps of the algorithm on θ (double precision); returns π_T.</summary>
    private static double[] PlayExact(
        MatrixPreferenceModel game, IGameAlgorithm algorithm, GameRunOptions options, double[] initial, double[] reference, IterateLog iterates)
    {
        var logits = (double[])initial.Clone();
        algorithm.Start(game.Matrix, logits, reference);
        for (var t = 1; t <= options.Iterations; t++)
        {
            algorithm.StepExact(logits);
            iterates.Add(t, Probabilities(logits));
        }
        return Probabilities(logits);
    }

    /// <summary>
    /// Sampled mode: <see cref="RebelTrainer"/> on a <see cref="CategoricalPolicy"/> with π_0's logits (float) and π_ref as
    /// its reference, one prompt per iteration with 2S samples in S adjacent pairs judged by the game, G epochs of AdamW
    /// on the algorithm's loss, and the trainer seeded from stream <see cref="SamplingStream"/>; returns π_T.
    /// </summary>
    private static double[] PlaySampled(
        MatrixPreferenceModel game, IGameAlgorithm algorithm, GameRunOptions options, int samples, double[] initial, double[] reference,
        IterateLog iterates)
    {
        var policy = Policy(game, initial);
        if (options.Iterations == 0) return Probabilities(policy);
        var training = algorithm.SampledTraining with
        {
            Iterations = options.Iterations,
            PromptsPerIteration = 1, MinibatchPrompts = 1, SamplesPerPrompt = 2 * samples, Pairing = PairingScheme.Adjacent,
            Epochs = algorithm.Options.Epochs, LearningRate = algorithm.Options.LearningRate, WeightDecay = 0, MaxGradNorm = 0,
            MaxNewTokens = 1, PenalizeUnfinished = false, BatchWinRate = false, EvalInterval = 0, CheckpointInterval = 0,
            Seed = Rng.DeriveSeed(SeedBits(options.Seed), SamplingStream),
        };
        var anchor = Policy(game, reference);                                        // π_ref: the anchor, and the magnet's start and mixture
        var directory = options.RunDirectory ?? Directory.CreateTempSubdirectory("rebel-game-").FullName;
        try
        {
            using var judge = new PreferenceModelJudge(game);                           // l(y, y′) = P_{y y′}
            var trainer = new RebelTrainer(policy, anchor, training, directory)
            {
                TrainPrompts = [Context], Judge = judge, Observer = new IterateObserver(policy, iterates),
            };
            trainer.RunAsync().GetAwaiter().GetResult();
        }
        finally
        {
            if (options.RunDirectory is null) Directory.Delete(directory, recursive: true);
        }
        return Probabilities(policy);
    }

    /// <summary>A categorical policy over the game's actions with the given logits.</summary>
    private static CategoricalPolicy Policy(MatrixPreferenceModel game, double[] logits)
    {
        var policy = new CategoricalPolicy([Context], game.Actions);
        var theta = policy.Logits.AsSpan();
        for (var a = 0; a < logits.Length; a++) theta[a] = (float)logits[a];
        return policy;
    }

    /// <summary>Hands π_t to the log after every trainer iteration.</summary>
    private sealed class IterateObserver(CategoricalPolicy policy, IterateLog iterates) : ITrainingObserver
    {
        public void OnStart(int firstIteration, int iterations) { }

        public void OnPhase(int iteration, string phase) { }

        public void OnIteration(int iteration, IReadOnlyDictionary<string, double> metrics) => iterates.Add(iteration, Probabilities(policy));
    }

    /// <summary>π_t of every iteration: Σ_{s≤t} π_s for the average iterate, and the logged exploitabilities.</summary>
    private sealed class IterateLog(MatrixPreferenceModel game, IGameAlgorithm algorithm, GameRunOptions options)
    {
        private readonly double[] _sum = new double[game.Actions.Count]; // Σ_{s≤t} π_s

        public List<GameLogEntry> History { get; } = [];

        public void Add(int t, double[] probs)
        {
            if (!double.IsFinite(probs[0]))
                throw new ArithmeticException($"{algorithm.Name} on {game.Name}: the policy is not finite at iteration {t}.");
            for (var a = 0; a < probs.Length; a++) _sum[a] += probs[a];
            if (t == 0 || t % options.EffectiveLogEvery == 0 || t == options.Iterations)
                History.Add(new GameLogEntry(t, game.Matrix.Exploitability(probs), game.Matrix.Exploitability(Average(t))));
        }

        /// <summary>π̄_t = (1/(t+1)) Σ_{s≤t} π_s.</summary>
        public double[] Average(int t)
        {
            var average = new double[_sum.Length];
            var total = 0.0;
            for (var a = 0; a < _sum.Length; a++) total += _sum[a];
            for (var a = 0; a < _sum.Length; a++) average[a] = _sum[a] / total; // = sum/(t+1), renormalized against rounding
            Debug.Assert(Math.Abs(total - (t + 1)) < 1e-6 * (t + 1));
            return average;
        }
    }

    /// <summary>π = softmax θ, as a new array.</summary>
    private static double[] Probabilities(ReadOnlySpan<double> logits)
    {
        var probs = new double[logits.Length];
        SoftmaxMath.Softmax(logits, probs);
        return probs;
    }

    /// <summary>π of the categorical policy, in double.</summary>
    private static double[] Probabilities(CategoricalPolicy policy) => policy.Probabilities(Context).Select(p => (double)p).ToArray();

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
