using System.Text.Json;
using System.Text.Json.Serialization;
using Rebel.SelfPlay.Losses;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// Every knob of a REBEL run, with the paper's symbols. Immutable; <see cref="Validate()"/> checks the values together
/// and throws naming the offending values. Serialized with snake_case names in run configs (see
/// <see cref="JsonOptions"/>), so <c>data/default.json</c> and a run's <c>config.json</c> use the same keys.
/// </summary>
public sealed record RebelOptions
{
    /// <summary>Preference (self-play against a judge) or reward mode. Default: preference.</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Preference;

    /// <summary>
    /// The objective, a name in the <see cref="LossRegistry"/>: "rebel" (default), or a baseline on the same data path:
    /// "sppo", "ipo" (online IPO), "dpo" (online DPO), "nash-md" (Nash mirror descent: samples from the mixture
    /// π_t^(1−ηβ)·π_ref^(ηβ), needs a policy that can sample it), "rloo" (reward mode).
    /// </summary>
    public string Loss { get; init; } = "rebel";

    /// <summary>η, REBEL's step size: the regression target is η·Δ on the log-ratio scale. Default 1.</summary>
    public double Eta { get; init; } = 1.0;

    /// <summary>K, completions sampled per prompt per iteration (≥ 2). Default 4.</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>How the K samples are paired: all K(K−1)/2 pairs (default) or adjacent pairs.</summary>
    public PairingScheme Pairing { get; init; } = PairingScheme.AllPairs;

    /// <summary>Prompts drawn per iteration (the batch). Default 32.</summary>
    public int PromptsPerIteration { get; init; } = 32;

    /// <summary>Prompts per minibatch (all K samples and pairs of a prompt stay together). Default 8.</summary>
    public int MinibatchPrompts { get; init; } = 8;

    /// <summary>
    /// Micro-batches each minibatch is split into for the forward and backward passes, their gradients summed before the
    /// one optimizer step, so the update is the minibatch's (to rounding) while only one micro-batch's activations are
    /// alive at a time. 1 (default) computes the minibatch at once. See <see cref="RebelTrainer"/> for how the
    /// gradient is split exactly for any loss.
    /// </summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>E, passes over the iteration's batch (shuffled minibatches each pass). Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>AdamW learning rate. Default 1e-4.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Learning-rate schedule over the run's optimizer steps. Default constant.</summary>
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Constant;

    /// <summary>Optimizer steps of linear warmup. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>AdamW decoupled weight decay. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Gradient clipping by global norm; 0 disables. Default 1.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>
    /// β, the strength of the penalty −β·(ln π_t − ln π_anchor) added to each completion's reward or win rate, where
    /// the anchor is π_ref, or the magnet π_mag when <see cref="MagnetResetInterval"/> &gt; 0. Also β of DPO and IPO,
    /// and of Nash-MD, whose mixture puts weight ηβ on π_ref (instead of the penalty).
    /// 0 disables the penalty. Default 0.
    /// </summary>
    public double Beta { get; init; }

    /// <summary>M: with M &gt; 0 the anchor is a magnet reset to π_t every M iterations (prox/magnet REBEL). Default 0 (anchor = π_ref).</summary>
    public int MagnetResetInterval { get; init; }

    /// <summary>
    /// ε: each magnet reset mixes in π_ref, π_mag ← (1 − ε)·π_t + ε·π_ref (0 ≤ ε &lt; 1; needs
    /// <see cref="MagnetResetInterval"/> &gt; 0). It keeps every magnet probability at least ε·π_ref, so the prox term
    /// can pull back a completion that π_t has driven toward zero. Default 0.
    /// </summary>
    public double MagnetMixing { get; init; }

    /// <summary>
    /// Optimistic REBEL: after the regression moved θ_t to θ_fit, the step is extrapolated with the previous one,
    /// θ_{t+1} = θ_fit + (v_t − v_{t−1}), where v_t = θ_fit − θ_t (v_0 = v_1, so the first iteration is plain).
    /// With a perfect regression v_t = η g_t and this is optimistic mirror descent, π_{t+1} ∝ π_t·exp(η[2g_t − g_{t−1}]),
    /// whose last iterate converges on intransitive games where plain REBEL's cycles. Default false.
    /// </summary>
    public bool Optimistic { get; init; }

    /// <summary>α, the fraction of each iteration's pairs taken from the offline dataset (0 ≤ α &lt; 1). Default 0.</summary>
    public double OfflineFraction { get; init; }

    /// <summary>Offline preference dataset (JSONL, prompt/chosen/rejected or prompt/a/b/p); required when α &gt; 0.</summary>
    public string? OfflineData { get; init; }

    /// <summary>Offline targets from the dataset's labels (default) or by asking the judge.</summary>
    public bool OfflineTargetsFromJudge { get; init; }

    /// <summary>T, the sampling temperature; log-probabilities are computed at the same temperature. Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Maximum new tokens per completion. Default 32.</summary>
    public int MaxNewTokens { get; init; } = 32;

    /// <summary>
    /// Preference mode: a completion cut off by <see cref="MaxNewTokens"/> loses to a finished one and ties with
    /// another cut-off one, whatever the judge says. Default true.
    /// </summary>
    public bool PenalizeUnfinished { get; init; } = true;

    /// <summary>Reward given to a completion that hit the length limit without EOS (reward mode). Default −1.</summary>
    public double NoEosReward { get; init; } = -1.0;

    /// <summary>Number of iterations t = 1 … T. Default 100.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Write a checkpoint every this many iterations (and at the end); 0 = only at the end. Default 10.</summary>
    public int CheckpointInterval { get; init; } = 10;

    /// <summary>Evaluate the win rate against π_ref on held-out prompts every this many iterations; 0 disables. Default 10.</summary>
    public int EvalInterval { get; init; } = 10;

    /// <summary>
    /// Log <c>policy/win_rate_vs_ref_batch</c> each iteration: one fresh π_ref sample per prompt of the batch judged
    /// against one of π_t's samples (B extra judge calls; the verdicts do not enter training). Default true.
    /// </summary>
    public bool BatchWinRate { get; init; } = true;

    /// <summary>Seed of every random choice of the run (prompts, sampling, minibatch order). Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>The JSON settings for configs: snake_case keys, enums as snake_case strings, comments allowed.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>
    /// The weight on π_ref of the mixture π_t^(1−w)·π_ref^w that the built-in loss <see cref="Loss"/> samples from
    /// (Nash-MD: w = ηβ); 0 when it samples π_t itself or is not a built-in loss.
    /// </summary>
    [JsonIgnore]
    public double MixtureWeight =>
        LossRegistry.Default.Contains(Loss) && LossRegistry.Default.Create(this).Sampler is MixtureSampler mixture ? mixture.ReferenceWeight : 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid value (all problems at once), with the built-in losses.</summary>
    public RebelOptions Validate() => Validate(LossRegistry.Default);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming every invalid value (all problems at once): <see cref="Loss"/> must
    /// be in <paramref name="losses"/>, and the loss it names adds its own problems (<see cref="IPreferenceLoss.Problems"/>)
    /// and those of what it declares: targets that need rewards need reward mode; a sampler other than π_t itself needs
    /// preference mode, no offline pairs and no magnet.
    /// </summary>
    public RebelOptions Validate(LossRegistry losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        var problems = new List<string>();
        void Check(bool ok, string message) { if (!ok) problems.Add(message); }
        var loss = losses.Contains(Loss) ? losses.Create(this) : null;
        Check(loss is not null, $"loss \"{Loss}\" is unknown (known: {string.Join(", ", losses.Names)})");
        Check(Eta > 0 && double.IsFinite(Eta), $"eta must be > 0, got {Eta}");
        Check(SamplesPerPrompt >= 2, $"samples_per_prompt must be ≥ 2, got {SamplesPerPrompt}");
        Check(Pairing != PairingScheme.Adjacent || SamplesPerPrompt % 2 == 0, $"adjacent pairing needs an even samples_per_prompt, got {SamplesPerPrompt}");
        Check(PromptsPerIteration >= 1, $"prompts_per_iteration must be ≥ 1, got {PromptsPerIteration}");
        Check(MinibatchPrompts >= 1 && MinibatchPrompts <= PromptsPerIteration, $"minibatch_prompts must be in [1, prompts_per_iteration = {PromptsPerIteration}], got {MinibatchPrompts}");
        Check(GradientAccumulationSteps >= 1 && GradientAccumulationSteps <= MinibatchPrompts * SamplesPerPrompt,
            $"gradient_accumulation_steps must be in [1, minibatch_prompts × samples_per_prompt = {MinibatchPrompts * SamplesPerPrompt}], got {GradientAccumulationSteps}");
        Check(Epochs >= 1, $"epochs must be ≥ 1, got {Epochs}");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"learning_rate must be > 0, got {LearningRate}");
        Check(WarmupSteps >= 0, $"warmup_steps must be ≥ 0, got {WarmupSteps}");
        Check(WeightDecay >= 0, $"weight_decay must be ≥ 0, got {WeightDecay}");
        Check(MaxGradNorm >= 0, $"max_grad_norm must be ≥ 0, got {MaxGradNorm}");
        Check(Beta >= 0 && double.IsFinite(Beta), $"beta must be ≥ 0, got {Beta}");
        Check(MagnetResetInterval >= 0, $"magnet_reset_interval must be ≥ 0, got {MagnetResetInterval}");
        Check(MagnetMixing >= 0 && MagnetMixing < 1, $"magnet_mixing must be in [0, 1), got {MagnetMixing}");
        Check(MagnetMixing == 0 || MagnetResetInterval > 0, $"magnet_mixing = {MagnetMixing} needs magnet_reset_interval > 0");
        Check(OfflineFraction >= 0 && OfflineFraction < 1, $"offline_fraction must be in [0, 1), got {OfflineFraction}");
        Check(OfflineFraction == 0 || !string.IsNullOrWhiteSpace(OfflineData), $"offline_fraction = {OfflineFraction} needs offline_data");
        Check(Temperature > 0 && double.IsFinite(Temperature), $"temperature must be > 0, got {Temperature}");
        Check(MaxNewTokens >= 1, $"max_new_tokens must be ≥ 1, got {MaxNewTokens}");
        Check(double.IsFinite(NoEosReward), $"no_eos_reward must be finite, got {NoEosReward}");
        Check(Iterations >= 1, $"iterations must be ≥ 1, got {Iterations}");
        Check(CheckpointInterval >= 0, $"checkpoint_interval must be ≥ 0, got {CheckpointInterval}");
        Check(EvalInterval >= 0, $"eval_interval must be ≥ 0, got {EvalInterval}");
        if (loss is not null) problems.AddRange(LossProblems(loss));
        if (problems.Count > 0) throw new ArgumentException("Invalid REBEL options: " + string.Join("; ", problems) + ".");
        return this;
    }

    /// <summary>
    /// What the loss's declarations require of these options: targets built from rewards need reward mode; samples
    /// of a distribution q ≠ π_t (Nash-MD's mixture) need preference mode, where Δ regresses ln π_θ/q, and combine with
    /// neither offline pairs (both completions come from q) nor the magnet (q is the anchor); plus the loss's own problems.
    /// </summary>
    private IEnumerable<string> LossProblems(IPreferenceLoss loss)
    {
        string who = $"loss \"{Loss}\"";
        if (loss.NeedsRewards && Mode != TrainingMode.Reward) yield return $"{who} needs mode = reward";
        if (!loss.Sampler.IsOnPolicy && Mode != TrainingMode.Preference) yield return $"{who} needs mode = preference";
        foreach (var problem in loss.Problems()) yield return $"{who} {problem}";
        if (!loss.Sampler.IsOnPolicy && OfflineFraction != 0) yield return $"{who} samples both completions from the mixture, so offline_fraction must be 0";
        if (!loss.Sampler.IsOnPolicy && MagnetResetInterval != 0) yield return $"{who} anchors on its mixture, so magnet_reset_interval must be 0";
    }
}
