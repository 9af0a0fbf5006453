using System.Diagnostics;
using Rebel.Judges;
using Rebel.Preference;
using Rebel.Preference.Data;
using Rebel.Preference.Models;
using Rebel.SelfPlay.Losses;
using Rebel.SelfPlay.Policies;
using Rebel.Tensors;
using Rebel.Tensors.Memory;
using Rebel.Tensors.Optim;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// REBEL (Algorithm 1), for any <see cref="IPolicy"/>: each iteration t draws prompts, samples K completions from
/// π_t (or whatever the loss's sampler draws from), pairs them, asks the judge (or the reward), turns verdicts into
/// regression targets Δ and the targets the loss asks for, and minimizes the loss (REBEL's regression or a baseline)
/// for E epochs of shuffled minibatches with AdamW; then logs and checkpoints. Each phase returns an immutable value
/// the next one reads. π_t is the policy as it stands at the start of iteration t: its log-probabilities are recorded
/// (under no-grad) before any update, so no copy of it is needed.
/// </summary>
public sealed partial class RebelTrainer
{
    private readonly IPolicy _policy;
    private readonly IPolicy _reference;
    private readonly RebelOptions _options;
    private readonly IPreferenceLoss _loss;
    private readonly CheckpointStore _checkpoints;
    private readonly AdamW _optimizer;
    private readonly ILearningRateSchedule _schedule;
    private readonly Rng _rng;
    private readonly OptimisticStep? _optimism;
    private IPolicy? _magnet;
    private int _magnetIteration;
    private string? _lastCheckpoint;

    /// <summary>A trainer for <paramref name="policy"/> with frozen reference <paramref name="reference"/> (π_ref), with the built-in losses.</summary>
    public RebelTrainer(IPolicy policy, IPolicy reference, RebelOptions options, string runDirectory)
        : this(policy, reference, options, runDirectory, LossRegistry.Default)
    {
    }

    /// <summary>
    /// A trainer for <paramref name="policy"/> with frozen reference <paramref name="reference"/> (π_ref), whose
    /// <see cref="RebelOptions.Loss"/> is looked up in <paramref name="losses"/> (e.g. the default registry plus one's own loss).
    /// </summary>
    public RebelTrainer(IPolicy policy, IPolicy reference, RebelOptions options, string runDirectory, LossRegistry losses)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _reference = reference ?? throw new ArgumentNullException(nameof(reference));
        ArgumentNullException.ThrowIfNull(losses);
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate(losses);
        RunDirectory = runDirectory;
        _loss = losses.Create(_options);
        _checkpoints = new CheckpointStore(runDirectory);
        _optimizer = new AdamW(policy.Parameters, new AdamWOptions { LearningRate = _options.LearningRate, WeightDecay = _options.WeightDecay });
        _schedule = CreateSchedule(_options);
        _rng = new Rng(_options.Seed);
        _optimism = _options.Optimistic ? new OptimisticStep(policy.Parameters) : null;
    }

    /// <summary>The run directory (metrics.jsonl, checkpoints/).</summary>
    public string RunDirectory { get; }

    /// <summary>Prompts x that iterations draw from.</summary>
    public required IReadOnlyList<string> TrainPrompts { get; init; }

    /// <summary>Held-out prompts for the periodic win rate against π_ref (none: no evaluation).</summary>
    public IReadOnlyList<string> EvalPrompts { get; init; } = [];

    /// <summary>The pairwise judge l(x, y, y′) (preference mode; also used for win rates when present).</summary>
    public IPairwiseJudge? Judge { get; init; }

    /// <summary>
    /// The judge of the win rates against π_ref (periodic and per batch) when it should differ from the training
    /// judge — e.g. the task judge while training against a learned reward model. Null: <see cref="Judge"/>.
    /// </summary>
    public IPairwiseJudge? EvalJudge { get; init; }

    /// <summary>The reward r(x, y) (reward mode).</summary>
    public IRewardModel? Reward { get; init; }

    /// <summary>The offline dataset μ mixed in with fraction α.</summary>
    public IReadOnlyList<PreferenceRecord> Offline { get; init; } = [];

    /// <summary>Progress reports (optional).</summary>
    public ITrainingObserver? Observer { get; init; }

    /// <summary>Completions scored per forward pass when recording log-probabilities under no-grad.</summary>
    public int ScoringChunk { get; init; } = 64;

    /// <summary>
    /// Runs iterations until <see cref="RebelOptions.Iterations"/>; with <paramref name="resume"/> it continues from the
    /// newest checkpoint exactly as if the run had not stopped. Returns the final checkpoint folder.
    /// </summary>
    public async Task<string> RunAsync(bool resume = false, CancellationToken cancellationToken = default)
    {
        ValidateInputs();
        int first = resume ? Restore() + 1 : 1;
        if (!resume && _checkpoints.Latest() is { } existing)
            throw new InvalidOperationException($"{RunDirectory} already holds checkpoint {existing.Path}; resume it or choose another run directory.");
        using var metrics = new MetricsLog(Path.Combine(RunDirectory, "metrics.jsonl"), keepThroughIteration: first - 1);
        Observer?.OnStart(first, _options.Iterations);
        for (int t = first; t <= _options.Iterations; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = await IterateAsync(t, cancellationToken);
            metrics.Write(t, row);
            Observer?.OnIteration(t, row);
            if (t == _options.Iterations || (_options.CheckpointInterval > 0 && t % _options.CheckpointInterval == 0))
            {
                metrics.Sync();                                                  // the rows a resume keeps are on disk first
                Checkpoint(t);
            }
        }
        return _lastCheckpoint ?? _checkpoints.PathOf(_options.Iterations);
    }

    /// <summary>One iteration t of Algorithm 1, phase by phase; returns its metrics.</summary>
    private async Task<Dictionary<string, double>> IterateAsync(int t, CancellationToken ct)
    {
        var m = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        ResetMagnetIfDue(t);

        Observer?.OnPhase(t, "generate");
        var prompts = SamplePrompts();                                       // x_1..x_B
        var rollout = Generate(prompts);                                     // y ~ the loss's sampler (π_t or a mixture), K per prompt; pairs; offline pairs
        m["time/generate"] = Lap(clock);

        Observer?.OnPhase(t, "score");
        var frozen = Score(rollout);                                         // ln π_t, ln π_ref, ln π_anchor (no grad)
        m["time/score"] = Lap(clock);

        Observer?.OnPhase(t, "judge");
        var judged = await JudgeAsync(rollout, ct);                          // l(x, y, y′) or r(x, y)
        var targets = Targets(rollout, frozen, judged);                      // Δ, and the targets the loss asks for
        m["judge/calls"] = judged.Calls;
        if (judged.CacheHits is { } hits) m["judge/cache_hits"] = hits;       // of this iteration's training calls
        if (_options.BatchWinRate && (EvalJudge ?? Judge) is not null)
            m["policy/win_rate_vs_ref_batch"] = await BatchWinRateAsync(rollout, prompts, ct); // π_t vs π_ref on this batch's prompts
        m["time/judge"] = Lap(clock);

        Observer?.OnPhase(t, "train");
        _optimism?.Begin();                                                  // θ_t (optimistic REBEL)
        var update = Update(t, rollout, frozen, targets);                    // π_{t+1}: E epochs of the loss with AdamW
        _optimism?.Extrapolate();                                            // optimistic: θ_{t+1} = θ_fit + v_t − v_{t−1}
        m["time/train"] = Lap(clock);

        WriteIterationMetrics(m, rollout, frozen, targets, update);
        if (_options.EvalInterval > 0 && t % _options.EvalInterval == 0 && EvalPrompts.Count > 0 && (EvalJudge ?? Judge) is not null)
        {
            Observer?.OnPhase(t, "eval");
            var eval = await EvaluateAgainstReferenceAsync(EvalPrompts, ct);
            m["eval/win_rate_vs_ref"] = eval.WinRate;
            m["eval/win_rate_ci_low"] = eval.Interval?.Lower ?? double.NaN;
            m["eval/win_rate_ci_high"] = eval.Interval?.Upper ?? double.NaN;
            m["eval/lc_win_rate_vs_ref"] = eval.LengthControlled.WinRate;
            m["time/eval"] = Lap(clock);
        }
        m["throughput/samples_per_s"] = rollout.Count / Math.Max(1e-9, m["time/generate"] + m["time/score"] + m["time/judge"] + m["time/train"]);
        return m;
    }

    // ------------------------------------------------------------------ phases

    private List<string> SamplePrompts()
    {
        int b = _options.PromptsPerIteration;
        var uniform = new float[TrainPrompts.Count];
        Array.Fill(uniform, 1f);
        var picks = _rng.Multinomial(uniform, b, replacement: b > TrainPrompts.Count);
        return picks.Select(i => TrainPrompts[i]).ToList();
    }

    /// <summary>K completions per prompt from the loss's sampler, their pairs, and the offline pairs mixed in.</summary>
    private Rollout Generate(List<string> prompts)
    {
        int k = _options.SamplesPerPrompt;
        var sampled = _loss.Sampler.Sample(_policy, _reference, prompts, k, _options.Temperature, _options.MaxNewTokens, _rng);
        var completions = new List<Completion>(sampled.Completions);
        if (completions.Count != prompts.Count * k)
            throw new InvalidOperationException($"The policy returned {completions.Count} completions for {prompts.Count} prompts × K = {k}.");
        var groups = Enumerable.Range(0, prompts.Count).Select(g => Enumerable.Range(g * k, k).ToArray()).ToList();
        var (a, b) = Pairing.Build(prompts.Count, k, _options.Pairing);
        var pairA = a.ToList();
        var pairB = b.ToList();

        // Offline mixing: α of all pairs come from μ, so offline = α/(1−α) · online.
        int offline = Offline.Count == 0 ? 0 : (int)Math.Round(_options.OfflineFraction / (1 - _options.OfflineFraction) * a.Length);
        var labels = new float[offline];
        for (int i = 0; i < offline; i++)
        {
            var record = Offline[_rng.NextInt(Offline.Count)];
            int at = completions.Count;
            completions.Add(_policy.Encode(record.Prompt, record.A));
            completions.Add(_policy.Encode(record.Prompt, record.B));
            groups.Add([at, at + 1]);
            pairA.Add(at);
            pairB.Add(at + 1);
            labels[i] = (float)record.P;
        }
        return new Rollout
        {
            Completions = completions, Groups = groups, PairA = [.. pairA], PairB = [.. pairB], OnlinePairs = a.Length,
            OnlineCount = prompts.Count * k, OfflineLabels = labels, BehaviourLogProbs = sampled.LogProbs,
        };
    }

    private FrozenLogProbs Score(Rollout rollout)
    {
        var iterate = ScoreNoGrad(_policy, rollout.Completions);                              // ln π_t(y)
        var reference = ScoreNoGrad(_reference, rollout.Completions);                         // ln π_ref(y)
        var anchor = rollout.BehaviourLogProbs                                                 // ln π_anchor(y): q (Nash-MD's π_t^μ),
            ?? (_magnet is null ? reference                                                    // π_ref, or the magnet
                : MagnetMixture.LogProbs(ScoreNoGrad(_magnet, rollout.Completions), reference, _options.MagnetMixing));
        return new FrozenLogProbs(iterate, reference, anchor);
    }

    private float[] ScoreNoGrad(IPolicy policy, IReadOnlyList<Completion> completions)
    {
        var result = new float[completions.Count];
        using var _ = Tensor.NoGrad();
        for (int start = 0; start < completions.Count; start += ScoringChunk)
        {
            using var scope = new TensorScope();
            int n = Math.Min(ScoringChunk, completions.Count - start);
            policy.LogProbs(completions.Skip(start).Take(n).ToList(), _options.Temperature).AsSpan().CopyTo(result.AsSpan(start, n));
        }
        return result;
    }

    private async Task<Judged> JudgeAsync(Rollout rollout, CancellationToken ct)
    {
        var statistics = Judge as IJudgeStatistics;
        long hitsBefore = statistics?.CacheHits ?? 0;
        long? Hits() => statistics is null ? null : statistics.CacheHits - hitsBefore;
        if (_options.Mode == TrainingMode.Reward)
        {
            var rewards = Reward!.Rewards(rollout.Completions.Select(c => (c.Prompt, c.Text)).ToList());
            return new Judged(null, rewards.Select(r => (float)r).ToArray(), rollout.Count, Hits());
        }
        // Online pairs always go to the judge; offline pairs only when their targets come from it.
        int asked = _options.OfflineTargetsFromJudge ? rollout.PairA.Length : rollout.OnlinePairs;
        var comparisons = new List<Comparison>(asked);
        for (int p = 0; p < asked; p++)
        {
            var y = rollout.Completions[rollout.PairA[p]];
            comparisons.Add(new Comparison(y.Prompt, y.Text, rollout.Completions[rollout.PairB[p]].Text));
        }
        var verdicts = await Judge!.JudgeAsync(comparisons, ct);
        var l = new float[rollout.PairA.Length];
        for (int p = 0; p < asked; p++) l[p] = (float)verdicts[p].P;
        for (int p = asked; p < l.Length; p++) l[p] = rollout.OfflineLabels[p - rollout.OnlinePairs];
        return new Judged(l, null, asked, Hits());
    }

    /// <summary>Δ per pair (and l, win rates, penalized rewards) from the verdicts, and the loss bound to the targets it asks for.</summary>
    private IterationTargets Targets(Rollout rollout, FrozenLogProbs frozen, Judged judged)
    {
        var signals = judged.Preferences is { } preferences
            ? PreferenceSignals(rollout, frozen, preferences)
            : RewardSignals(rollout, frozen, judged.Rewards!);
        return new IterationTargets(signals, _loss.Bind(signals));
    }

    private IterationSignals PreferenceSignals(Rollout rollout, FrozenLogProbs frozen, float[] judged)
    {
        var finished = rollout.Completions.Select(c => c.EndsWithEos).ToArray();
        var l = _options.PenalizeUnfinished
            ? RegressionTargets.ApplyEndOfSequenceRule(judged, rollout.PairA, rollout.PairB, finished)
            : judged;
        // Samples of q ≠ π_t (Nash-MD) regress ln π_θ/q onto η(l − ½): the anchor q enters Δ with weight 1/η, not β.
        double anchorWeight = rollout.IsOnPolicy ? _options.Beta : 1 / _options.Eta;
        return new IterationSignals
        {
            Count = rollout.Count, PairA = rollout.PairA, PairB = rollout.PairB, Groups = rollout.Groups, Preferences = l,
            Deltas = RegressionTargets.FromPreferences(l, rollout.PairA, rollout.PairB, frozen.Iterate, frozen.PenaltyAnchor, anchorWeight),
            WinRates = RegressionTargets.WinRates(rollout.Count, rollout.PairA, rollout.PairB, l),
        };
    }

    private IterationSignals RewardSignals(Rollout rollout, FrozenLogProbs frozen, float[] rewards)
    {
        var finished = rollout.Completions.Select(c => c.EndsWithEos).ToArray();
        var (delta, shaped) = RegressionTargets.FromRewards(rewards, finished, rollout.PairA, rollout.PairB,
            frozen.Iterate, frozen.PenaltyAnchor, _options.Beta, _options.NoEosReward);
        return new IterationSignals
        {
            Count = rollout.Count, PairA = rollout.PairA, PairB = rollout.PairB, Groups = rollout.Groups, Deltas = delta, Rewards = shaped,
            // DPO/IPO: l = σ(r(y) − r(y′)) from the raw reward (they carry β themselves); SPPO's win rates from σ(r̃(y) − r̃(y′))
            Preferences = RegressionTargets.RewardPreferences(rewards, finished, rollout.PairA, rollout.PairB, _options.NoEosReward),
            WinRates = RegressionTargets.WinRates(rollout.Count, rollout.PairA, rollout.PairB, delta.Select(d => 1f / (1f + MathF.Exp(-d))).ToArray()),
        };
    }

    /// <summary>
    /// The win rate of π_t against π_ref on the iteration's prompts: one fresh sample of π_ref per prompt against the
    /// first of π_t's K samples, ties ½ (B extra judge calls; not used for training).
    /// </summary>
    private async Task<double> BatchWinRateAsync(Rollout rollout, List<string> prompts, CancellationToken ct)
    {
        var theirs = _reference.Sample(prompts, 1, _options.Temperature, _options.MaxNewTokens, _rng);
        // Samples of q ≠ π_t (Nash-MD's mixture) are not π_t's, so π_t gets a fresh sample per prompt there.
        var mine = rollout.IsOnPolicy
            ? prompts.Select((_, g) => rollout.Completions[rollout.Groups[g][0]]).ToList()
            : _policy.Sample(prompts, 1, _options.Temperature, _options.MaxNewTokens, _rng);
        var comparisons = prompts.Select((x, g) => new Comparison(x, mine[g].Text, theirs[g].Text)).ToList();
        var verdicts = await (EvalJudge ?? Judge)!.JudgeAsync(comparisons, ct);
        return verdicts.Average(v => v.P);
    }

    private static double Lap(Stopwatch clock)
    {
        double s = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return s;
    }
}
