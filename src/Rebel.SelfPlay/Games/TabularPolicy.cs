using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// A softmax policy over a finite action set, with one row of logits per context (a game has one context):
/// π(a | c) = exp θ_{c,a} / Σ_b exp θ_{c,b}.
/// </summary>
/// <remarks>
/// The logits are the parameters: <see cref="Logits"/> returns a writable view of one context's row, so an
/// update rule changes the policy by writing θ. Adding the same constant to a row leaves π unchanged.
/// <see cref="Snapshot"/> is a deep copy (the frozen π_t of an iteration); <see cref="CopyFrom"/> overwrites the
/// parameters in place. Sampling draws from a caller-owned, seeded <see cref="Random"/>, so runs are reproducible.
/// <para><b>Why this is not an <see cref="IPolicy"/>.</b> The game algorithms update θ in closed form (exact mirror
/// descent, analytic gradients of the sampled losses) in double precision: the exact runs reach exploitabilities of
/// 1e-16, far below float32's ≈1e-7 round-off, and need no autograd graph. <see cref="IPolicy"/> is the trainer's
/// interface — float32 <see cref="Rebel.Tensors.Tensor"/> parameters, differentiable log-probabilities, completions
/// with prompts — and <see cref="CategoricalPolicy"/> is its tabular implementation. The two meet through
/// <see cref="AsPolicy"/> (hand a game policy to <c>RebelTrainer</c>) and <see cref="FromPolicy"/> (read a trained
/// policy back to measure its exploitability), with <see cref="GameJudge"/> as the game's judge.</para>
/// </remarks>
public sealed class TabularPolicy
{
    private readonly double[] _logits; // (contexts × actions), row-major

    /// <summary>A uniform policy (all logits 0) over <paramref name="actions"/>, for each of <paramref name="contexts"/>.</summary>
    /// <param name="actions">Action names: at least one, distinct, non-empty.</param>
    /// <param name="contexts">Context names (default: a single context named "").</param>
    /// <exception cref="ArgumentException">No actions, a blank or repeated action name, or no/repeated contexts.</exception>
    public TabularPolicy(IReadOnlyList<string> actions, IReadOnlyList<string>? contexts = null)
    {
        ArgumentNullException.ThrowIfNull(actions);
        RequireDistinctNames(actions, nameof(actions), allowEmptyName: false);
        contexts ??= [""];
        RequireDistinctNames(contexts, nameof(contexts), allowEmptyName: true);
        Actions = actions.ToArray();
        Contexts = contexts.ToArray();
        _logits = new double[Contexts.Count * Actions.Count];
    }

    private TabularPolicy(TabularPolicy source)
    {
        Actions = source.Actions;
        Contexts = source.Contexts;
        _logits = (double[])source._logits.Clone();
    }

    /// <summary>The action names, in the order of the logits.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>The context names; index c selects row θ_c.</summary>
    public IReadOnlyList<string> Contexts { get; }

    /// <summary>The number of actions n.</summary>
    public int ActionCount => Actions.Count;

    /// <summary>A policy with logits θ(a) ~ N(0, σ²) drawn from <paramref name="random"/> by Box–Muller, one draw per action
    /// in order, then normalized (σ = 0: uniform).</summary>
    internal static TabularPolicy Gaussian(IReadOnlyList<string> actions, double scale, Random random)
    {
        var policy = new TabularPolicy(actions);
        var logits = policy.Logits();
        for (var a = 0; a < logits.Length; a++)
        {
            var u1 = 1 - random.NextDouble(); // (0, 1]
            var u2 = random.NextDouble();
            logits[a] = scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); // θ(a) = σ·√(−2 ln u1)·cos(2π u2)
        }
        SoftmaxMath.Normalize(logits);
        return policy;
    }

    /// <summary>A policy with the given probabilities in context 0: θ_a = ln π(a).</summary>
    /// <exception cref="ArgumentException">Wrong length, a negative or non-finite entry, or a sum off 1 by more than 1e-6.</exception>
    public static TabularPolicy FromProbabilities(IReadOnlyList<string> actions, ReadOnlySpan<double> probabilities)
    {
        var policy = new TabularPolicy(actions);
        if (probabilities.Length != actions.Count)
            throw new ArgumentException($"{probabilities.Length} probabilities for {actions.Count} actions.", nameof(probabilities));
        var sum = 0.0;
        foreach (var p in probabilities)
        {
            if (!(p >= 0) || double.IsInfinity(p)) throw new ArgumentException($"Probability {p} is not in [0, 1].", nameof(probabilities));
            sum += p;
        }
        if (Math.Abs(sum - 1) > 1e-6) throw new ArgumentException($"Probabilities sum to {sum}, not 1.", nameof(probabilities));
        var row = policy.Logits();
        for (var a = 0; a < row.Length; a++) row[a] = Math.Log(probabilities[a]);
        return policy;
    }

    /// <summary>The logits θ_c of one context: a writable view; writing it changes the policy.</summary>
    public Span<double> Logits(int context = 0) => _logits.AsSpan(RowStart(context), ActionCount);

    /// <summary>π(· | c) as a new array.</summary>
    public double[] Probabilities(int context = 0)
    {
        var probs = new double[ActionCount];
        SoftmaxMath.Softmax(Logits(context), probs);
        return probs;
    }

    /// <summary>ln π(· | c) as a new array (ln π(a) = θ_a − ln Σ_b exp θ_b).</summary>
    public double[] LogProbabilities(int context = 0)
    {
        var logProbs = new double[ActionCount];
        SoftmaxMath.LogSoftmax(Logits(context), logProbs);
        return logProbs;
    }

    /// <summary>ln π(a | c) for one action.</summary>
    public double LogProbability(int action, int context = 0)
    {
        if ((uint)action >= (uint)ActionCount)
            throw new ArgumentOutOfRangeException(nameof(action), $"Action {action} is outside [0, {ActionCount}).");
        var row = Logits(context);
        return row[action] - SoftmaxMath.LogSumExp(row);
    }

    /// <summary>Draws one action a ~ π(· | c) by inverting the cumulative distribution.</summary>
    public int Sample(Random random, int context = 0)
    {
        ArgumentNullException.ThrowIfNull(random);
        return SampleFrom(Probabilities(context), random);
    }

    /// <summary>Draws <paramref name="count"/> independent actions from π(· | c).</summary>
    public int[] SampleMany(Random random, int count, int context = 0)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var probs = Probabilities(context);
        var draws = new int[count];
        for (var i = 0; i < count; i++) draws[i] = SampleFrom(probs, random);
        return draws;
    }

    /// <summary>A deep copy: later changes to either policy do not affect the other.</summary>
    public TabularPolicy Snapshot() => new(this);

    /// <summary>Overwrites this policy's logits with <paramref name="source"/>'s (same actions and contexts).</summary>
    /// <exception cref="ArgumentException">The shapes differ (both are named).</exception>
    public void CopyFrom(TabularPolicy source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.ActionCount != ActionCount || source.Contexts.Count != Contexts.Count)
            throw new ArgumentException(
                $"Cannot copy a policy of {source.Contexts.Count}×{source.ActionCount} (contexts × actions) " +
                $"into one of {Contexts.Count}×{ActionCount}.", nameof(source));
        source._logits.CopyTo(_logits, 0);
    }

    /// <summary>
    /// This policy as an <see cref="IPolicy"/> for the REBEL trainer: a new <see cref="CategoricalPolicy"/> with the
    /// same contexts (its prompts) and actions (its one-token completions) and logits θ rounded to float32. The copy
    /// is independent: training it does not change this policy (read it back with <see cref="FromPolicy"/>).
    /// </summary>
    public CategoricalPolicy AsPolicy()
    {
        var policy = new CategoricalPolicy(Contexts, Actions);
        var target = policy.Logits.AsSpan(); // (contexts × actions), row-major like _logits
        for (var i = 0; i < _logits.Length; i++) target[i] = (float)_logits[i];
        return policy;
    }

    /// <summary>The tabular policy with <paramref name="policy"/>'s contexts, actions and logits (widened to double).</summary>
    public static TabularPolicy FromPolicy(CategoricalPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var tabular = new TabularPolicy(policy.Actions, policy.Contexts);
        var source = policy.Logits.ToArray();
        for (var i = 0; i < source.Length; i++) tabular._logits[i] = source[i];
        return tabular;
    }

    /// <summary>Draws an index from a probability vector (the last index absorbs rounding).</summary>
    internal static int SampleFrom(ReadOnlySpan<double> probabilities, Random random)
    {
        var u = random.NextDouble();
        var cumulative = 0.0;
        for (var a = 0; a < probabilities.Length - 1; a++)
        {
            cumulative += probabilities[a];
            if (u < cumulative) return a;
        }
        return probabilities.Length - 1;
    }

    private int RowStart(int context)
    {
        if ((uint)context >= (uint)Contexts.Count)
            throw new ArgumentOutOfRangeException(nameof(context), $"Context {context} is outside [0, {Contexts.Count}).");
        return context * ActionCount;
    }

    private static void RequireDistinctNames(IReadOnlyList<string> names, string parameter, bool allowEmptyName)
    {
        if (names.Count == 0) throw new ArgumentException("At least one name is needed.", parameter);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name is null || (!allowEmptyName && string.IsNullOrWhiteSpace(name)))
                throw new ArgumentException("A name is null or blank.", parameter);
            if (!seen.Add(name)) throw new ArgumentException($"The name \"{name}\" appears twice.", parameter);
        }
    }
}
