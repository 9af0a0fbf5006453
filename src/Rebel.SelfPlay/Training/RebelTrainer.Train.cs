using Rebel.Preference;
using Rebel.SelfPlay.Losses;
using Rebel.SelfPlay.Policies;
using Rebel.Tensors;
using Rebel.Tensors.Memory;
using Rebel.Tensors.Optim;

namespace Rebel.SelfPlay.Training;

// The regression phase, metrics, checkpoints, resume and evaluation of RebelTrainer.
public sealed partial class RebelTrainer
{
    private sealed record FitResult(double MeanLoss, double RSquared, double MeanGradNorm, int Steps);

    /// <summary>Minimizes the loss for E epochs over shuffled minibatches of whole groups.</summary>
    private FitResult Train(int t, IterationBatch batch)
    {
        var pairsOf = new List<int>[batch.Count];
        for (int p = 0; p < batch.PairA.Length; p++) (pairsOf[batch.PairA[p]] ??= []).Add(p);
        double lossSum = 0, normSum = 0;
        int steps = 0;
        var order = Enumerable.Range(0, batch.Groups.Count).ToArray();
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            _rng.Shuffle<int>(order);
            for (int start = 0; start < order.Length; start += _options.MinibatchPrompts)
            {
                var groups = order.Skip(start).Take(_options.MinibatchPrompts).Select(g => batch.Groups[g]).ToList();
                using var scope = new TensorScope();
                double loss = _options.GradientAccumulationSteps == 1
                    ? LossAndGradient(t, batch, groups, pairsOf)                           // L(θ) on the minibatch, ∇θ L
                    : AccumulatedLossAndGradient(t, batch, groups, pairsOf);               // the same, micro-batch by micro-batch
                double norm = _options.MaxGradNorm > 0                                     // clip ‖∇‖ ≤ max_grad_norm
                    ? GradientClipping.ClipByGlobalNorm(_optimizer.Parameters, _options.MaxGradNorm)
                    : GradientClipping.GlobalNorm(_optimizer.Parameters);
                if (!double.IsFinite(norm)) throw new TrainingDivergedException(t, $"the gradient norm is {norm}", _lastCheckpoint);
                _optimizer.LearningRate = _schedule.LearningRate(_optimizer.StepCount);
                _optimizer.Step();                                                         // AdamW
                _optimizer.ZeroGrad();
                lossSum += loss; normSum += norm; steps++;
            }
        }
        return new FitResult(lossSum / Math.Max(1, steps), RSquared(batch), normSum / Math.Max(1, steps), steps);
    }

    /// <summary>L(θ) on the minibatch of <paramref name="groups"/> with ∇θ L added into the parameters' gradients, in one pass.</summary>
    private double LossAndGradient(int t, IterationBatch batch, List<int[]> groups, List<int>[] pairsOf)
    {
        var lossTensor = _loss.Compute(Minibatch(batch, groups, pairsOf, c => _policy.LogProbs(c, _options.Temperature)));
        double loss = CheckedLoss(t, lossTensor);
        lossTensor.Backward();
        return loss;
    }

    /// <summary>
    /// L(θ) and ∇θ L of the minibatch, with the policy's forward and backward passes run over
    /// <see cref="RebelOptions.GradientAccumulationSteps"/> micro-batches of completions. Every loss is a function of the
    /// sequence log-probabilities ℓ_i = ln π_θ(y_i) alone, so ∇θ L = Σ_i (∂L/∂ℓ_i) ∇θ ℓ_i exactly: (1) ℓ is scored
    /// without recording, micro-batch by micro-batch; (2) the loss and ∂L/∂ℓ are computed on a leaf holding ℓ; (3) each
    /// micro-batch's ℓ is recomputed with recording and back-propagated with its share of ∂L/∂ℓ. One extra forward
    /// pass without activations buys a memory peak of one micro-batch, whatever the loss.
    /// </summary>
    private double AccumulatedLossAndGradient(int t, IterationBatch batch, List<int[]> groups, List<int>[] pairsOf)
    {
        var completions = groups.SelectMany(g => g).Select(i => batch.Completions[i]).ToList();
        int n = completions.Count, size = (n + _options.GradientAccumulationSteps - 1) / _options.GradientAccumulationSteps;
        var logProbs = new float[n];
        using (Tensor.NoGrad())
            for (int start = 0; start < n; start += size)                                  // (1) ℓ, no graph kept
            {
                using var micro = new TensorScope();
                _policy.LogProbs(completions.GetRange(start, Math.Min(size, n - start)), _options.Temperature).AsSpan().CopyTo(logProbs.AsSpan(start));
            }
        var leaf = Tensor.FromArray(logProbs, n);
        leaf.RequiresGrad = true;
        var lossTensor = _loss.Compute(Minibatch(batch, groups, pairsOf, _ => leaf));      // (2) L(ℓ) and ∂L/∂ℓ
        double loss = CheckedLoss(t, lossTensor);
        lossTensor.Backward();
        var dLoss = leaf.Grad!.ToArray();
        for (int start = 0; start < n; start += size)                                      // (3) Σ_i ∂L/∂ℓ_i · ∇θ ℓ_i
        {
            using var micro = new TensorScope();
            int count = Math.Min(size, n - start);
            var ell = _policy.LogProbs(completions.GetRange(start, count), _options.Temperature);
            if (ell.RequiresGrad) ell.Backward(Tensor.FromArray(dLoss[start..(start + count)], count));
        }
        return loss;
    }

    private double CheckedLoss(int t, Tensor lossTensor)
    {
        double loss = lossTensor.Item();
        if (!double.IsFinite(loss)) throw new TrainingDivergedException(t, $"the {_loss.Name} loss is {loss}", _lastCheckpoint);
        return loss;
    }

    /// <summary>
    /// The loss inputs for the completions of <paramref name="groups"/>, re-indexed locally; <paramref name="logProbs"/>
    /// gives ln π_θ of those completions, in order.
    /// </summary>
    private LossBatch Minibatch(IterationBatch batch, List<int[]> groups, List<int>[] pairsOf, Func<List<Completion>, Tensor> logProbs)
    {
        var members = groups.SelectMany(g => g).ToArray();
        var local = new Dictionary<int, int>(members.Length);
        for (int i = 0; i < members.Length; i++) local[members[i]] = i;
        var globalPairs = members.SelectMany(i => pairsOf[i] ?? []).Distinct().ToList();
        var completions = members.Select(i => batch.Completions[i]).ToList();
        float[] Pick(float[] source) => members.Select(i => source[i]).ToArray();
        float[] PickPairs(float[] source, List<int> pairs) => pairs.Select(p => source[p]).ToArray();
        return new LossBatch
        {
            LogProbs = logProbs(completions),                                              // ln π_θ(y), differentiable
            OldLogProbs = Pick(batch.OldLogProbs),
            RefLogProbs = batch.RefLogProbs is null ? null : Pick(batch.RefLogProbs),
            PairA = globalPairs.Select(p => local[batch.PairA[p]]).ToArray(),
            PairB = globalPairs.Select(p => local[batch.PairB[p]]).ToArray(),
            PairTargets = PickPairs(batch.Deltas, globalPairs),
            PairPreferences = PickPairs(batch.Preferences, globalPairs),
            WinRates = batch.WinRates is null ? null : Pick(batch.WinRates),
            Advantages = batch.Advantages is null ? null : Pick(batch.Advantages),
        };
    }

    /// <summary>
    /// R² of REBEL's regression after this iteration's updates: predictions (1/η)[(ln π_θ/π_t)(y) − (ln π_θ/π_t)(y′)]
    /// (one no-grad scoring pass with the updated θ) against the targets Δ over all pairs of the batch.
    /// </summary>
    private double RSquared(IterationBatch batch)
    {
        if (batch.Deltas.Length == 0) return double.NaN;
        var updated = ScoreNoGrad(_policy, batch.Completions);                               // ln π_θ(y) after the updates
        double mean = batch.Deltas.Average(d => (double)d), ssRes = 0, ssTot = 0;
        for (int p = 0; p < batch.PairA.Length; p++)
        {
            int a = batch.PairA[p], b = batch.PairB[p];
            double predicted = ((updated[a] - batch.OldLogProbs[a]) - (updated[b] - batch.OldLogProbs[b])) / _options.Eta;
            ssRes += (predicted - batch.Deltas[p]) * (predicted - batch.Deltas[p]);
            ssTot += (batch.Deltas[p] - mean) * (batch.Deltas[p] - mean);
        }
        return ssTot > 0 ? 1 - ssRes / ssTot : double.NaN;
    }

    private void WriteIterationMetrics(Dictionary<string, double> m, IterationBatch batch, FitResult fit, int prompts)
    {
        m[$"loss/{_loss.Name}"] = fit.MeanLoss;
        m["loss/r2"] = fit.RSquared;
        m["loss/grad_norm"] = fit.MeanGradNorm;
        m["optim/lr"] = _optimizer.LearningRate;
        m["optim/steps"] = _optimizer.StepCount;
        m["targets/mean_abs_delta"] = batch.Deltas.Length == 0 ? 0 : batch.Deltas.Average(d => Math.Abs((double)d));
        // KL(π_t ‖ π_ref) ≈ mean over y ~ π_t of ln π_t(y) − ln π_ref(y) (online samples only); with Nash-MD's
        // mixture samples y ~ q, the self-normalized importance-weighted mean with weights π_t(y)/q(y).
        int online = batch.Groups.Take(prompts).Sum(g => g.Length);
        var logWeights = new double[online];                                                    // ln π_t(y)/q(y), 0 without a mixture
        if (batch.MixtureLogProbs is { } q)
            for (int i = 0; i < online; i++) logWeights[i] = batch.OldLogProbs[i] - q[i];
        double top = online == 0 ? 0 : logWeights.Max(), kl = 0, weights = 0;
        for (int i = 0; i < online; i++)
        {
            double w = Math.Exp(logWeights[i] - top);                                           // scaled by e^(−max): no overflow
            kl += w * (batch.OldLogProbs[i] - batch.RefLogProbs![i]);
            weights += w;
        }
        m["policy/kl_ref"] = weights > 0 ? kl / weights : 0;
        m["policy/eos_rate"] = batch.Completions.Take(online).Average(c => c.EndsWithEos ? 1.0 : 0.0);
        m["policy/mean_tokens"] = batch.Completions.Take(online).Average(c => (double)c.Tokens.Length);
        m["data/pairs_online"] = batch.OnlinePairs;
        m["data/pairs_offline"] = batch.PairA.Length - batch.OnlinePairs;
    }

    /// <summary>Mean P(π_θ's completion ≻ π_ref's completion) over <paramref name="prompts"/>, one sample each.</summary>
    public async Task<double> WinRateAgainstReferenceAsync(IReadOnlyList<string> prompts, CancellationToken ct = default) =>
        (await EvaluateAgainstReferenceAsync(prompts, ct)).WinRate;

    /// <summary>
    /// The win rate of π_θ against π_ref over <paramref name="prompts"/>, one sample each from a generator seeded with
    /// seed ⊕ 0x5EED (π_θ first, then π_ref), judged in one call: raw rate with ties ½, its bootstrap interval over
    /// prompts and the length-controlled rate (<see cref="Evaluation.WinRateEvaluator"/>).
    /// </summary>
    public Task<Evaluation.WinRateResult> EvaluateAgainstReferenceAsync(IReadOnlyList<string> prompts, CancellationToken ct = default)
    {
        var judge = EvalJudge ?? Judge ?? throw new InvalidOperationException("A win rate needs a judge.");
        var evalRng = new Rng(_options.Seed ^ 0x5EEDUL);
        var mine = _policy.Sample(prompts, 1, _options.Temperature, _options.MaxNewTokens, evalRng);
        var theirs = _reference.Sample(prompts, 1, _options.Temperature, _options.MaxNewTokens, evalRng);
        var options = new Evaluation.WinRateOptions { Seed = _options.Seed, BatchSize = Math.Max(1, prompts.Count), Concurrency = 1 };
        return Evaluation.WinRateEvaluator.JudgeAsync(prompts, mine.Select(c => c.Text).ToArray(), theirs.Select(c => c.Text).ToArray(), judge, options, ct);
    }

    // ------------------------------------------------------------------ magnet, checkpoints, resume

    /// <summary>Prox/magnet REBEL: every M iterations the magnet π_mag is reset to the current π_t.</summary>
    private void ResetMagnetIfDue(int t)
    {
        int m = _options.MagnetResetInterval;
        if (m <= 0 || _options.Beta <= 0) return;
        if (t > 1 && (t - 1) % m == 0 && _magnetIteration != t - 1)
        {
            _magnet = _policy.Snapshot();                                    // π_mag ← π_t
            _magnetIteration = t - 1;
        }
    }

    private void Checkpoint(int t)
    {
        foreach (var p in _policy.Parameters)
            foreach (var v in p.ToArray())
                if (!float.IsFinite(v)) throw new TrainingDivergedException(t, $"parameter {p.Name} holds {v}", _lastCheckpoint);
        Observer?.OnPhase(t, "checkpoint");
        _lastCheckpoint = _checkpoints.Save(new TrainerState(t, _rng.GetState(), _magnetIteration), _policy, _optimizer, _magnet, _options);
    }

    /// <summary>Loads the newest checkpoint into the policy, optimizer, RNG and magnet; returns its iteration.</summary>
    private int Restore()
    {
        var latest = _checkpoints.Latest() ?? throw new InvalidOperationException($"Nothing to resume: {_checkpoints.Directory} has no checkpoint.");
        var state = CheckpointStore.ReadState(latest.Path);
        _policy.LoadParameters(Path.Combine(latest.Path, "model"));
        _optimizer.LoadState(Path.Combine(latest.Path, "optimizer.safetensors"));
        _rng.SetState(state.Rng);
        _magnetIteration = state.MagnetIteration;
        var magnetDir = Path.Combine(latest.Path, "magnet");
        if (Directory.Exists(magnetDir))
        {
            _magnet = _reference.Snapshot();
            _magnet.LoadParameters(magnetDir);
        }
        _lastCheckpoint = latest.Path;
        return state.Iteration;
    }

    private void ValidateInputs()
    {
        if (TrainPrompts.Count == 0) throw new InvalidOperationException("No training prompts.");
        if (_options.Mode == TrainingMode.Preference && Judge is null) throw new InvalidOperationException("Preference mode needs a judge.");
        if (_options.Mode == TrainingMode.Reward && Reward is null) throw new InvalidOperationException("Reward mode needs a reward model.");
        if (_options.OfflineFraction > 0 && Offline.Count == 0)
            throw new InvalidOperationException($"offline_fraction = {_options.OfflineFraction} but the offline dataset is empty.");
    }

    private static ILearningRateSchedule CreateSchedule(RebelOptions o)
    {
        long total = Math.Max(o.WarmupSteps, (long)o.Iterations * o.Epochs * StepsPerEpoch(o));
        return o.Schedule switch
        {
            LearningRateScheduleKind.Linear => new LinearDecaySchedule(o.LearningRate, o.WarmupSteps, total),
            LearningRateScheduleKind.Cosine => new CosineDecaySchedule(o.LearningRate, o.WarmupSteps, total),
            _ => new ConstantSchedule(o.LearningRate, o.WarmupSteps),
        };
    }

    /// <summary>Minibatches per epoch: online groups plus (approximately) offline pair groups.</summary>
    private static long StepsPerEpoch(RebelOptions o)
    {
        int pairsPerPrompt = o.Pairing == PairingScheme.Adjacent ? o.SamplesPerPrompt / 2 : o.SamplesPerPrompt * (o.SamplesPerPrompt - 1) / 2;
        double offlineGroups = o.OfflineFraction / (1 - o.OfflineFraction) * o.PromptsPerIteration * pairsPerPrompt;
        return (long)Math.Ceiling((o.PromptsPerIteration + offlineGroups) / o.MinibatchPrompts);
    }
}
