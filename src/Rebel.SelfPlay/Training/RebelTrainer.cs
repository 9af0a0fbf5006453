using System.Diagnostics;
using Rebel.Judges;
using Rebel.Judges.Caching;
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
/// π_t, pairs them, asks the judge (or the reward), turns verdicts into regression targets Δ, and minimizes
/// the loss (REBEL's regression or a baseline) for E epochs of shuffled minibatches with AdamW; then logs and
/// checkpoints. π_t is the policy as it stands at the start of iteration t: its log-probabilities are recorded
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
    private IPolicy? _magnet;
    private int _magnetIteration;
    private string? _lastCheckpoint;

    /// <summary>A trainer for <paramref name="policy"/> with frozen reference <paramref name="reference"/> (π_ref).</summary>
    public RebelTrainer(IPolicy policy, IPolicy reference, RebelOptions options, string runDirectory)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _reference = reference ?? throw new ArgumentNullException(nameof(reference));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        RunDirectory = runDirectory;
        _loss = PreferenceLosses.Create(_options);
        _checkpoints = new CheckpointStore(runDirectory);
        _optimizer = new AdamW(policy.Parameters, new AdamWOptions { LearningRate = _options.LearningRate, WeightDecay = _options.WeightDecay });
        _schedule = CreateSchedule(_options);
        _rng = new Rng(_options.Seed);
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
                Checkpoint(t);
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
        var batch = GenerateAndPair(prompts);                                // y ~ π_t, K per prompt; pairs; offline pairs
        m["time/generate"] = Lap(clock);

        Observer?.OnPhase(t, "score");
        RecordLogProbs(batch);                                               // ln π_t, ln π_ref, ln π_anchor (no grad)
        m["time/score"] = Lap(clock);

        Observer?.OnPhase(t, "judge");
        long hitsBefore = (Judge as CachingJudge)?.Hits ?? 0;
        var judged = await JudgeOrRewardAsync(batch, ct);                    // l(x, y, y′) or r(x, y)
        ComputeTargets(batch, judged);                                       // Δ (and win rates / advantages)
        m["judge/calls"] = judged.Calls;
        if (Judge is CachingJudge cache) m["judge/cache_hits"] = cache.Hits - hitsBefore;   // of this iteration's training calls
        if (_options.BatchWinRate && (EvalJudge ?? Judge) is not null)
            m["policy/win_rate_vs_ref_batch"] = await BatchWinRateAsync(batch, prompts, ct); // π_t vs π_ref on this batch's prompts
        m["time/judge"] = Lap(clock);

        Observer?.OnPhase(t, "train");
        var fit = Train(t, batch);                                           // E epochs of the loss with AdamW
        m["time/train"] = Lap(clock);

        WriteIterationMetrics(m, batch, fit, prompts.Count);
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
        m["throughput/samples_per_s"] = batch.Count / Math.Max(1e-9, m["time/generate"] + m["time/score"] + m["time/judge"] + m["time/train"]);
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

    private IterationBatch GenerateAndPair(List<string> prompts)
    {
        int k = _options.SamplesPerPrompt;
        float[]? mixture = null;
        List<Completion> completions;
        if (_options.Loss == "nash-md")
        {
            // Nash-MD: y, y′ ~ π_t^μ ∝ π_t^(1−ηβ)·π_ref^(ηβ), with ln π_t^μ(y) for the targets.
            var sampler = _policy as IGeometricMixtureSampler
                ?? throw new InvalidOperationException($"Loss \"nash-md\" needs a policy that samples geometric mixtures; {_policy.GetType().Name} does not.");
            var drawn = sampler.SampleMixture(_reference, _options.MixtureWeight, prompts, k, _options.Temperature, _options.MaxNewTokens, _rng);
            completions = drawn.Select(d => d.Completion).ToList();
            mixture = drawn.Select(d => (float)d.LogProb).ToArray();
        }
        else completions = new List<Completion>(_policy.Sample(prompts, k, _options.Temperature, _options.MaxNewTokens, _rng));
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
        return new IterationBatch
        {
            Completions = completions, Groups = groups, PairA = [.. pairA], PairB = [.. pairB],
            OnlinePairs = a.Length, OfflineLabels = labels, MixtureLogProbs = mixture,
        };
    }

    private void RecordLogProbs(IterationBatch batch)
    {
        batch.OldLogProbs = ScoreNoGrad(_policy, batch.Completions);                        // ln π_t(y)
        batch.RefLogProbs = ScoreNoGrad(_reference, batch.Completions);                     // ln π_ref(y)
        batch.AnchorLogProbs = batch.MixtureLogProbs                                         // ln π_anchor(y): π_t^μ (Nash-MD),
            ?? (_magnet is null ? batch.RefLogProbs : ScoreNoGrad(_magnet, batch.Completions));  // the magnet, or π_ref
    }

    private float[] ScoreNoGrad(IPolicy policy, List<Completion> completions)
    {
        var result = new float[completions.Count];
        using var _ = Tensor.NoGrad();
        for (int start = 0; start < completions.Count; start += ScoringChunk)
        {
            using var scope = new TensorScope();
            int n = Math.Min(ScoringChunk, completions.Count - start);
            policy.LogProbs(completions.GetRange(start, n), _options.Temperature).AsSpan().CopyTo(result.AsSpan(start, n));
        }
        return result;
    }

    private async Task<JudgeOutcome> JudgeOrRewardAsync(IterationBatch batch, CancellationToken ct)
    {
        if (_options.Mode == TrainingMode.Reward)
        {
            var rewards = Reward!.Rewards(batch.Completions.Select(c => (c.Prompt, c.Text)).ToList());
            return new JudgeOutcome(null, rewards.Select(r => (float)r).ToArray(), batch.Count);
        }
        // Online pairs always go to the judge; offline pairs only when their targets come from it.
        int asked = _options.OfflineTargetsFromJudge ? batch.PairA.Length : batch.OnlinePairs;
        var comparisons = new List<Comparison>(asked);
        for (int p = 0; p < asked; p++)
        {
            var y = batch.Completions[batch.PairA[p]];
            comparisons.Add(new Comparison(y.Prompt, y.Text, batch.Completions[batch.PairB[p]].Text));
        }
        var verdicts = await Judge!.JudgeAsync(comparisons, ct);
        var l = new float[batch.PairA.Length];
        for (int p = 0; p < asked; p++) l[p] = (float)verdicts[p].P;
        for (int p = asked; p < l.Length; p++) l[p] = batch.OfflineLabels[p - batch.OnlinePairs];
        return new JudgeOutcome(l, null, asked);
    }

    private void ComputeTargets(IterationBatch batch, JudgeOutcome judged)
    {
        var finished = batch.Completions.Select(c => c.EndsWithEos).ToArray();
        if (judged.Preferences is not null)
        {
            var l = _options.PenalizeUnfinished
                ? RegressionTargets.ApplyEndOfSequenceRule(judged.Preferences, batch.PairA, batch.PairB, finished)
                : judged.Preferences;
            batch.Preferences = l;
            // Nash-MD regresses ln π_θ/π_t^μ onto η(l − ½): the anchor term enters Δ with weight 1/η, not β.
            double anchorWeight = batch.MixtureLogProbs is null ? _options.Beta : 1 / _options.Eta;
            batch.Deltas = RegressionTargets.FromPreferences(l, batch.PairA, batch.PairB, batch.OldLogProbs, batch.AnchorLogProbs, anchorWeight);
            batch.WinRates = RegressionTargets.WinRates(batch.Count, batch.PairA, batch.PairB, l);
            return;
        }
        var (delta, shaped) = RegressionTargets.FromRewards(judged.Rewards!, finished, batch.PairA, batch.PairB,
            batch.OldLogProbs, batch.AnchorLogProbs, _options.Beta, _options.NoEosReward);
        batch.Deltas = delta;
        // DPO/IPO: l = σ(r(y) − r(y′)) from the raw reward (they carry β themselves); SPPO's win rates from σ(r̃(y) − r̃(y′))
        batch.Preferences = RegressionTargets.RewardPreferences(judged.Rewards!, finished, batch.PairA, batch.PairB, _options.NoEosReward);
        batch.WinRates = RegressionTargets.WinRates(batch.Count, batch.PairA, batch.PairB, delta.Select(d => 1f / (1f + MathF.Exp(-d))).ToArray());
        if (_options.Loss == "rloo") batch.Advantages = AdvantagesByGroup(batch, shaped);
    }

    private static float[] AdvantagesByGroup(IterationBatch batch, float[] rewards)
    {
        var advantages = new float[batch.Count];
        foreach (var group in batch.Groups)
        {
            if (group.Length < 2) continue;
            var a = Advantage.LeaveOneOut(group.Select(i => rewards[i]).ToArray(), group.Length);
            for (int j = 0; j < group.Length; j++) advantages[group[j]] = a[j];
        }
        return advantages;
    }

    /// <summary>
    /// The win rate of π_t against π_ref on the iteration's prompts: one fresh sample of π_ref per prompt against the
    /// first of π_t's K samples, ties ½ (B extra judge calls; not used for training).
    /// </summary>
    private async Task<double> BatchWinRateAsync(IterationBatch batch, List<string> prompts, CancellationToken ct)
    {
        var theirs = _reference.Sample(prompts, 1, _options.Temperature, _options.MaxNewTokens, _rng);
        // Nash-MD's batch holds mixture samples, so π_t gets a fresh sample per prompt there.
        var mine = batch.MixtureLogProbs is null
            ? prompts.Select((_, g) => batch.Completions[batch.Groups[g][0]]).ToList()
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

    private sealed record JudgeOutcome(float[]? Preferences, float[]? Rewards, int Calls);
}
