using Rebel.Judges;
using Rebel.Preference;
using Rebel.Preference.Statistics;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Tournaments;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Evaluation;

/// <summary>
/// Win rate of a policy (or a fixed completion file) against a reference on a prompt set, through any pairwise judge:
/// both sides answer every prompt n times, the judge compares sample s of the policy (shown as a) with sample s of
/// the reference (shown as b), and the verdicts are summarized (<see cref="WinRateResult"/>: raw win rate with ties ½,
/// standard error and bootstrap interval over prompts; <see cref="LengthControlledWinRate"/>). Runs in phases:
/// generate → judge → summarize.
/// </summary>
/// <remarks>
/// <para><b>Position bias.</b> The policy is always a and the reference always b. A judge that may favour a position
/// should be symmetrized (spec <c>symmetrize(SPEC)</c>), which averages both orders.</para>
/// <para><b>Determinism.</b> Each use of randomness has its own stream of <see cref="WinRateOptions.Seed"/>
/// (<c>Rng.DeriveSeed(seed, k)</c>): the policy's samples k = 1, the reference's k = 2, the bootstrap k = 3, so equal
/// options give equal results (with a deterministic judge). Verdicts are collected in prompt-major order whatever order the batches finish in.</para>
/// <para><b>Resuming.</b> <see cref="RunAsync"/> keeps its state in a directory as it goes (both sides' texts before
/// judging, each judged batch as it returns) and, run again over the same directory with the same settings, judges
/// only the pairs still missing; its result equals that of an uninterrupted run.</para>
/// </remarks>
public static partial class WinRateEvaluator
{
    /// <summary>Stream of the evaluation seed that the policy's samples draw from.</summary>
    internal const ulong PolicyStream = 1;

    /// <summary>Stream of the evaluation seed that the reference's samples draw from.</summary>
    internal const ulong ReferenceStream = 2;

    /// <summary>Stream of the evaluation seed that the bootstrap over prompts resamples with.</summary>
    internal const ulong BootstrapStream = 3;

    /// <summary>Samples both policies (at the options' temperature and length limit), judges and summarizes.</summary>
    /// <exception cref="ArgumentException">No prompts.</exception>
    /// <exception cref="JudgeException">The judge failed; the message names the prompt and sample.</exception>
    public static Task<WinRateResult> EvaluateAsync(IPolicy policy, IPolicy reference, IReadOnlyList<string> prompts, IPairwiseJudge judge,
        WinRateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        options = Checked(prompts, judge, options);
        return EvaluateCheckedAsync(new PolicyPlayer("policy", policy, options.Temperature, options.MaxNewTokens),
            new PolicyPlayer("reference", reference, options.Temperature, options.MaxNewTokens), prompts, judge, options, cancellationToken);
    }

    /// <summary>
    /// Lets both players answer every prompt n times (policy players sample, completion files look their answers up),
    /// judges and summarizes.
    /// </summary>
    /// <exception cref="ArgumentException">No prompts, or a player returned the wrong number of completions.</exception>
    /// <exception cref="TournamentException">A player cannot answer a prompt (a completion file missing it).</exception>
    /// <exception cref="JudgeException">The judge failed; the message names the prompt and sample.</exception>
    public static Task<WinRateResult> EvaluateAsync(ITournamentPlayer policy, ITournamentPlayer reference, IReadOnlyList<string> prompts,
        IPairwiseJudge judge, WinRateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        return EvaluateCheckedAsync(policy, reference, prompts, judge, Checked(prompts, judge, options), cancellationToken);
    }

    /// <summary>
    /// Judges given completions: <paramref name="completions"/>[k·n + s] against <paramref name="referenceCompletions"/>[k·n + s]
    /// on prompt k (prompt-major, n = <see cref="WinRateOptions.Samples"/>), in batches of
    /// <see cref="WinRateOptions.BatchSize"/> with at most <see cref="WinRateOptions.Concurrency"/> calls in flight; then summarizes.
    /// </summary>
    /// <exception cref="ArgumentException">No prompts, or a completion list whose length is not K · n.</exception>
    /// <exception cref="JudgeException">The judge failed or returned the wrong number of verdicts; the message names the prompt and sample.</exception>
    public static async Task<WinRateResult> JudgeAsync(IReadOnlyList<string> prompts, IReadOnlyList<string> completions,
        IReadOnlyList<string> referenceCompletions, IPairwiseJudge judge, WinRateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentNullException.ThrowIfNull(referenceCompletions);
        options = Checked(prompts, judge, options);
        return await JudgeCheckedAsync(prompts, completions, referenceCompletions, judge, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The statistics of judged games: raw win rate (ties ½), its standard error and bootstrap interval over prompts,
    /// win/tie/loss counts and the length-controlled win rate (formulas on <see cref="WinRateResult"/> and
    /// <see cref="LengthControlledWinRate"/>). Prompts are grouped by <see cref="WinRateVerdict.PromptIndex"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No verdicts, a p outside [0, 1], or prompts with unequal numbers of samples.</exception>
    public static WinRateResult Summarize(IReadOnlyList<WinRateVerdict> verdicts, WinRateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        return SummarizeChecked(verdicts, (options ?? new WinRateOptions()).Validate());
    }

    // Summarize with options already validated
    private static WinRateResult SummarizeChecked(IReadOnlyList<WinRateVerdict> verdicts, WinRateOptions options)
    {
        if (verdicts.Count == 0) throw new ArgumentException("no verdicts to summarize", nameof(verdicts));
        foreach (var v in verdicts)
            if (!(v.P >= 0 && v.P <= 1)) throw new ArgumentException($"the verdict for prompt {v.PromptIndex}, sample {v.Sample} is {v.P}; it must lie in [0, 1]", nameof(verdicts));
        var groups = verdicts.GroupBy(v => v.PromptIndex).OrderBy(g => g.Key).ToArray();
        int n = groups[0].Count();
        var uneven = groups.FirstOrDefault(g => g.Count() != n);
        if (uneven is not null)
            throw new ArgumentException($"prompt {uneven.Key} has {uneven.Count()} verdicts but prompt {groups[0].Key} has {n}; every prompt needs the same number of samples", nameof(verdicts));

        var means = groups.Select(g => g.Average(v => v.P)).ToArray();                   // m_k = (1/n) Σ_s p_ks
        int k = means.Length;
        double winRate = means.Average();                                                // W = (1/K) Σ_k m_k
        double se = k < 2 ? double.NaN : Math.Sqrt(means.Sum(m => (m - winRate) * (m - winRate)) / (k - 1) / k); // sd(m)/√K
        ConfidenceInterval? interval = k < 2 || options.BootstrapResamples == 0
            ? null
            : Bootstrap.PercentileIntervals(means, sample => [sample.Average()],
                new BootstrapOptions { Resamples = options.BootstrapResamples, Confidence = options.Confidence, Seed = Rng.DeriveSeed(options.Seed, BootstrapStream) })[0];
        var ordered = groups.SelectMany(g => g.OrderBy(v => v.Sample)).ToArray();
        // ℓ(y) and ℓ(y′) counted once per text: the length-controlled fit and the mean lengths share them
        var lengths = ordered.Select(v => WinRateVerdict.Length(v.Completion)).ToArray();
        var referenceLengths = ordered.Select(v => WinRateVerdict.Length(v.ReferenceCompletion)).ToArray();
        var lc = LengthControlledWinRate.Fit(ordered.Select(v => v.P).ToArray(), lengths.Select((l, i) => (double)(l - referenceLengths[i])).ToArray());
        return new WinRateResult(winRate, se, interval, options.Confidence,
            ordered.Count(v => v.P > 0.5), ordered.Count(v => v.P == 0.5), ordered.Count(v => v.P < 0.5), k, n, lc, ordered)
        {
            MeanLength = lengths.Average(),
            MeanReferenceLength = referenceLengths.Average(),
        };
    }
}
