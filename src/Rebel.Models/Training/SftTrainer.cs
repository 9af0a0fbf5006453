using System.Diagnostics;
using Rebel.Models.Scoring;
using Rebel.Tensors;
using Rebel.Tensors.Memory;
using Rebel.Tensors.Optim;

namespace Rebel.Models.Training;

/// <summary>
/// Supervised fine-tuning on prompt/completion pairs: the loss is the mean negative log-likelihood of the
/// completion tokens only, L = −(1/|Y|) Σ_{(i,j) ∈ Y} ln π(y_ij | x_i, y_i,&lt;j), trained with AdamW, a warmup +
/// cosine learning-rate schedule and global-norm gradient clipping, with the held-out loss evaluated periodically.
/// </summary>
public sealed partial class SftTrainer
{
    private readonly ICausalLanguageModel _model;
    private readonly SftOptions _options;
    private readonly AdamW _optimizer;
    private readonly ILearningRateSchedule _schedule;
    private readonly Tensor[] _parameters;

    public SftTrainer(ICausalLanguageModel model, SftOptions options)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        if (options?.CheckpointBlocks == true) model.CheckpointBlocks = true;                // the model re-runs blocks in backward
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _parameters = model.Parameters.Select(p => p.Value).ToArray();
        _optimizer = new AdamW(_parameters, new AdamWOptions { LearningRate = options.LearningRate, WeightDecay = options.WeightDecay });
        _schedule = new CosineDecaySchedule(options.LearningRate, options.WarmupSteps, options.Steps, options.MinLearningRate);
    }

    /// <summary>The optimizer (its state goes into checkpoints).</summary>
    public IOptimizer Optimizer => _optimizer;

    /// <summary>
    /// Splits <paramref name="examples"/> into train and held-out parts (seeded), then runs <see cref="SftOptions.Steps"/>
    /// steps. <paramref name="log"/> receives every step's metrics; <paramref name="checkpoint"/> is called with the step
    /// number every <see cref="SftOptions.CheckpointEvery"/> steps. Returns the metrics of every step.
    /// <see cref="TrainTo"/> runs this and writes the model folder.
    /// </summary>
    /// <param name="examples">Tokenized prompt/completion pairs.</param>
    /// <param name="log">Receives each step's metrics, or null.</param>
    /// <param name="checkpoint">Called with the step number at each checkpoint, or null.</param>
    /// <param name="cancellationToken">Checked before each step: a cancelled run stops within one step.</param>
    /// <exception cref="ArgumentException">Fewer than two examples, or an example the model cannot take.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyList<SftMetrics> Train(IReadOnlyList<PromptCompletion> examples, Action<SftMetrics>? log = null, Action<int>? checkpoint = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count < 2) throw new ArgumentException($"SFT needs at least 2 examples (one held out), got {examples.Count}.", nameof(examples));
        var rng = new Rng(_options.Seed);
        var fitted = examples.Select((e, i) => Fit(e, i)).ToArray();
        rng.Shuffle(fitted.AsSpan());
        int evalCount = Math.Clamp((int)Math.Round(_options.EvalFraction * fitted.Length), 1, fitted.Length - 1);
        var eval = fitted[..evalCount];
        var train = fitted[evalCount..];
        var history = new List<SftMetrics>(_options.Steps);
        var order = Enumerable.Range(0, train.Length).ToArray();
        int cursor = order.Length;

        for (int step = 0; step < _options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            // lr
            double lr = _schedule.LearningRate(step);
            _optimizer.LearningRate = lr;
            // batch: walk a reshuffled order, epoch after epoch
            var batch = new PromptCompletion[Math.Min(_options.BatchSize, train.Length)];
            for (int i = 0; i < batch.Length; i++)
            {
                if (cursor == order.Length) { rng.Shuffle(order.AsSpan()); cursor = 0; }
                batch[i] = train[order[cursor++]];
            }
            // forward / backward, micro-batch by micro-batch (one at a time by default), gradients summed
            double loss = 0, norm;
            _optimizer.ZeroGrad();
            int tokens = Math.Max(1, batch.Sum(b => b.CompletionIds.Length));
            int size = (batch.Length + _options.GradientAccumulationSteps - 1) / _options.GradientAccumulationSteps;
            for (int start = 0; start < batch.Length; start += size)
            {
                using var micro = new TensorScope();
                var l = Loss(batch[start..Math.Min(batch.Length, start + size)], tokens);
                loss += l.Item();
                l.Backward();
            }
            // clip, step
            norm = GradientClipping.ClipByGlobalNorm(_parameters, _options.MaxGradNorm);
            if (double.IsFinite(norm)) _optimizer.Step();
            _optimizer.ZeroGrad();
            double seconds = watch.Elapsed.TotalSeconds;
            // eval / checkpoint / log
            int done = step + 1;
            double? evalLoss = done % _options.EvalEvery == 0 || done == _options.Steps || step == 0 ? EvalLoss(eval) : null;
            var metrics = new SftMetrics(done, loss, evalLoss, lr, norm, seconds);
            history.Add(metrics);
            log?.Invoke(metrics);
            if (checkpoint is not null && _options.CheckpointEvery > 0 && done % _options.CheckpointEvery == 0 && done != _options.Steps)
                checkpoint(done);
        }
        return history;
    }

    /// <summary>Mean completion-token NLL of <paramref name="examples"/> (no gradients), batch by batch.</summary>
    public double EvalLoss(IReadOnlyList<PromptCompletion> examples)
    {
        double sum = 0;
        long tokens = 0;
        using var _ = Tensor.NoGrad();
        for (int start = 0; start < examples.Count; start += _options.BatchSize)
        {
            using var scope = new TensorScope();
            var batch = examples.Skip(start).Take(_options.BatchSize).ToList();
            var result = SequenceLogProbs.Compute(_model, batch);
            sum -= result.Totals.Sum().Item();
            tokens += batch.Sum(b => b.CompletionIds.Length);
        }
        return tokens == 0 ? 0 : sum / tokens;
    }

    /// <summary>
    /// A micro-batch's share of L = −(Σ completion-token log-probs) / (completion tokens of the whole batch), differentiable;
    /// the shares of a batch's micro-batches add up to its L.
    /// </summary>
    private Tensor Loss(IReadOnlyList<PromptCompletion> micro, int batchTokens)
    {
        var result = SequenceLogProbs.Compute(_model, micro);
        return result.Totals.Sum().Scale(-1f / batchTokens);
    }

    /// <summary>Cuts an example to the context: the prompt loses ids from its start (keeping at least one), then the
    /// completion loses ids from its end.</summary>
    private PromptCompletion Fit(PromptCompletion example, int index)
    {
        if (example.PromptIds.Length == 0)
            throw new ArgumentException($"SFT example {index} has an empty prompt; prepend BOS.", nameof(example));
        if (example.CompletionIds.Length == 0)
            throw new ArgumentException($"SFT example {index} has an empty completion.", nameof(example));
        int context = _model.ContextLength;
        if (example.InputLength <= context) return example;
        var prompt = example.PromptIds;
        var completion = example.CompletionIds;
        int keepPrompt = Math.Max(1, context + 1 - completion.Length);
        if (keepPrompt < prompt.Length) prompt = prompt[^keepPrompt..];
        int keepCompletion = context + 1 - prompt.Length;
        if (keepCompletion < completion.Length) completion = completion[..keepCompletion];
        return new PromptCompletion(prompt, completion);
    }
}
