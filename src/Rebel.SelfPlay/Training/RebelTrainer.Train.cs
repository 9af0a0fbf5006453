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
    /// <summary>
    /// π_{t+1}: minimizes the loss for E epochs over shuffled minibatches of whole groups, then measures R² of REBEL's
    /// regression with the updated θ.
    /// </summary>
    private UpdateResult Update(int t, Rollout rollout, FrozenLogProbs frozen, IterationTargets targets)
    {
        var pairsOf = new List<int>[rollout.Count];
        for (int p = 0; p < rollout.PairA.Length; p++) (pairsOf[rollout.PairA[p]] ??= []).Add(p);
        var anchor = frozen.Of(_loss.Anchor);                                             // ln π_t or ln π_ref, as the loss declares
        double lossSum = 0, normSum = 0;
        int steps = 0;
        var order = Enumerable.Range(0, rollout.Groups.Count).ToArray();
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            _rng.Shuffle<int>(order);
            for (int start = 0; start < order.Length; start += _options.MinibatchPrompts)
            {
                var minibatch = Minibatch(rollout, order.Skip(start).Take(_options.MinibatchPrompts), pairsOf);
                using var scope = new TensorScope();
                double loss = _options.GradientAccumulationSteps == 1
                    ? LossAndGradient(t, targets.Loss, minibatch, anchor)                 // L(θ) on the minibatch, ∇θ L
                    : AccumulatedLossAndGradient(t, targets.Loss, minibatch, anchor);     // the same, micro-batch by micro-batch
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
        return new UpdateResult(lossSum / Math.Max(1, steps), RSquared(rollout, frozen, targets), normSum / Math.Max(1, steps), steps);
    }

    /// <summary>One minibatch: the completions of whole groups (indices into the iteration's), and the pairs among them.</summary>
    private sealed record MinibatchIndices(int[] Completions, int[] Pairs, List<Completion> Texts);

    private static MinibatchIndices Minibatch(Rollout rollout, IEnumerable<int> groups, List<int>[] pairsOf)
    {
        var members = groups.SelectMany(g => rollout.Groups[g]).ToArray();
        var pairs = members.SelectMany(i => pairsOf[i] ?? []).Distinct().ToArray();
        return new MinibatchIndices(members, pairs, members.Select(i => rollout.Completions[i]).ToList());
    }

    /// <summary>L(θ) on the minibatch with ∇θ L added into the parameters' gradients, in one pass.</summary>
    private double LossAndGradient(int t, IBoundLoss boundLoss, MinibatchIndices minibatch, float[] anchor)
    {
        var logProbs = _policy.LogProbs(minibatch.Texts, _options.Temperature);            // ln π_θ(y), differentiable
        var lossTensor = boundLoss.Compute(logProbs, Pick(anchor, minibatch.Completions), minibatch.Completions, minibatch.Pairs);
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
    private double AccumulatedLossAndGradient(int t, IBoundLoss boundLoss, MinibatchIndices minibatch, float[] anchor)
    {
        var completions = minibatch.Texts;
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
        var lossTensor = boundLoss.Compute(leaf, Pick(anchor, minibatch.Completions), minibatch.Completions, minibatch.Pairs); // (2) L(ℓ) and ∂L/∂ℓ
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

    private static float[] Pick(float[] values, int[] indices) => indices.Select(i => values[i]).ToArray();

    private double CheckedLoss(int t, Tensor lossTensor)
    {
        double loss = lossTensor.Item();
        if (!double.IsFinite(loss)) throw new TrainingDivergedException(t, $"the {_loss.Name} loss is {loss}", _lastCheckpoint);
        return loss;
    }

    /// <summary>
    /// R² of REBEL's regression after this iteration's updates: predictions (1/η)[(ln π_θ/π_t)(y) − (ln π_θ/π_t)(y′)]
    /// (one no-grad scoring pass with the updated θ) against the targets Δ over all pairs of the batch.
    /// </summary>
    private double RSquared(Rollout rollout, FrozenLogProbs frozen, IterationTargets targets)
    {
        var deltas = targets.Deltas;
        if (deltas.Length == 0) return double.NaN;
        var updated = ScoreNoGrad(_policy, rollout.Completions);                             // ln π_θ(y) after the updates
        double mean = deltas.Average(d => (double)d), ssRes = 0, ssTot = 0;
        for (int p = 0; p < rollout.PairA.Length; p++)
        {
            int a = rollout.PairA[p], b = rollout.PairB[p];
            double predicted = ((updated[a] - frozen.Iterate[a]) - (updated[b] - frozen.Iterate[b])) / _options.Eta;
            ssRes += (predicted - deltas[p]) * (predicted - deltas[p]);
            ssTot += (deltas[p] - mean) * (deltas[p] - mean);
        }
        return ssTot > 0 ? 1 - ssRes / ssTot : double.NaN;
    }

    private void WriteIterationMetrics(Dictionary<string, double> m, Rollout rollout, FrozenLogProbs frozen, IterationTargets targets, UpdateResult update)
    {
        m[$"loss/{_loss.Name}"] = update.MeanLoss;
        m["loss/r2"] = update.RSquared;
        m["loss/grad_norm"] = update.MeanGradNorm;
        m["optim/lr"] = _optimizer.LearningRate;
        m["optim/steps"] = _optimizer.StepCount;
        m["targets/mean_abs_delta"] = targets.Deltas.Length == 0 ? 0 : targets.Deltas.Average(d => Math.Abs((double)d));
        // KL(π_t ‖ π_ref) ≈ mean over y ~ π_t of ln π_t(y) − ln π_ref(y) (online samples only); with samples y ~ q of a
        // distribution q ≠ π_t (Nash-MD's mixture), the self-normalized importance-weighted mean with weights π_t(y)/q(y).
        int online = rollout.OnlineCount;
        var logWeights = new double[online];                                                    // ln π_t(y)/q(y), 0 when q = π_t
        if (rollout.BehaviourLogProbs is { } q)
            for (int i = 0; i < online; i++) logWeights[i] = frozen.Iterate[i] - q[i];
        double top = online == 0 ? 0 : logWeights.Max(), kl = 0, weights = 0;
        for (int i = 0; i < online; i++)
        {
            double w = Math.Exp(logWeights[i] - top);                                           // scaled by e^(−max): no overflow
            kl += w * (frozen.Iterate[i] - frozen.Reference[i]);
            weights += w;
        }
        m["policy/kl_ref"] = weights > 0 ? kl / weights : 0;
        m["policy/eos_rate"] = rollout.Completions.Take(online).Average(c => c.EndsWithEos ? 1.0 : 0.0);
        m["policy/mean_tokens"] = rollout.Completions.Take(online).Average(c => (double)c.Tokens.Length);
        m["data/pairs_online"] = rollout.OnlinePairs;
        m["data/pairs_offline"] = rollout.PairA.Length - rollout.OnlinePairs;
    }

    /// <summary>Mean P(π_θ's completion ≻ π_ref's completion) over <paramref name="prompts"/>, one sample each.</summary>
    public async Task<double> WinRateAgainstReferenceAsync(IReadOnlyList<string> prompts, CancellationToken ct = default) =>
        (await EvaluateAgainstReferenceAsync(prompts, ct)).WinRate;

    /// <summary>Stream of the run seed that seeds the held-out evaluation (the run's own generator is not touched by it).</summary>
    internal const ulong HeldOutEvaluationStream = 1;

    /// <summary>
    /// The win rate of π_θ against π_ref over <paramref name="prompts"/>, one sample each, judged in one call: raw rate
    /// with ties ½, its bootstrap interval over prompts and the length-controlled rate
    /// (<see cref="Evaluation.WinRateEvaluator"/>). It is an evaluation with seed <c>Rng.DeriveSeed(seed, 1)</c>, whose
    /// streams are those of <see cref="Evaluation.WinRateEvaluator"/> (π_θ's samples 1, π_ref's 2, the bootstrap 3), so
    /// every call at any iteration draws the same numbers and the run's generator, and so resuming, is unaffected.
    /// </summary>
    public Task<Evaluation.WinRateResult> EvaluateAgainstReferenceAsync(IReadOnlyList<string> prompts, CancellationToken ct = default)
    {
        var judge = EvalJudge ?? Judge ?? throw new InvalidOperationException("A win rate needs a judge.");
        var seed = Rng.DeriveSeed(_options.Seed, HeldOutEvaluationStream);
        var mine = _policy.Sample(prompts, 1, _options.Temperature, _options.MaxNewTokens,
            new Rng(Rng.DeriveSeed(seed, Evaluation.WinRateEvaluator.PolicyStream)));
        var theirs = _reference.Sample(prompts, 1, _options.Temperature, _options.MaxNewTokens,
            new Rng(Rng.DeriveSeed(seed, Evaluation.WinRateEvaluator.ReferenceStream)));
        var options = new Evaluation.WinRateOptions { Seed = seed, BatchSize = Math.Max(1, prompts.Count), Concurrency = 1 };
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
        _lastCheckpoint = _checkpoints.Save(new TrainerState(t, _rng.GetState(), _magnetIteration), _policy, _optimizer, _magnet, _options, _optimism);
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
        _optimism?.Load(Path.Combine(latest.Path, OptimisticStep.FileName));
        _lastCheckpoint = latest.Path;
        return state.Iteration;
    }

    private void ValidateInputs()
    {
        if (TrainPrompts.Count == 0) throw new InvalidOperationException("No training prompts.");
        if (_loss.Sampler.Unsupported(_policy) is { } why) throw new InvalidOperationException($"Loss \"{_loss.Name}\" {why}.");
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
